"""Test sites for the render tests: a made-up content tree (covering what the real seeds may not:
pagination, name collisions, markup-looking text, undated issues) and the real seeds when the
importer is available. Registered with `pytest_plugins = ["tests.fixtures_site"]`."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.config import SiteConfig
from generator.content import format_article, format_issue
from generator.records import Article, IssueMeta
from generator.pipeline import build_site
from generator.report import RenderReport

HOSTILE_TITLE = "标题含</script><b>粗体</b>与&amp;"
HOSTILE_BODY_TEXT = "<script>alert('x')</script> 与 <img src=x onerror=alert(1)>"

# (issue id, date, inferred, number)
SAMPLE_ISSUES = [
    ("a01_first", "2023-11", True, None),
    ("a02_second", "2024-04", True, None),
    ("a03_third", "2024-04-15", False, 12),
    ("a04_undated", None, True, None),
]
UNITS = ["市公安局", "金乡县公安局化雨派出所", "嘉祥县公安局", "市中分局", "交警支队", "金乡县公安局"]
TAGS = ["反诈", "禁毒", "护学", "交通安全", "智慧警务", "Ai巡逻", "110接警"]
PEOPLE = ["张伟", "章伟", "李明", "王芳", "赵强", "刘洋"]


@dataclass
class BuiltSite:
    content: Path
    public: Path
    report: RenderReport
    config: SiteConfig


def write_sample_content(content_dir: Path) -> None:
    """Four issues of nine articles each, with deterministic variety."""
    n = 0
    for issue_id, date, inferred, number in SAMPLE_ISSUES:
        folder = content_dir / issue_id
        folder.mkdir(parents=True)
        meta = IssueMeta(id=issue_id, source=f"seeds/{issue_id}.txt", number=number, date=date,
                         date_inferred=inferred, date_method="测试用日期" if inferred and date else None)
        (folder / "issue.yml").write_text(format_issue(meta), encoding="utf-8")
        for order in range(1, 10):
            n += 1
            title = HOSTILE_TITLE if n == 5 else f"第{n}篇 {TAGS[n % len(TAGS)]}工作取得新成效"
            unit = UNITS[n % len(UNITS)] if n % 5 else None
            body_parts = [f"{unit or '全市公安机关'}扎实推进{TAGS[n % len(TAGS)]}工作。这是第{n}篇文章的第二句。"]
            if n % 3 == 0:
                body_parts += ["## 一、强化组织领导", "第一部分正文。", "## 二、狠抓工作落实", "第二部分正文。"]
            if n == 5:
                body_parts.append(HOSTILE_BODY_TEXT)
            article = Article(
                title=title, title_generated=False, kicker=UNITS[n % len(UNITS)] if n % 2 else None,
                unit=unit, issue=issue_id, order=order, kind="photo" if n % 7 == 0 else "article",
                reporters=[PEOPLE[n % 3]] if n % 4 else [],
                correspondents=[PEOPLE[3 + n % 3], PEOPLE[(n + 1) % 3]] if n % 2 else [],
                photographers=[PEOPLE[5]] if n % 7 == 0 else [],
                tags=[TAGS[n % len(TAGS)], TAGS[(n * 3) % len(TAGS)]],
                date=date, source=f"seeds/{issue_id}.txt", source_lines=[n, n + 5],
                body="\n\n".join(body_parts) + "\n",
                units=[u for u in ("市公安局", "交警支队") if u != unit] if n % 4 == 1 else [],
            )
            (folder / f"{order:02d}-di-{n}-pian.md").write_text(format_article(article), encoding="utf-8")
    (content_dir / "a02_second" / "99-broken.md").write_text("---\ntitle: [\n---\nbody\n", encoding="utf-8")


def _build(root: Path, content: Path, config: SiteConfig) -> BuiltSite:
    public = root / "public"
    report = build_site(content, public, config)
    return BuiltSite(content, public, report, config)


@pytest.fixture(scope="session")
def hostile_text() -> dict[str, str]:
    """Markup-looking title and body text the sample content contains."""
    return {"title": HOSTILE_TITLE, "body": HOSTILE_BODY_TEXT}


@pytest.fixture(scope="session")
def sample_content(tmp_path_factory) -> Path:
    content = tmp_path_factory.mktemp("sample") / "content"
    write_sample_content(content)
    return content


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, sample_content) -> BuiltSite:
    """The made-up archive built without a base URL and with short pages (pagination shows)."""
    return _build(tmp_path_factory.mktemp("site"), sample_content, SiteConfig(page_size=3))


@pytest.fixture(scope="session")
def built_site_with_base_url(tmp_path_factory, sample_content) -> BuiltSite:
    config = SiteConfig(page_size=3, base_url="https://example.org/jining")
    return _build(tmp_path_factory.mktemp("site-base"), sample_content, config)


@pytest.fixture(scope="session")
def built_real_site(tmp_path_factory, request) -> BuiltSite:
    """The five real seeds, imported and built."""
    content = request.getfixturevalue("imported_content")
    return _build(tmp_path_factory.mktemp("real-site"), content, SiteConfig())


@pytest.fixture(scope="session", params=["sample", "real"])
def any_built_site(request) -> BuiltSite:
    return request.getfixturevalue("built_site" if request.param == "sample" else "built_real_site")
