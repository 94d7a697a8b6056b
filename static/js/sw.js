// The portal's service worker (issue #17), served at /sw.js so that its scope is the whole site.
// Pages: network first, the copy kept from the last visit when there is no network (only pages the member
// opened are kept). Static files: the kept copy first (their names change with their content once
// collected). Writes (POST) are never touched: the outbox (offline-queue.js) sends and retries them.
"use strict";

var VERSION = "v1";
var PAGES = "portal-pages-" + VERSION;
var STATIC = "portal-static-" + VERSION;
var NEVER = [/^\/api\//, /^\/attachments\//, /^\/accounts\//, /^\/exports\//, /^\/admin\//, /^\/healthz\//,
             /^\/metrics\//, /^\/pick\//, /^\/sw\.js$/];

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) {
      return k.indexOf("portal-") === 0 && k !== PAGES && k !== STATIC;
    }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

// The offline page's words, in the language of whoever fetched this worker (/sw.js puts OFFLINE_TEXT above
// this file, translated); the Chinese below only when the file is read as is.
var TEXT = self.OFFLINE_TEXT || {lang: "zh-CN", title: "没有网络",
  body: "这个页面还没有在手机上保存过。有网后再打开；已记录的走访会在有网后自动发送。", households: "我的联系户"};

function escapeHtml(text) {
  return String(text).replace(/[&<>"]/g, function (c) {
    return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c];
  });
}

function offlinePage() {
  var html = '<!doctype html><html lang="' + escapeHtml(TEXT.lang) + '"><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>' + escapeHtml(TEXT.title) +
    '</title><body style="font-family:sans-serif;padding:1.5rem"><h1 style="font-size:1.25rem">' +
    escapeHtml(TEXT.title) + '</h1><p>' + escapeHtml(TEXT.body) + '</p>' +
    '<p><a href="/grids/field/">' + escapeHtml(TEXT.households) + '</a></p></body></html>';
  return new Response(html, {status: 503, headers: {"Content-Type": "text/html; charset=utf-8"}});
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;
  }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || NEVER.some(function (re) { return re.test(url.pathname); })) {
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.open(STATIC).then(function (cache) {
      return cache.match(request).then(function (hit) {
        return hit || fetch(request).then(function (resp) {
          if (resp.ok) { cache.put(request, resp.clone()); }
          return resp;
        });
      });
    }));
    return;
  }
  if (request.mode !== "navigate" && (request.headers.get("Accept") || "").indexOf("text/html") < 0) {
    return;
  }
  event.respondWith(fetch(request).then(function (resp) {
    // a page answered to the signed-in member (not a redirect to the login, not an error) is kept
    if (resp.ok && !resp.redirected && resp.type === "basic") {
      var copy = resp.clone();
      caches.open(PAGES).then(function (cache) { cache.put(request, copy); });
    }
    return resp;
  }).catch(function () {
    return caches.open(PAGES).then(function (cache) {
      return cache.match(request, {ignoreVary: true}).then(function (hit) {
        // the visit form kept for one household serves another (field.js selects the one in the address)
        return hit || cache.match(request, {ignoreVary: true, ignoreSearch: true});
      });
    }).then(function (hit) { return hit || offlinePage(); });
  }));
});
