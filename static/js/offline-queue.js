// The phone's outbox (issue #17): a form marked data-offline-queue is sent with fetch; with no connection,
// or when the send fails, the submission waits in IndexedDB (its fields, its photos resized on the phone)
// with an idempotency key made here, and is sent again when the connection returns. The server keeps the
// key uniquely, so a retried upload — even one whose answer was lost — never writes a second record.
// The "待发送" panel ([data-outbox]) shows what waits, what failed and why.
(function () {
  "use strict";

  var DB = "portal-outbox", STORE = "items", MAX_SIDE = 1600, QUALITY = 0.82;
  var sending = false;

  function uuid() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function db() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, {keyPath: "key"}); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function tx(mode, work) {
    return db().then(function (conn) {
      return new Promise(function (resolve, reject) {
        var t = conn.transaction(STORE, mode), store = t.objectStore(STORE), out;
        var req = work(store);
        if (req) { req.onsuccess = function () { out = req.result; }; }
        t.oncomplete = function () { conn.close(); resolve(out); };
        t.onerror = t.onabort = function () { conn.close(); reject(t.error); };
      });
    });
  }

  var outbox = {
    put: function (item) { return tx("readwrite", function (s) { return s.put(item); }); },
    remove: function (key) { return tx("readwrite", function (s) { return s.delete(key); }); },
    get: function (key) { return tx("readonly", function (s) { return s.get(key); }); },
    all: function () {
      return tx("readonly", function (s) { return s.getAll(); }).then(function (items) {
        return (items || []).sort(function (a, b) { return a.created - b.created; });
      });
    }
  };

  // A photo is made smaller on the phone before it waits or travels: longest side MAX_SIDE px, JPEG.
  function resize(file) {
    if (!file || !/^image\//.test(file.type) || !window.createImageBitmap) {
      return Promise.resolve(file);
    }
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          resolve(blob && blob.size < file.size ? blob : file);
        }, "image/jpeg", QUALITY);
      });
    }).catch(function () { return file; });
  }

  function csrfToken(item) {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) { return decodeURIComponent(m[1]); }
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : item.csrf;
  }

  function texts() {
    var t = document.querySelector("template[data-outbox-text]");
    return t ? t.dataset : {};
  }

  // One try: 201 sent (forget it), 400 refused (failed: the form's messages say why; not sent again),
  // 401/403 (failed until the member signs in again), anything else or no network (waits, tried again).
  function send(item) {
    var body = new FormData();
    item.fields.forEach(function (pair) {
      body.append(pair[0], pair[0] === "csrfmiddlewaretoken" ? csrfToken(item) : pair[1]);
    });
    item.files.forEach(function (f) { body.append(f.name, f.blob, f.filename); });
    var t = texts();
    return fetch(item.url, {method: "POST", body: body, credentials: "same-origin",
                            headers: {"X-Offline-Queue": "1", "X-CSRFToken": csrfToken(item)}})
      .then(function (resp) {
        if (resp.status === 201) {
          return resp.json().then(function (answer) {
            return outbox.remove(item.key).then(function () { return {sent: true, answer: answer}; });
          });
        }
        if (resp.status === 400) {
          return resp.json().catch(function () { return {}; }).then(function (answer) {
            item.status = "failed";
            item.error = answer.message || ("HTTP 400");
            return outbox.put(item).then(function () { return {sent: false, item: item}; });
          });
        }
        // signed out meanwhile: the login page answers (a redirect followed by fetch), or a 401/403
        var refused = resp.status === 401 || resp.status === 403 || resp.redirected || resp.status === 200;
        item.status = refused ? "failed" : "waiting";
        item.error = (item.status === "failed" ? t.login : t.server) + " (HTTP " + resp.status + ")";
        return outbox.put(item).then(function () { return {sent: false, item: item}; });
      }, function () {
        item.status = "waiting";
        item.error = t.offline;
        item.tries = (item.tries || 0) + 1;
        return outbox.put(item).then(function () { return {sent: false, item: item}; });
      });
  }

  function flush() {
    if (sending) {
      return Promise.resolve();
    }
    sending = true;
    return outbox.all().then(function (items) {
      var waiting = items.filter(function (i) { return i.status === "waiting"; });
      return waiting.reduce(function (chain, item) {
        return chain.then(function () { return send(item); });
      }, Promise.resolve());
    }).catch(function () { return null; }).then(function () {
      sending = false;
      return render();
    });
  }

  function render() {
    var panels = document.querySelectorAll("[data-outbox]");
    if (!panels.length) {
      return Promise.resolve();
    }
    return outbox.all().then(function (items) {
      var t = texts();
      panels.forEach(function (panel) {
        panel.hidden = items.length === 0;
        panel.querySelector("[data-outbox-count]").textContent = String(items.length);
        var list = panel.querySelector("[data-outbox-list]");
        list.textContent = "";
        items.forEach(function (item) {
          var li = document.createElement("li");
          li.className = "outbox-item border-top py-2";
          li.dataset.key = item.key;
          li.dataset.status = item.status;
          var head = document.createElement("div");
          var badge = document.createElement("span");
          badge.className = "badge me-1 " + (item.status === "failed" ? "bg-danger" : "bg-warning text-dark");
          badge.textContent = item.status === "failed" ? t.failed : t.waiting;
          head.appendChild(badge);
          head.appendChild(document.createTextNode(item.label + (item.files.length ? " · " + t.photo + " " + item.files.length : "")));
          li.appendChild(head);
          var when = document.createElement("div");
          when.className = "small text-muted";
          when.textContent = new Date(item.created).toLocaleString("zh-CN") + (item.error ? " · " + item.error : "");
          li.appendChild(when);
          var actions = document.createElement("div");
          actions.className = "mt-1 d-flex gap-2";
          [["retry", "btn-outline-primary", t.retry], ["remove", "btn-outline-secondary", t.remove]].forEach(function (b) {
            var btn = document.createElement("button");
            btn.type = "button";
            btn.className = "btn btn-sm " + b[1];
            btn.dataset.outboxAction = b[0];
            btn.textContent = b[2];
            actions.appendChild(btn);
          });
          li.appendChild(actions);
          list.appendChild(li);
        });
      });
    });
  }

  function labelOf(form) {
    var select = form.querySelector("select[name=household]");
    var text = form.querySelector("textarea");
    var title = form.querySelector("input[name=title]");
    var parts = [document.title.split(" · ")[0]];
    if (select && select.selectedIndex > 0) { parts.push(select.options[select.selectedIndex].text.trim()); }
    if (title && title.value) { parts.push(title.value.trim()); } else if (text && text.value) { parts.push(text.value.trim().slice(0, 24)); }
    return parts.join(" · ");
  }

  function say(form, kind, message) {
    var box = form.parentNode.querySelector(".outbox-flash");
    if (!box) {
      box = document.createElement("div");
      box.setAttribute("role", "status");
      form.parentNode.insertBefore(box, form);
    }
    box.className = "outbox-flash alert alert-" + kind;
    box.textContent = message;
  }

  function keyInput(form) {
    var input = form.querySelector("input[name=idempotency_key]");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = "idempotency_key";
      form.appendChild(input);
    }
    if (!input.value) { input.value = uuid(); }
    return input;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-offline-queue") || event.defaultPrevented) {
      return;
    }
    event.preventDefault();
    var key = keyInput(form).value;
    var button = form.querySelector("[type=submit]");
    if (button) { button.disabled = true; }
    var data = new FormData(form), fields = [], pending = [];
    data.forEach(function (value, name) {
      if (value instanceof File) {
        if (value.size) {
          pending.push(resize(value).then(function (blob) {
            var filename = blob === value ? value.name : value.name.replace(/\.[^.]*$/, "") + ".jpg";
            return {name: name, blob: blob, filename: filename};
          }));
        }
      } else {
        fields.push([name, value]);
      }
    });
    Promise.all(pending).then(function (files) {
      var item = {key: key, url: form.getAttribute("action") || window.location.pathname + window.location.search,
                  fields: fields, files: files, label: labelOf(form), created: Date.now(), status: "waiting",
                  error: "", tries: 0, csrf: data.get("csrfmiddlewaretoken")};
      // kept before it travels: a send whose answer is lost is sent again with the same key
      return outbox.put(item).then(function () { return send(item); });
    }).then(function (result) {
      var t = texts();
      if (result.sent && form.hasAttribute("data-offline-follow") && result.answer.url) {
        window.location.assign(result.answer.url);
      } else if (result.sent) {
        say(form, "success", result.answer.message || t.sent);
        form.reset();
        form.querySelector("input[name=idempotency_key]").value = "";
        form.dispatchEvent(new CustomEvent("outbox:sent", {bubbles: true, detail: result.answer}));
      } else if (result.item.status === "failed") {
        say(form, "danger", result.item.error);
        // the same key stays on the form: sending it again after a correction is still one record
        outbox.remove(key);
      } else {
        say(form, "warning", t.queued);
        form.reset();
        form.querySelector("input[name=idempotency_key]").value = "";
        form.dispatchEvent(new CustomEvent("outbox:queued", {bubbles: true}));
      }
    }).catch(function (err) {
      say(form, "danger", String(err));
    }).then(function () {
      if (button) { button.disabled = false; }
      render();
    });
  });

  document.addEventListener("click", function (event) {
    var btn = event.target.closest && event.target.closest("[data-outbox-action], [data-outbox-send]");
    if (!btn) {
      return;
    }
    if (btn.hasAttribute("data-outbox-send")) {
      flush();
      return;
    }
    var key = btn.closest("[data-key]").dataset.key;
    if (btn.dataset.outboxAction === "remove") {
      if (window.confirm(texts().confirmRemove)) { outbox.remove(key).then(render); }
      return;
    }
    outbox.get(key).then(function (item) {
      if (!item) { return null; }
      return send(item);
    }).then(render);
  });

  window.addEventListener("online", flush);
  setInterval(function () { if (navigator.onLine) { flush(); } }, 30000);
  if (window.indexedDB) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", flush);
    } else {
      flush();
    }
  }
  window.portalOutbox = {all: outbox.all, flush: flush};
})();
