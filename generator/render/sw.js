// Service worker of the archive (registered by assets/js/offline.js, over http(s) only).
// Pages the reader opened and the search data stay readable offline: every request is tried on
// the network first (so a new issue shows at once) and its answer kept; offline, the kept copy
// is served. VERSION changes with every build that changed a file: the new worker fetches the
// shell and search data of the new build and drops the previous build's cache, so no stale file
// is served; pages are kept again as the reader opens them.
"use strict";

var PREFIX = "archive-";
var CACHE = PREFIX + VERSION;
var SCOPE = new URL("./", self.location.href).href;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(PRECACHE.map(function (path) { return new Request(SCOPE + path, {cache: "reload"}); }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  // The previous build's files go: nothing stale is served once a new version is installed.
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf(PREFIX) === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function offlinePage() {
  var home = SCOPE + "index.html";
  var html = '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">' +
    '<meta http-equiv="Content-Security-Policy" content="default-src \'self\'">' +
    '<link rel="stylesheet" href="' + SCOPE + 'assets/css/site.css"><title>离线</title></head>' +
    '<body><main class="wrap"><h1>离线</h1><p>网络不可用，这一页还没有保存在本机。</p>' +
    '<p><a href="' + home + '">返回首页</a></p></main></body></html>';
  return new Response(html, {status: 503, headers: {"Content-Type": "text/html; charset=utf-8"}});
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || request.url.indexOf(SCOPE) !== 0) { return; }
  var page = request.mode === "navigate";
  event.respondWith(caches.open(CACHE).then(function (cache) {
    return fetch(request).then(function (response) {
      if (response.ok && response.type === "basic") { cache.put(request, response.clone()); }
      return response;
    }, function () {
      // Offline: the kept copy; a page is found without its query (search.html?q=…).
      return cache.match(request, {ignoreSearch: page}).then(function (kept) {
        if (kept) { return kept; }
        if (page && new URL(request.url).pathname === new URL(SCOPE).pathname) {
          return cache.match(SCOPE + "index.html").then(function (home) { return home || offlinePage(); });
        }
        return page ? offlinePage() : Response.error();
      });
    });
  }));
});
