"""Publishing in a real browser (Chromium): the 404 page from a missing deep URL, the
Content-Security-Policy of every page, the offline zip browsed from file://, the service worker
serving pages with the network cut. Screenshots go to tests/artifacts/."""
from __future__ import annotations

import functools
import http.server
import os
import threading
import zipfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from generator.config import SiteConfig
from generator.pipeline import build_site
from generator.render.publish import OFFLINE_ZIP, ZIP_FOLDER
from tests.fixtures_site import write_sample_content

pytest_plugins = ["tests.fixtures_site"]
pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PREFIX = "/jining/"  # served under a sub-path, as on a shared host
HEADER_BLUE = "rgb(11, 58, 110)"  # --header-bg of the default theme
COLLECT_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """A static host: the site under PREFIX, its 404.html for any missing URL (as nginx's error_page)."""

    def translate_path(self, path):
        route = unquote(urlsplit(path).path)
        if not route.startswith(PREFIX):
            return os.path.join(self.directory, "__outside_the_prefix__", "missing")
        return super().translate_path("/" + route[len(PREFIX):])

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextmanager
def serving(folder: Path):
    handler = functools.partial(_SiteHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    finally:
        server.shutdown()
        server.server_close()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_404_from_a_missing_deep_url_is_styled_and_its_links_work(browser, built_site):
    with serving(built_site.public) as (_, base):
        context = browser.new_context()
        page = context.new_page()
        response = page.goto(base + "issues/2024-04/gone/deeper/missing.html")
        assert response.status == 404
        page.wait_for_function("document.documentElement.hasAttribute('data-site-root')")
        assert page.eval_on_selector(".site-header", "e => getComputedStyle(e).backgroundColor") == HEADER_BLUE
        home = page.get_by_role("link", name="返回首页")
        assert home.evaluate("a => a.href") == base + "index.html"
        assert page.eval_on_selector("form.site-search", "f => f.action") == base + "search.html"
        _shot(page, "publish-404-deep.png")
        home.click()
        page.wait_for_url(base + "index.html")
        assert page.eval_on_selector(".site-header", "e => getComputedStyle(e).backgroundColor") == HEADER_BLUE
        page.goto(base + "units/nowhere/page-9.html")
        page.wait_for_function("document.documentElement.hasAttribute('data-site-root')")
        page.fill("#site-search-q", "禁毒")
        page.press("#site-search-q", "Enter")
        page.wait_for_url(base + "search.html?q=*")
        page.wait_for_selector(".search-result")
        context.close()

        # JavaScript off: still the page's text, and a plain link to the host's home page.
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(base + "a/b/c/missing.html")
        assert page.get_by_role("link", name="网站首页").get_attribute("href") == "/"
        assert page.get_by_role("heading", name="页面不存在").is_visible()
        context.close()


def _site_pages(public: Path) -> list[str]:
    return sorted(p.relative_to(public).as_posix() for p in public.rglob("*.html"))


def _count_violations(browser, public: Path, base: str) -> tuple[int, dict, list]:
    context = browser.new_context()
    context.add_init_script(COLLECT_CSP)
    console: list[str] = []
    page = context.new_page()
    page.on("console", lambda message: console.append(message.text))
    violations: dict[str, list] = {}
    urls = _site_pages(public) + ["search.html?q=禁毒", "issues/deep/missing/page.html"]
    for url in urls:
        page.goto(base + url)
        page.wait_for_load_state("load")
        if url.startswith("search.html?"):
            page.wait_for_selector(".search-result")
        found = page.evaluate("window.__csp")
        if found:
            violations[url] = found
    context.close()
    return len(urls), violations, [m for m in console if "Content Security Policy" in m]


def test_no_page_violates_the_content_security_policy(browser, built_site):
    with serving(built_site.public) as (_, base):
        pages, violations, console = _count_violations(browser, built_site.public, base)
    assert pages > 100
    assert violations == {} and console == []


def test_no_page_violates_the_policy_with_a_base_url(browser, tmp_path):
    # The base URL is the local server's, as on a real host: the 404 page's absolute links are the site's own.
    public = tmp_path / "public"
    public.mkdir()
    content = tmp_path / "content"
    write_sample_content(content)
    with serving(public) as (_, base):
        build_site(content, public, SiteConfig(page_size=3, base_url=base))
        pages, violations, console = _count_violations(browser, public, base)
    assert pages > 100
    assert violations == {} and console == []


def test_the_offline_zip_works_unpacked_from_disk_search_included(browser, built_site, tmp_path):
    with zipfile.ZipFile(built_site.public / OFFLINE_ZIP) as archive:
        archive.extractall(tmp_path)
    root = tmp_path / ZIP_FOLDER
    assert (root / "index.html").is_file() and not (root / OFFLINE_ZIP).exists()
    context = browser.new_context()
    context.add_init_script(COLLECT_CSP)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.goto((root / "index.html").as_uri())
    assert page.eval_on_selector(".site-header", "e => getComputedStyle(e).backgroundColor") == HEADER_BLUE
    assert page.locator("[data-offline-download]").is_hidden()  # the reader already has the copy
    assert page.evaluate("navigator.serviceWorker ? navigator.serviceWorker.controller : null") is None
    page.fill("#site-search-q", "禁毒")
    page.press("#site-search-q", "Enter")
    page.wait_for_selector(".search-result")
    assert page.url.startswith((root / "search.html").as_uri())
    _shot(page, "publish-offline-search.png")
    page.locator(".search-result-title a").first.click()
    page.wait_for_selector("h1.article-title")
    assert page.url.startswith(root.as_uri())
    assert page.evaluate("window.__csp") == []
    assert [m for m in console if "Content Security Policy" in m or "ServiceWorker" in m] == []
    context.close()


def test_the_service_worker_keeps_opened_pages_and_search_for_offline_reading(browser, tmp_path):
    content = tmp_path / "content"
    write_sample_content(content)
    public = tmp_path / "public"
    config = SiteConfig(page_size=3)
    build_site(content, public, config)
    article = sorted(p.relative_to(public).as_posix() for p in public.glob("issues/*/0[1-9]-*.html"))[3]
    never_opened = sorted(p.relative_to(public).as_posix() for p in public.glob("tags/*/index.html"))[-1]
    context = browser.new_context()
    page = context.new_page()
    with serving(public) as (server, base):
        page.goto(base + "index.html")
        version = page.evaluate("""async () => {
            const registration = await navigator.serviceWorker.ready;
            return registration.active.scriptURL;
        }""")
        assert version == base + "sw.js"
        page.wait_for_function("navigator.serviceWorker.controller !== null")  # a plain value: polled
        page.goto(base + article)
        title = page.inner_text("h1.article-title")
        # The network cut: the browser offline and the server gone.
        context.set_offline(True)
    page.goto(base + article)
    assert page.inner_text("h1.article-title") == title
    _shot(page, "publish-sw-offline-article.png")
    page.goto(base + "search.html?q=禁毒")
    page.wait_for_selector(".search-result")
    page.goto(base + never_opened)
    assert page.get_by_role("heading", name="离线").is_visible()

    # A new build: the next visit installs the new version, whose cache replaces the old one.
    for path in content.glob("*/*.md"):
        path.write_text(path.read_text(encoding="utf-8").replace("工作取得新成效", "工作取得新成效（新版）"), encoding="utf-8")
    build_site(content, public, config)
    new_version = (public / "sw.js").read_text(encoding="utf-8").split('var VERSION = "')[1].split('"')[0]
    context.set_offline(False)
    # The same origin as before (a service worker belongs to its origin): the same port again.
    old_port = int(base.split(":")[2].split("/")[0])
    handler = functools.partial(_SiteHandler, directory=str(public))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", old_port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page.goto(base + "index.html")
        page.evaluate("navigator.serviceWorker.ready.then(r => r.update())")
        # Installed (its shell fetched) and activated (the previous build's cache dropped), its
        # cache holding the new build's home page. Polled here (wait_for_function does not wait for
        # a promise to settle), the whole state read at once, so a failure shows what was there.
        state = f"""caches.keys().then(keys => !keys.includes('archive-{new_version}') ? [keys, null, '']
            : caches.open('archive-{new_version}').then(c => c.match('{base}index.html'))
                .then(r => r ? r.text().then(text => [keys, r.status, text]) : [keys, null, '']))"""
        expected_home = (public / "index.html").read_text(encoding="utf-8")
        assert "（新版）" in expected_home
        for _ in range(300):
            keys, status, home = page.evaluate(state)
            if keys == [f"archive-{new_version}"] and home == expected_home:
                break
            page.wait_for_timeout(100)
        assert keys == [f"archive-{new_version}"], f"the new build's service worker did not take over: {keys}"
        assert home == expected_home, f"the new cache's index.html: status {status}, {len(home)} characters"
    finally:
        server.shutdown()
        server.server_close()


    context.close()
