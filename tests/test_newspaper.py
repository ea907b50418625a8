"""Newspaper structure (issue 17): issue identity from seed file names, issue URLs that never
move (issue 14, point 7), 期号 and dates as printed, pages (版), 引题 and 副标题."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from generator.enrich.seednames import parse_seed_name
from generator.output import marker_bytes
from generator.records import IssueMeta
from generator.render.site import issue_label
from tests.newspaper_site import build, tree, write_issue

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))


# --- file names ------------------------------------------------------------------------------------

@pytest.mark.parametrize("stem, date, number", [
    ("2024-03-15", "2024-03-15", None),
    ("20240315", "2024-03-15", None),
    ("2024_03_15", "2024-03-15", None),
    ("2024.3.5", "2024-03-05", None),
    ("2024年3月15日", "2024-03-15", None),
    ("2024-03-15_第1234期", "2024-03-15", 1234),
    ("第1234期", None, 1234),
    ("总第1234期", None, 1234),
    ("No.87", None, 87),
    ("济宁公安-2024-03-15", "2024-03-15", None),
    ("济宁公安20240315第1234期", "2024-03-15", 1234),
    ("济宁公安 第 12 期 2024-03-15", "2024-03-15", 12),
    ("2024-03", "2024-03", None),
    ("2024年3月", "2024-03", None),
    ("000_41eae79e8e932416", None, None),  # an export's hash is not a date
    ("scan-a20240315b", None, None),  # digits glued to letters are a code
    ("第20240315期", None, None),  # too long for a number, and a number is not a date
])
def test_file_name_forms(stem, date, number):
    parsed = parse_seed_name(stem)
    assert (parsed.date, parsed.number, parsed.problems) == (date, number, ())


@pytest.mark.parametrize("stem, reason", [
    ("2024-02-30", "2024-02 has no day 30"),
    ("20241345", "there is no month 13"),
    ("济宁公安-2023-02-29", "2023-02 has no day 29"),
    ("2024年13月", "there is no month 13"),
])
def test_impossible_dates_in_file_names_are_reported_and_ignored(stem, reason):
    parsed = parse_seed_name(stem)
    assert parsed.date is None and len(parsed.problems) == 1 and reason in parsed.problems[0]


def test_a_bad_date_is_reported_and_a_later_good_one_used():
    parsed = parse_seed_name("2024-02-30_重印_2024-03-01")
    assert parsed.date == "2024-03-01" and "2024-02-30" in parsed.problems[0]


@pytest.fixture(scope="module")
def named_import(tmp_path_factory):
    """Three real seeds under file names people give them, one with a contradicting sidecar."""
    root = tmp_path_factory.mktemp("named")
    seeds = root / "seeds"
    seeds.mkdir()
    shutil.copy(SEEDS[0], seeds / "济宁公安-2024-03-15_第1234期.txt")
    shutil.copy(SEEDS[1], seeds / "2024-02-30.txt")
    shutil.copy(SEEDS[2], seeds / "20240412.txt")
    (seeds / "20240412.yml").write_text(
        "date: 2024-04-13\nnumber: 1300\npages:\n  1: {name: 要闻, articles: [1, 2]}\n  2: {name: 法治在线, articles: 3-4}\n",
        encoding="utf-8")
    import contextlib
    import io
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = build(root)
    return root, status, out.getvalue()


def _issue_yml(root: Path, issue_id: str) -> dict:
    return yaml.safe_load((root / "content" / issue_id / "issue.yml").read_text(encoding="utf-8"))


def test_date_and_number_from_the_file_name(named_import):
    root, status, summary = named_import
    assert status == 0, summary
    meta = _issue_yml(root, "济宁公安-2024-03-15_第1234期")
    assert (meta["date"], meta["number"], meta["date_inferred"]) == ("2024-03-15", 1234, False)
    assert meta["date_method"] == "file name 济宁公安-2024-03-15_第1234期.txt"
    page = (root / "public/issues/2024/03-15/index.html").read_text(encoding="utf-8")
    assert "第1234期 · 2024年3月15日 星期五" in page
    archive = (root / "public/archive/index.html").read_text(encoding="utf-8")
    assert "第1234期 · 2024年3月15日 星期五" in archive


def test_a_bad_file_name_date_is_reported_and_the_text_decides(named_import):
    root, status, summary = named_import
    assert "seeds/2024-02-30.txt: '2024-02-30' in the file name is not a real date (2024-02 has no day 30)" in summary
    meta = _issue_yml(root, "2024-02-30")
    assert meta["date_inferred"] is True and meta["date_method"].startswith("inferred from the text: ")
    assert meta["date"] != "2024-02-30"


def test_the_sidecar_overrides_the_file_name_and_says_so(named_import):
    root, status, summary = named_import
    meta = _issue_yml(root, "20240412")
    assert (meta["date"], meta["number"], meta["date_inferred"]) == ("2024-04-13", 1300, False)
    assert meta["date_method"] == "sidecar 20240412.yml"
    assert "the file name says date 2024-04-12, the sidecar 20240412.yml says 2024-04-13; the sidecar's is used" in summary


def test_pages_from_the_sidecar_group_the_issue_page(named_import):
    root, _, _ = named_import
    articles = sorted((root / "content/20240412").glob("*.md"))
    pages = [yaml.safe_load(a.read_text(encoding="utf-8").split("---")[1]).get("page") for a in articles]
    assert pages[:4] == [1, 1, 2, 2] and set(pages[4:]) == {None}
    page = (root / "public/issues/2024/04-13/index.html").read_text(encoding="utf-8")
    index = re.search(r'<nav class="page-index".*?</nav>', page, re.S).group()
    assert re.findall(r'href="#(page-[\w-]+)">([^<]+)</a>', index) == [
        ("page-1", "第1版 要闻"), ("page-2", "第2版 法治在线"), ("page-other", "其他")]
    sections = re.findall(r'<section class="issue-page" id="(page-[\w-]+)".*?</section>', page, re.S)
    assert sections == ["page-1", "page-2", "page-other"]
    first = re.search(r'<section class="issue-page" id="page-1".*?</section>', page, re.S).group()
    assert first.count('<li class="article-item') == 2
    article = next((root / "public/issues/2024/04-13").glob("03-*.html")).read_text(encoding="utf-8")
    assert "第2版 法治在线" in article and "#page-2" in article


def test_bad_pages_in_a_sidecar_are_reported(tmp_path):
    from generator.enrich.dates import load_sidecar
    seed = tmp_path / "x.txt"
    for text, message in (("pages: {1: [1, 2], 2: [2]}", "article 2 is on page 1 and page 2"),
                          ("pages: {0: [1]}", "not a page number"),
                          ("pages: {1: {articles: [a]}}", "articles must be article numbers"),
                          # The schema checks the type first, naming the file, line and key.
                          ("pages: [1, 2]", "x.yml:1 [pages]: must be a mapping")):
        (tmp_path / "x.yml").write_text(text, encoding="utf-8")
        with pytest.raises(ValueError, match=re.escape(message)):
            load_sidecar(seed)


# --- labels ---------------------------------------------------------------------------------------

def test_labels_as_printed():
    assert issue_label(IssueMeta("a", "", date="2024-03-15", date_inferred=False)) == "2024年3月15日 星期五"
    assert issue_label(IssueMeta("a", "", date="2024-03"), 2) == "2024年3月 第2期（推定）"
    assert issue_label(IssueMeta("a", "", date="2024-03", number=7), 2) == "2024年3月（推定）"
    assert issue_label(IssueMeta("a", "", date="2024")) == "2024年（推定）"
    assert issue_label(IssueMeta("a", "", date=None)) == "日期不详"


# --- URLs that never move ---------------------------------------------------------------------------

def _urls(root: Path) -> dict[str, str]:
    return json.loads((root / "content/.urls.json").read_text(encoding="utf-8"))["issues"]


@pytest.mark.parametrize("first, second", [("a-issue", "b-issue"), ("b-issue", "a-issue")])
def test_issues_of_one_month_keep_the_url_they_were_first_given(tmp_path, first, second):
    content = tmp_path / "content"
    write_issue(content, first, "2024-03", inferred=True)
    assert build(tmp_path) == 0
    assert (tmp_path / "public/issues/2024-03/1/index.html").is_file()
    first_article = (tmp_path / "public/issues/2024-03/1/01-article-1.html").read_bytes()
    write_issue(content, second, "2024-03", inferred=True)
    assert build(tmp_path) == 0
    assert _urls(tmp_path) == {first: "2024-03/1", second: "2024-03/2"}
    assert f"{first}第1篇报道".encode() in (tmp_path / "public/issues/2024-03/1/01-article-1.html").read_bytes()
    assert "2024年3月 第1期（推定）" in first_article.decode("utf-8")
    assert "2024年3月 第1期（推定）" in (tmp_path / "public/issues/2024-03/1/index.html").read_text(encoding="utf-8")
    archive = (tmp_path / "public/archive/index.html").read_text(encoding="utf-8")
    assert "2024年3月 第1期（推定）" in archive and "2024年3月 第2期（推定）" in archive
    # Deleting the cache and the output changes nothing: the assignment lives in content/.
    published = tree(tmp_path / "public")
    shutil.rmtree(tmp_path / "cache")
    shutil.rmtree(tmp_path / "public")
    assert build(tmp_path) == 0
    assert tree(tmp_path / "public") == published


def test_a_published_url_survives_a_new_date_an_earlier_issue_and_a_deletion(tmp_path):
    content = tmp_path / "content"
    write_issue(content, "z-first", "2024-03", inferred=True)
    build(tmp_path)
    # An issue that sorts earlier (an earlier exact date, a name first in order) arrives.
    write_issue(content, "a-earlier", "2024-03", inferred=True)
    write_issue(content, "a-exact", "2024-03-01", number=1200)
    build(tmp_path)
    assert _urls(tmp_path) == {"z-first": "2024-03/1", "a-earlier": "2024-03/2", "a-exact": "2024/03-01"}
    # The editor learns z-first's exact day: it keeps its published URL and shows the day.
    write_issue(content, "z-first", "2024-03-20")
    build(tmp_path)
    page = (tmp_path / "public/issues/2024-03/1/index.html").read_text(encoding="utf-8")
    assert "2024年3月20日 星期三" in page
    assert not (tmp_path / "public/issues/2024/03-20").exists()
    # A deleted issue's URL is never handed to another issue.
    shutil.rmtree(content / "a-earlier")
    write_issue(content, "m-new", "2024-03", inferred=True)
    build(tmp_path)
    assert _urls(tmp_path)["m-new"] == "2024-03/3" and _urls(tmp_path)["a-earlier"] == "2024-03/2"
    assert (tmp_path / "public/issues/2024-03/3/index.html").is_file()
    # Two issues of one exact day: the second gets a suffix, the first keeps the plain date.
    write_issue(content, "0-same-day", "2024-03-01")
    build(tmp_path)
    assert _urls(tmp_path)["a-exact"] == "2024/03-01" and _urls(tmp_path)["0-same-day"] == "2024/03-01-2"


def test_url_file_is_written_only_when_an_issue_is_new(tmp_path):
    write_issue(tmp_path / "content", "x", "2024-05", inferred=True)
    build(tmp_path)
    urls = tmp_path / "content/.urls.json"
    stamp = urls.stat().st_mtime_ns
    build(tmp_path)
    assert urls.stat().st_mtime_ns == stamp


def test_an_unreadable_url_file_is_reported_not_a_traceback(tmp_path, capsys):
    write_issue(tmp_path / "content", "x", "2024-05", inferred=True)
    (tmp_path / "content/.urls.json").write_text("<<<<<<< HEAD\n{}\n", encoding="utf-8")
    assert build(tmp_path) == 0
    assert ".urls.json: cannot be read" in capsys.readouterr().out
    assert _urls(tmp_path) == {"x": "2024-05/1"}


# --- 引题 and 副标题 -----------------------------------------------------------------------------------

def test_pretitle_and_subtitle_in_lists_on_the_page_and_in_json_ld(tmp_path):
    write_issue(tmp_path / "content", "2024-06-01", "2024-06-01", articles=[
        {"title": "守护万家灯火", "pretitle": "坚持人民至上", "subtitle": "全市公安机关开展夏季治安打击整治"}])
    assert build(tmp_path) == 0
    page = (tmp_path / "public/issues/2024/06-01/01-article-1.html").read_text(encoding="utf-8")
    header = re.search(r'<header class="article-header">.*?</header>', page, re.S).group()
    assert header.index("坚持人民至上") < header.index("守护万家灯火") < header.index("全市公安机关开展夏季治安打击整治")
    ld = json.loads(re.search(r'<script type="application/ld\+json">\s*(.*?)\s*</script>', page, re.S).group(1))
    # schema.org has one alternativeHeadline: the 引题 and the 副标题, in printed order.
    assert ld["headline"] == "守护万家灯火" and ld["alternativeHeadline"] == "坚持人民至上 全市公安机关开展夏季治安打击整治"
    tag_page = next(p for p in (tmp_path / "public/tags").glob("*/index.html")).relative_to(tmp_path / "public")
    for listing in ("issues/2024/06-01/index.html", "index.html", tag_page.as_posix()):
        html = (tmp_path / "public" / listing).read_text(encoding="utf-8")
        assert '<p class="pretitle">坚持人民至上</p>' in html and '<p class="subtitle">全市公安机关开展夏季治安打击整治</p>' in html, listing


def test_page_and_images_keys_are_checked(tmp_path, capsys):
    write_issue(tmp_path / "content", "i", "2024-06", articles=[{"title": "x"}])
    path = tmp_path / "content/i/01-article-1.md"
    path.write_text(path.read_text(encoding="utf-8").replace("title: x\n", "title: x\npage: 第三版\n"), encoding="utf-8")
    assert build(tmp_path) == 1
    assert re.search(r"01-article-1\.md:\d+ \[page\]: must be a positive whole number, not '第三版'",
                     capsys.readouterr().out)


def test_upgrading_keeps_the_issue_urls_an_older_build_published(tmp_path):
    """A site built before .urls.json existed has `issues/2024-03/`; those pages stay put."""
    content = tmp_path / "content"
    write_issue(content, "old-march", "2024-03", inferred=True)
    write_issue(content, "old-exact", "2024-04-02", number=7)
    old_pages = {"issues/2024-03/index.html", "issues/2024-04-02-no7/index.html"}
    for rel in old_pages:  # what the older builder published
        (tmp_path / "public" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "public" / rel).write_text("<!DOCTYPE html><title>old</title>", encoding="utf-8")
    (tmp_path / "public" / "index.html").write_text("<!DOCTYPE html>", encoding="utf-8")
    # Every build writes the marker that makes the folder ours to clean (without it, or the
    # cache knowing the folder, the build refuses to touch it).
    (tmp_path / "public" / ".bulletin-site").write_bytes(marker_bytes(articles=2, issues=2))
    assert build(tmp_path) == 0
    assert _urls(tmp_path) == {"old-march": "2024-03", "old-exact": "2024-04-02-no7"}
    assert "old-march第1篇报道" in (tmp_path / "public/issues/2024-03/01-article-1.html").read_text(encoding="utf-8")
    write_issue(content, "new-march", "2024-03", inferred=True)
    build(tmp_path)
    assert _urls(tmp_path)["new-march"] == "2024-03/1" and _urls(tmp_path)["old-march"] == "2024-03"
