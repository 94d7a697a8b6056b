// The portal's few page behaviours, declared in the markup with data attributes: the
// Content-Security-Policy allows no inline handlers (onclick=, onchange=, javascript: links).
(function () {
  "use strict";

  // <form data-confirm="确定…？">: ask before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // In the capture phase: a select-all box has ticked the boxes before any form's own change listener
  // (a bulk bar's count) runs.
  document.addEventListener("change", function (event) {
    var el = event.target;
    // <select data-autosubmit>: submit its form when the choice changes.
    if (el.hasAttribute("data-autosubmit") && el.form) {
      el.form.submit();
    }
    // <input type="checkbox" data-check-all="selector">: every matching box follows this one.
    if (el.type === "checkbox" && el.hasAttribute("data-check-all")) {
      document.querySelectorAll(el.getAttribute("data-check-all")).forEach(function (box) {
        box.checked = el.checked;
      });
    }
  }, true);

  document.addEventListener("click", function (event) {
    var el = event.target.closest && event.target.closest("button[data-check-all], a[data-history-back]");
    if (!el) {
      return;
    }
    // <button data-check-all="selector">: tick every matching box.
    if (el.tagName === "BUTTON") {
      document.querySelectorAll(el.getAttribute("data-check-all")).forEach(function (box) {
        box.checked = true;
      });
    } else if (window.history.length > 1) {
      // <a href="fallback" data-history-back>: back where the user came from, else the link.
      event.preventDefault();
      window.history.back();
    }
  });

  // Lists on a phone: every table's cells learn their column's header (data-label), so that below 576 px
  // the stylesheet lays each row out as a card of "header: value" lines instead of one-character columns.
  function labelTables(root) {
    root.querySelectorAll("table.table").forEach(function (table) {
      // a table wider than its column scrolls inside it, never the page (English headers are long)
      if (!table.closest(".table-responsive")) {
        var wrap = document.createElement("div");
        wrap.className = "table-responsive";
        table.parentNode.insertBefore(wrap, table);
        wrap.appendChild(table);
      }
      var heads = table.querySelectorAll("thead th");
      if (!heads.length) {
        return;
      }
      table.classList.add("table-cards");
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, i) {
          if (heads[i] && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", heads[i].textContent.trim());
          }
        });
      });
    });
  }
  // <details data-open-wide>: open on a desk screen (filters in view), one "筛选" button on a phone.
  function openWide(root) {
    if (window.matchMedia("(min-width: 576px)").matches) {
      root.querySelectorAll("details[data-open-wide]").forEach(function (d) { d.open = true; });
    }
  }

  // <select data-picker="/pick/<token>/">: a typed-search combobox (and, for regions, a walk down the tree
  // 乡镇 → 村 → 组) in place of a drop-down too long to use. The select stays in the form, hidden, holding
  // the chosen option(s); the server validates the choice as before.
  function makePicker(select) {
    var url = select.getAttribute("data-picker");
    var tree = select.getAttribute("data-picker-tree") === "1";
    var multiple = select.multiple;
    var box = document.createElement("div");
    box.className = "picker position-relative";
    var chips = document.createElement("div");
    chips.className = "picker-chips d-flex flex-wrap gap-1 mb-1";
    var input = document.createElement("input");
    input.type = "text";
    input.className = "form-control";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");
    input.placeholder = select.getAttribute("data-picker-placeholder") || "";
    var listId = (select.id || select.name) + "-listbox";
    input.setAttribute("aria-controls", listId);
    if (select.id) {  // the field's <label for> now names the search box
      input.id = select.id;
      select.id = select.id + "-select";
    }
    var crumbs = document.createElement("nav");
    crumbs.className = "picker-crumbs small mt-1";
    crumbs.hidden = true;
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "picker-list list-group shadow-sm";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    box.appendChild(chips);
    box.appendChild(input);
    box.appendChild(crumbs);
    box.appendChild(list);
    select.hidden = true;
    select.required = false;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    select.parentNode.insertBefore(box, select.nextSibling);

    var items = [], active = -1, parent = "", timer = null, seq = 0;

    function chosen() {
      return Array.prototype.filter.call(select.options, function (o) { return o.selected && o.value; });
    }
    function showChosen() {
      chips.textContent = "";
      if (multiple) {
        chosen().forEach(function (o) {
          var chip = document.createElement("span");
          chip.className = "badge text-bg-light border d-inline-flex align-items-center gap-1 fw-normal";
          chip.textContent = o.textContent;
          var x = document.createElement("button");
          x.type = "button";
          x.className = "btn-close btn-close-sm";
          x.setAttribute("aria-label", (select.getAttribute("data-picker-remove") || "") + " " + o.textContent);
          x.addEventListener("click", function () { o.selected = false; select.removeChild(o); showChosen(); });
          chip.appendChild(x);
          chips.appendChild(chip);
        });
        chips.hidden = !chosen().length;
      } else {
        chips.hidden = true;
        var o = chosen()[0];
        if (document.activeElement !== input) {
          input.value = o ? o.textContent : "";
        }
      }
    }
    function choose(item) {
      var opt = Array.prototype.find.call(select.options, function (o) { return o.value === String(item.id); });
      if (!opt) {
        opt = document.createElement("option");
        opt.value = item.id;
        select.appendChild(opt);
      }
      opt.textContent = item.full || item.label;
      if (!multiple) {
        Array.prototype.forEach.call(select.options, function (o) { o.selected = false; });
      }
      opt.selected = true;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      input.value = multiple ? "" : opt.textContent;
      close();
      showChosen();
    }
    function close() {
      list.hidden = true;
      crumbs.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function render(data) {
      items = data.items || [];
      list.textContent = "";
      active = items.length ? 0 : -1;
      crumbs.textContent = "";
      if (tree && !input.value.trim()) {
        var path = [{ id: "", name: select.getAttribute("data-picker-top") || "" }].concat(data.crumbs || []);
        path.forEach(function (c, i) {
          if (i) { crumbs.appendChild(document.createTextNode(" \u203a ")); }
          var a = document.createElement("button");
          a.type = "button";
          a.className = "btn btn-link btn-sm p-0 align-baseline";
          a.textContent = c.name;
          a.addEventListener("mousedown", function (e) { e.preventDefault(); parent = String(c.id); load(); });
          crumbs.appendChild(a);
        });
        crumbs.hidden = false;
      }
      if (!items.length) {
        var none = document.createElement("li");
        none.className = "list-group-item text-muted small";
        none.textContent = select.getAttribute("data-picker-none") || "";
        list.appendChild(none);
      }
      items.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.className = "list-group-item list-group-item-action d-flex justify-content-between align-items-center";
        li.setAttribute("role", "option");
        var text = document.createElement("span");
        text.textContent = item.label;
        if (!item.selectable) { text.className = "text-muted"; }
        li.appendChild(text);
        if (item.more) {
          var go = document.createElement("span");
          go.className = "bi bi-chevron-right ms-2";
          go.setAttribute("aria-hidden", "true");
          li.appendChild(go);
        }
        li.addEventListener("mousedown", function (e) {
          e.preventDefault();
          pick(i, e.target.classList.contains("bi-chevron-right"));
        });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight();
    }
    function highlight() {
      Array.prototype.forEach.call(list.children, function (li, i) {
        li.classList.toggle("active", i === active);
        li.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      if (active >= 0) {
        input.setAttribute("aria-activedescendant", listId + "-" + active);
        var li = list.children[active];
        if (li && li.scrollIntoView) { li.scrollIntoView({ block: "nearest" }); }
      }
    }
    function pick(i, drill) {
      var item = items[i];
      if (!item) { return; }
      if (item.more && (drill || !item.selectable)) {
        parent = String(item.id);
        input.value = "";
        load();
      } else if (item.selectable) {
        if (tree && crumbs.textContent) {
          var names = Array.prototype.slice.call(crumbs.querySelectorAll("button"), 1).map(function (b) { return b.textContent; });
          item.full = names.concat([item.label]).join(" \u00b7 ");
        }
        choose(item);
      }
    }
    function load() {
      var q = input.value.trim();
      var mine = ++seq;
      var params = new URLSearchParams();
      if (q) { params.set("q", q); }
      if (parent) { params.set("parent", parent); }
      fetch(url + "?" + params.toString(), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (data) { if (mine === seq) { render(data); } })
        .catch(function () { if (mine === seq) { render({ items: [] }); } });
    }
    input.addEventListener("focus", function () {
      if (!multiple) { input.select(); }
      load();
    });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(load, 200);
    });
    input.addEventListener("blur", function () { setTimeout(function () { close(); showChosen(); }, 150); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (list.hidden) { load(); return; }
        var n = items.length;
        if (n) { active = (active + (e.key === "ArrowDown" ? 1 : n - 1)) % n; highlight(); }
      } else if (e.key === "Enter") {
        if (!list.hidden && active >= 0) { e.preventDefault(); pick(active, false); }
      } else if (e.key === "ArrowRight" && tree && !list.hidden && active >= 0 && items[active] && items[active].more) {
        e.preventDefault();
        pick(active, true);
      } else if ((e.key === "ArrowLeft" || e.key === "Backspace") && tree && !input.value && crumbs.querySelectorAll("button").length > 1) {
        e.preventDefault();
        var back = crumbs.querySelectorAll("button");
        back[back.length - 2].dispatchEvent(new MouseEvent("mousedown"));
      } else if (e.key === "Escape") {
        close();
        showChosen();
      }
    });
    showChosen();
  }
  // --- Workflow steps in a dialog (templates/includes/verb_buttons.html, the lists' bulk bars) ---------
  // <a href="/step/" data-verb-dialog="id">: without script the link opens the step's own page; with it the
  // link becomes a button that opens <dialog id> modally (the page behind is inert, Tab stays inside, Esc
  // closes, focus returns to the button). The dialog's form posts to the same step.
  var FOCUSABLE = "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled])," +
    " textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

  function verbDialogs(root) {
    root.querySelectorAll("a[data-verb-dialog]").forEach(function (link) {
      var dialog = document.getElementById(link.getAttribute("data-verb-dialog"));
      if (!dialog || typeof dialog.showModal !== "function") {
        return;  // no <dialog> support: the link keeps going to the step's page
      }
      var button = document.createElement("button");
      button.type = "button";
      button.className = link.className;
      button.textContent = link.textContent;
      button.setAttribute("aria-haspopup", "dialog");
      ["data-verb", "data-verb-dialog"].forEach(function (name) {
        if (link.hasAttribute(name)) {
          button.setAttribute(name, link.getAttribute(name));
        }
      });
      link.parentNode.replaceChild(button, link);
    });
    root.querySelectorAll("dialog.verb-dialog").forEach(function (dialog) {
      if (dialog.hasAttribute("data-ready")) {
        return;
      }
      dialog.setAttribute("data-ready", "");
      dialog.addEventListener("keydown", function (e) {
        if (e.key === "Enter" && e.target.tagName === "INPUT" && e.target.type !== "checkbox") {
          // Enter in a field presses this dialog's own button (in a bulk form the form's first one is elsewhere)
          var own = dialog.querySelector("button[type=submit]");
          if (own) {
            e.preventDefault();
            own.click();
          }
          return;
        }
        if (e.key !== "Tab") {
          return;
        }
        var items = Array.prototype.filter.call(dialog.querySelectorAll(FOCUSABLE), function (el) {
          return el.offsetParent !== null;
        });
        if (!items.length) {
          return;
        }
        var first = items[0], last = items[items.length - 1];
        if (e.shiftKey && document.activeElement === first) {
          e.preventDefault();
          last.focus();
        } else if (!e.shiftKey && document.activeElement === last) {
          e.preventDefault();
          first.focus();
        }
      });
      dialog.addEventListener("close", function () {
        if (dialog._opener) {
          dialog._opener.focus();
        }
      });
    });
  }

  function openVerbDialog(button) {
    var dialog = document.getElementById(button.getAttribute("data-verb-dialog"));
    if (!dialog || button.disabled) {
      return;
    }
    dialog._opener = button;
    dialog.querySelectorAll("[data-bulk-count]").forEach(function (el) {
      el.textContent = String(bulkChosen(dialog.closest("form")));
    });
    dialog.showModal();
    // the first field to fill in, else the step's own button (a confirmation asks only "yes?")
    var field = dialog.querySelector("input:not([type=hidden]), select, textarea") ||
      dialog.querySelector("button[type=submit]");
    if (field) {
      field.focus();
    }
  }

  document.addEventListener("click", function (event) {
    var el = event.target.closest && event.target.closest("button[data-verb-dialog], [data-verb-close]");
    if (!el) {
      return;
    }
    if (el.hasAttribute("data-verb-close")) {
      var dialog = el.closest("dialog");
      if (dialog) {
        dialog.close();
      }
    } else {
      event.preventDefault();  // a bulk bar's submit button: ask first (without script it submits at once)
      openVerbDialog(el);
    }
  });

  // <form data-bulk="input[name=reviews]">: its bar's count ([data-bulk-count]) follows the ticked boxes, and
  // its dialog buttons wait for at least one.
  function bulkChosen(form) {
    return form && form.hasAttribute("data-bulk") ?
      form.querySelectorAll(form.getAttribute("data-bulk") + ":checked").length : 0;
  }

  function bulkBars(root) {
    root.querySelectorAll("form[data-bulk]").forEach(function (form) {
      var update = function () {
        var n = bulkChosen(form);
        form.querySelectorAll(".bulk-bar [data-bulk-count]").forEach(function (el) {
          el.textContent = String(n);
        });
        form.querySelectorAll(".bulk-bar button[data-verb-dialog]").forEach(function (b) {
          b.disabled = n === 0;
        });
      };
      form.querySelectorAll("[data-bulk-shown]").forEach(function (el) { el.hidden = false; });
      form.addEventListener("change", update);
      form.addEventListener("click", function () { window.setTimeout(update, 0); });
      update();
    });
  }

  function ready() {
    labelTables(document);
    openWide(document);
    document.querySelectorAll("select[data-picker]").forEach(makePicker);
    verbDialogs(document);
    bulkBars(document);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
