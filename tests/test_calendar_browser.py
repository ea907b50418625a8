"""Archive calendars (issue 17): a month grid per year, links to every issue, no script needed,
readable at 1280 and 375 px; previous/next issue on every issue page."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from generator.render.calendar import build_calendars
from tests.newspaper_site import build, write_issue

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
ISSUES = [  # (id, date, inferred)
    ("i2023-12", "2023-12-29", False),
    ("i2024-01", "2024-01-05", False),
    ("i2024-03a", "2024-03-15", False),
    ("i2024-03b", "2024-03-15", False),  # two issues on one day
    ("i2024-05a", "2024-05", True),
    ("i2024-05b", "2024-05", True),
    ("i2024-y", "2024", True),
    ("i-undated", None, True),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("calendar")
    for issue_id, date, inferred in ISSUES:
        write_issue(root / "content", issue_id, date, inferred=inferred)
    assert build(root) == 0
    return root / "public"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.scripts: list[str | None] = []  # each script's src (None: inline)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "script":
            self.scripts.append(attrs.get("src"))


def _links(page: Path) -> _Links:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def test_a_calendar_per_year_with_every_dated_issue(site):
    assert sorted(p.relative_to(site).as_posix() for p in site.glob("archive/*/calendar.html")) == [
        "archive/2023/calendar.html", "archive/2024/calendar.html"]
    page = (site / "archive/2024/calendar.html").read_text(encoding="utf-8")
    assert len(re.findall(r'<section class="calendar-month', page)) == 12
    days = re.findall(r'<td class="issue-day"><a href="([^"]+)"[^>]*>(\d+)</a>(.*?)</td>', page)
    assert [(d, href) for href, d, _ in days] == [("5", "../../issues/2024/01-05/index.html"),
                                                  ("15", "../../issues/2024/03-15/index.html")]
    assert 'href="../../issues/2024/03-15-2/index.html"' in days[1][2]  # the second issue of that day
    may = re.search(r'aria-labelledby="m5".*?</section>', page, re.S).group()
    assert re.findall(r'<ul class="month-issues".*?</ul>', may, re.S)
    assert "2024年5月 第1期（推定）" in may and "2024年5月 第2期（推定）" in may
    assert "2024年（推定）" in page.split('<div class="calendar">')[0]  # a year-only issue above the months
    # Weeks start on Monday: 2024-01-01 was a Monday, 2024-03-01 a Friday.
    january = re.search(r'aria-labelledby="m1".*?<tbody>\s*<tr>(.*?)</tr>', page, re.S).group(1)
    assert january.startswith("<td>1</td>")
    march = re.search(r'aria-labelledby="m3".*?<tbody>\s*<tr>(.*?)</tr>', page, re.S).group(1)
    assert march.startswith("<td></td>" * 4 + "<td>1</td>")


def test_every_calendar_link_resolves_and_no_script_is_needed(site):
    for calendar in site.glob("archive/*/calendar.html"):
        parsed = _links(calendar)
        # The only script is the one every page loads for the offline copy (a service worker);
        # the calendar itself is plain links (test_calendar_pages_in_chromium uses it with
        # JavaScript off).
        assert parsed.scripts == ["../../assets/js/offline.js"], parsed.scripts
        for href in parsed.links:
            target = urlsplit(href)
            if target.scheme or not target.path:
                continue
            assert (calendar.parent / unquote(target.path)).resolve().is_file(), (calendar, href)
    older = _links(site / "archive/2024/calendar.html").links
    assert "../2023/calendar.html" in older
    assert "../2024/calendar.html" in _links(site / "archive/2023/calendar.html").links
    assert "2024/calendar.html" in _links(site / "archive/index.html").links


def test_previous_and_next_issue_on_every_issue_page(site):
    pages = sorted(site.glob("issues/**/index.html"))
    assert len(pages) == len(ISSUES)
    ends = 0
    for page in pages:
        html = page.read_text(encoding="utf-8")
        prev_next = re.search(r'<nav class="prev-next" aria-label="前后期次">(.*?)</nav>', html, re.S).group(1)
        found = re.findall(r'rel="(prev|next)" href="([^"]+)"', prev_next)
        assert found, page
        ends += len(found) == 1
        for _, href in found:
            assert (page.parent / href).resolve().is_file()
    assert ends == 2  # only the oldest and the newest issue lack one side


def test_calendar_model_is_a_pure_function_of_the_issues(site):
    from types import SimpleNamespace
    issues = [SimpleNamespace(meta=SimpleNamespace(date=d)) for d in ("2022-02-28", "2022-02", "2022")]
    (calendar,) = build_calendars(issues)
    february = calendar.months[1]
    assert february.issue_count == 2 and len(february.month_issues) == 1 and calendar.year_issues == [issues[2]]
    assert [d.day for d in february.weeks[-1]] == [28, 0, 0, 0, 0, 0, 0]  # 2022-02-28 was a Monday


def test_a_new_issue_changes_the_identity_of_its_own_year_s_calendar_page_only():
    """What a calendar page is, apart from the views it reads (its identity for incremental
    builds), names of its neighbours only their year, which is all it shows of them: a new issue
    in the latest year leaves the older years' calendar pages as they were."""
    from types import SimpleNamespace

    from generator.render.deps import value_text

    def identities(dates):
        issues = [SimpleNamespace(meta=SimpleNamespace(date=d)) for d in dates]
        return {calendar.year: value_text(calendar) for calendar in build_calendars(issues)}

    before = identities(["2022-03-01", "2023-05-02", "2024-01-09"])
    after = identities(["2022-03-01", "2023-05-02", "2024-01-09", "2024-02-13"])
    assert after["2022"] == before["2022"] and after["2023"] == before["2023"] and after["2024"] != before["2024"]
    new_year = identities(["2022-03-01", "2023-05-02", "2024-01-09", "2025-01-07"])
    assert new_year["2023"] == before["2023"] and new_year["2024"] != before["2024"]  # 2024 links to 2025 now


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_calendar_pages_in_chromium(site, browser, width):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": 900}, java_script_enabled=False)
    page.goto((site / "archive/2024/calendar.html").as_uri())
    page.screenshot(path=str(ARTIFACTS / f"calendar-2024-{width}.png"), full_page=True)
    assert page.locator("td.issue-day a").count() == 3 and page.locator(".month-issues a").count() == 3
    page.close()
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto((site / "archive/2024/calendar.html").as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    columns = page.evaluate("new Set([...document.querySelectorAll('.calendar-month')]"
                            ".map(m => Math.round(m.getBoundingClientRect().left))).size")
    assert columns == (1 if width == 375 else 3)
    day = page.locator("td.issue-day a").first
    box = day.bounding_box()
    assert box["width"] >= 30 and box["height"] >= 30  # a finger can hit it
    day.click()
    assert page.url.endswith("/issues/2024/01-05/index.html")
    assert "2024年1月5日 星期五" in page.inner_text("h1")
    page.close()
