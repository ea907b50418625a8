// The offline copy and the service worker (see generator/render/publish.py).
// Over http(s) a service worker keeps the pages a reader opened and the search data for reading
// offline; opened from disk (file://) nothing is registered, and the "下载离线版" link, which
// points at the archive the reader is already using, is hidden.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var root = new URL("../../", script.src);  // this file is assets/js/offline.js
  if (location.protocol === "file:") {
    var links = document.querySelectorAll("[data-offline-download]");
    for (var i = 0; i < links.length; i++) { links[i].hidden = true; }
    return;
  }
  if (!("serviceWorker" in navigator) || !/^https?:$/.test(location.protocol)) { return; }
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(new URL("sw.js", root).href, {scope: root.href}).catch(function () {
      // Not fatal: the site works without it (e.g. a host that serves sw.js with the wrong type).
    });
  });
})();
