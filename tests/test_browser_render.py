"""Browser tests: Debian's Chromium (headless, via Playwright) opens the built site from file://,
clicks home -> issue -> article -> unit / tag / person -> home, and takes screenshots of every
page type at desktop and phone widths (tests/artifacts/, git-ignored)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest


ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "render"
WIDTHS = {"desktop": 1280, "phone": 375}


@pytest.fixture(scope="module")
def site(request):
    """The real archive, built from the five seeds (real Chinese text)."""
    return request.getfixturevalue("built_real_site")


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.external_requests = []
    page.on("request", lambda r: r.url.startswith("file://") or r.url.startswith("data:")
            or page.external_requests.append(r.url))
    yield page
    context.close()


def _path(page) -> str:
    return page.url.split("/public/", 1)[-1]


def test_click_through_from_home(page, site):
    page.goto((site.public / "index.html").as_uri())
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.locator(".recent-issues .issue-grid a").first.click()
    assert _path(page).startswith("issues/") and _path(page).endswith("/index.html")
    page.locator(".article-list .article-item-title a").first.click()
    assert page.locator("h1.article-title").is_visible()
    article_url = page.url

    unit_link = page.locator(".article-facts a[href*='units/']")
    if unit_link.count():
        unit_link.first.click()
        assert _path(page).startswith("units/") and page.locator("h1").is_visible()
        page.go_back()
        assert page.url == article_url

    tag_link = page.locator(".tag-list a")
    if tag_link.count():
        tag_link.first.click()
        assert _path(page).startswith("tags/") and page.locator(".article-list a").count() > 0
        page.go_back()

    person_link = page.locator(".byline a")
    if person_link.count():
        name = person_link.first.inner_text()
        person_link.first.click()
        assert _path(page).startswith("people/") and page.locator("h1").inner_text() == name

    page.locator("a.site-title").click()
    assert _path(page) == "index.html"
    assert page.external_requests == []


def test_every_page_type_at_two_widths(page, site):
    public = site.public
    samples = {
        "home": "index.html", "archive": "archive/index.html", "units": "units/index.html",
        "tags": "tags/index.html", "people": "people/index.html", "404": "404.html",
        "issue": _first(public, "issues/**/index.html"), "article": _largest(public, "issues/**/[!i]*.html"),
        "unit": _largest(public, "units/*/index.html"), "tag": _largest(public, "tags/*/index.html"),
        "person": _first(public, "people/*/index.html"), "year": _first(public, "archive/*/index.html"),
    }
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    ARTIFACTS.mkdir(parents=True)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        for kind, rel in samples.items():
            page.goto((public / rel).as_uri())
            # Nothing may stick out sideways on a phone: that is text cut off or a scroll bar.
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{rel} overflows by {overflow}px at {width}px"
            page.screenshot(path=str(ARTIFACTS / f"{kind}-{label}.png"), full_page=True)
    assert page.external_requests == []
    assert len(list(ARTIFACTS.glob("*.png"))) == 2 * len(samples)


def test_keyboard_skip_link_and_focus(page, site):
    page.goto((site.public / "index.html").as_uri())
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")


def test_pages_work_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((site.public / "index.html").as_uri())
    page.locator(".recent-issues .issue-grid a").first.click()
    assert page.locator(".article-list a").count() > 0
    context.close()


def _first(public: Path, pattern: str) -> str:
    return sorted(public.glob(pattern))[0].relative_to(public).as_posix()


def _largest(public: Path, pattern: str) -> str:
    return max(sorted(public.glob(pattern)), key=lambda p: p.stat().st_size).relative_to(public).as_posix()
