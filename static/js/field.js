// The installable app and the field kit's page behaviours (issue #17): registers the service worker
// (served from the site root, so it covers every page), records where the phone is on a form that asks for
// it (input[name=latitude] + input[name=longitude], only when the phone allows it), shows a visit's
// "raise an issue" fields only when asked for, and forgets the pages kept for offline use on signing out.
(function () {
  "use strict";

  // the caches sw.js fills (same names there)
  var PAGES = "portal-pages-v1", STATIC = "portal-static-v1";
  var sw = document.querySelector("meta[name=service-worker]");
  if (sw && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(sw.content, {scope: sw.dataset.scope || "/"}).then(function () {
      return navigator.serviceWorker.ready;
    }).then(keepThisPage).catch(function () {
      return null; // an old or locked-down browser: the pages work, only not offline
    });
  }

  // The page that installed the worker was loaded before the worker saw it: keep it and its files now, so
  // that the first page the member opened is readable offline too (later pages pass through the worker).
  function keepThisPage() {
    if (!window.caches) {
      return null;
    }
    var files = Array.prototype.map.call(document.querySelectorAll("link[rel=stylesheet][href], script[src]"),
                                         function (el) { return el.href || el.src; });
    var keep = caches.open(STATIC).then(function (cache) {
      return Promise.all(files.map(function (url) {
        return cache.match(url).then(function (hit) { return hit || cache.add(url); });
      }));
    });
    var page = caches.open(PAGES).then(function (cache) {
      return cache.match(location.href, {ignoreVary: true}).then(function (hit) {
        return hit || fetch(location.href, {credentials: "same-origin"}).then(function (resp) {
          return resp.ok && !resp.redirected ? cache.put(location.href, resp) : null;
        });
      });
    });
    return Promise.all([keep, page]).catch(function () { return null; });
  }

  // Signing out: the copies of pages kept on the phone go with the session (the outbox stays: it is the
  // member's unsent work, and sends only with a signed-in session).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.action && /\/accounts\/logout\/?$/.test(new URL(form.action, location.href).pathname) && window.caches) {
      caches.keys().then(function (keys) {
        keys.filter(function (k) { return k.indexOf("portal-pages") === 0; }).forEach(function (k) { caches.delete(k); });
      });
    }
  }, true);

  function field(form, name) {
    var input = form.querySelector("[name=" + name + "]");
    return input ? input.closest(".mb-3") || input.parentNode : null;
  }

  function status(form, text) {
    var line = form.querySelector(".geo-status");
    if (!line) {
      line = document.createElement("div");
      line.className = "geo-status small text-muted mb-3";
      line.setAttribute("role", "status");
      var submit = form.querySelector("[type=submit]");
      submit.parentNode.insertBefore(line, submit);
    }
    line.textContent = text;
  }

  function locate(form) {
    var lat = form.querySelector("input[name=latitude]"), lng = form.querySelector("input[name=longitude]");
    if (!lat || !lng) { return; }
    var t = sw ? sw.dataset : {};
    if (!navigator.geolocation) { status(form, t.geoNone || ""); return; }
    status(form, t.geoWait || "");
    navigator.geolocation.getCurrentPosition(function (pos) {
      lat.value = pos.coords.latitude.toFixed(6);
      lng.value = pos.coords.longitude.toFixed(6);
      status(form, (t.geoOk || "") + " ±" + Math.round(pos.coords.accuracy) + " m");
    }, function () {
      lat.value = lng.value = "";
      status(form, t.geoNone || "");
    }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 300000});
  }

  function issueFields(form) {
    var box = form.querySelector("input[name=raise_issue]");
    if (!box) { return; }
    var names = ["category", "issue_title", "severity"];
    function sync() {
      names.forEach(function (n) { var f = field(form, n); if (f) { f.hidden = !box.checked; } });
    }
    box.addEventListener("change", sync);
    form.addEventListener("reset", function () { setTimeout(sync, 0); });
    sync();
  }

  // A page kept for offline use may have been saved for another household: the address says which.
  function household(form) {
    var select = form.querySelector("select[name=household]");
    var wanted = (new URLSearchParams(location.search).get("household") || "").replace(/\D/g, "");
    if (select && wanted && select.querySelector("option[value='" + wanted + "']")) {
      select.value = wanted;
    }
  }

  document.querySelectorAll("form[data-offline-queue]").forEach(function (form) {
    household(form);
    issueFields(form);
    locate(form);
    form.addEventListener("outbox:sent", function () { household(form); locate(form); });
    form.addEventListener("outbox:queued", function () { household(form); locate(form); });
  });
})();
