// The 404 page without a base URL (see 404.html): loaded as a module from the first depth up
// the path where it exists, which is the site root; every relative link, form and stylesheet of
// the page was written from the root, so each is resolved from there.
const root = new URL("../../", import.meta.url);
if (!document.documentElement.hasAttribute("data-site-root")) {
  document.documentElement.setAttribute("data-site-root", root.href);
  const absolute = /^([a-z][a-z0-9+.-]*:|\/|#)/i;
  for (const [selector, name] of [["a[href]", "href"], ["form[action]", "action"], ["link[href]", "href"]]) {
    for (const element of document.querySelectorAll(selector)) {
      const value = element.getAttribute(name);
      if (element.hasAttribute("data-root-probe") || absolute.test(value)) continue;
      element.setAttribute(name, new URL(value, root).href);
    }
  }
  const offline = document.createElement("script");
  offline.src = new URL("assets/js/offline.js", root).href;
  document.body.append(offline);
}
