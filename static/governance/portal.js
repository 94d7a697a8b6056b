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
  });

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
  function ready() {
    labelTables(document);
    openWide(document);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
