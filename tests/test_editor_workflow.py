"""Editors' workflow, end to end through `build.py` (generator.cli.main): drafts, the keys people
expect, a broken file that keeps its last good page, pending decisions in view (review, accept,
reject), the site's own data, and what the editor typed being what readers see.

Each test builds a small site in tmp_path and checks the exit status, the summary and the files
in public/ before and after.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from generator.cli import main
from generator.sitedata import use_site_data

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BASELINE_SEED = PROJECT_ROOT / "tests" / "bad_inputs" / "seeds" / "baseline.txt"
BASE_URL = "https://example.org/archive/"
ISSUE = "2024a"


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A site folder: site.yml, seeds/, content/ with one issue; the working folder is the site."""
    for name in ("seeds", "content"):
        (tmp_path / name).mkdir()
    (tmp_path / "site.yml").write_text("feed_size: 100\n", encoding="utf-8")
    (tmp_path / "content" / ISSUE).mkdir()
    (tmp_path / "content" / ISSUE / "issue.yml").write_text(
        f"id: {ISSUE}\nsource: seeds/{ISSUE}.txt\ndate: 2024-04\ndate_inferred: true\n"
        "date_method: 'year 2024 from 2023 reviewed as a finished year: 2023年，市公安局'\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    use_site_data(None)  # the next test in this process reads the generator's data only


def build(capsys, *extra: str, content: str = "content") -> tuple[int, str]:
    status = main(["--seeds", "seeds", "--content", content, "--output", "public", "--cache-dir", "cache",
                   "--config", "site.yml", "--base-url", BASE_URL, *extra])
    return status, capsys.readouterr().out


def command(capsys, *args: str) -> tuple[int, str]:
    status = main(list(args))
    return status, capsys.readouterr().out


def article(root: Path, name: str, title: str, order: int | str, extra: str = "", body: str = "正文第一句。\n",
            issue: str = ISSUE) -> Path:
    path = root / "content" / issue / name
    path.write_text(f"---\ntitle: {title}\nissue: {issue}\norder: {order}\nkind: article\n{extra}---\n\n{body}",
                    encoding="utf-8")
    return path


def article_page_paths(root: Path) -> list[Path]:
    """Every article page: an issue's folder is `issues/2024/03-15/`, `issues/2024-03/1/` or
    `issues/undated-<id>/` (generator/render/issue_urls.py); its pages are the files beside its
    index.html."""
    return sorted(p for p in (root / "public" / "issues").rglob("*.html") if p.name != "index.html")


def pages(root: Path) -> dict[str, str]:
    """Article pages: file name -> HTML."""
    return {p.name: p.read_text(encoding="utf-8") for p in article_page_paths(root)}


def issue_page_of(root: Path, beside: str) -> str:
    """The issue page of the issue whose folder holds the article page `beside`."""
    folders = [p.parent for p in article_page_paths(root) if p.name == beside]
    assert len(folders) == 1, folders
    return (folders[0] / "index.html").read_text(encoding="utf-8")


def published_text(root: Path) -> str:
    """Everything readers can reach besides the article pages: lists, feed, sitemap, search data."""
    parts = []
    article_pages = set(article_page_paths(root))
    for path in sorted((root / "public").rglob("*")):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".js") and "assets" not in path.parts:
            if path not in article_pages:
                parts.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(parts)


def search_data(root: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted((root / "public" / "search").rglob("*.js")))


def summary_line(output: str, start: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip().startswith(start)]
    assert lines, output
    return lines[0]


# --- keys people expect ------------------------------------------------------------------------

def test_unknown_key_is_a_warning_with_the_nearest_key_and_the_article_is_published(site, capsys):
    article(site, "01-a.md", "正确的标题", 1, "tittle: 打错的键\n")
    status, out = build(capsys)
    assert status == 0, out
    assert summary_line(out, "warning:") == (f"warning: {ISSUE}/01-a.md:6 [tittle]: unknown key 'tittle' ignored; "
                                              "did you mean 'title'?")
    assert list(pages(site)) == ["01-a.html"] and "正确的标题" in pages(site)["01-a.html"]


def test_pretitle_and_subtitle_are_shown_around_the_headline(site, capsys):
    article(site, "01-a.md", "主标题文字", 1, "kicker: 市公安局\npretitle: 引题文字\nsubtitle: 副标题文字\n")
    status, out = build(capsys)
    assert status == 0, out
    html = pages(site)["01-a.html"]
    assert html.index("市公安局") < html.index('class="pretitle">引题文字') < html.index("主标题文字</h1>") \
        < html.index('class="subtitle">副标题文字')
    assert '"alternativeHeadline": "引题文字 副标题文字"' in html
    issue_page = issue_page_of(site, "01-a.html")
    assert '<p class="pretitle">引题文字</p>' in issue_page and '<p class="subtitle">副标题文字</p>' in issue_page


def test_what_the_editor_typed_is_what_the_site_shows(site, capsys):
    article(site, "01-a.md", "0110", 1, "tags: [12:30, 0110, 2024-04-01, yes]\n")
    status, out = build(capsys)
    assert status == 0, out
    tags = (site / "public" / "tags" / "index.html").read_text(encoding="utf-8")
    for shown in ("12:30", "0110", "2024-04-01", "yes"):
        assert f">{shown}</a>" in tags, shown
    assert "750" not in tags and ">72<" not in tags
    assert "<h1 class=\"article-title\">0110</h1>" in pages(site)["01-a.html"]


def test_article_files_named_MD_or_markdown_are_read(site, capsys):
    article(site, "01-upper.MD", "大写扩展名", 1)
    article(site, "02-long.markdown", "长扩展名", 2)
    status, out = build(capsys)
    assert status == 0, out
    assert sorted(pages(site)) == ["01-upper.html", "02-long.html"]


def test_one_person_however_the_name_was_typed(site, capsys):
    article(site, "01-a.md", "甲", 1, "reporters: [王小明]\n")
    article(site, "02-b.md", "乙", 2, "reporters: [\"王\\u200b小明\"]\n")
    article(site, "03-c.md", "丙", 3, "reporters: [\"王\\u00a0小明\"]\n")
    article(site, "04-d.md", "丁", 4, "reporters: [王⼩明]\n")  # U+2F29, the Kangxi radical
    status, out = build(capsys)
    assert status == 0, out
    people = sorted(p.parent.name for p in (site / "public" / "people").glob("*/index.html"))
    assert len(people) == 1, people
    person = next((site / "public" / "people").glob("*/index.html")).read_text(encoding="utf-8")
    assert all(title in person for title in ("甲", "乙", "丙", "丁"))
    assert "王⼩明" not in person and "\u200b" not in person
    # The files keep what was typed.
    assert "王⼩明" in (site / "content" / ISSUE / "04-d.md").read_text(encoding="utf-8")


def test_issue_page_shows_no_internal_reasoning(site, capsys):
    article(site, "01-a.md", "甲", 1)
    status, out = build(capsys)
    assert status == 0, out
    issue_page = issue_page_of(site, "01-a.html")
    assert "日期为推定" in issue_page
    assert "reviewed" not in issue_page and "依据" not in issue_page
    status, out = command(capsys, "review", "--content", "content")
    assert "year 2024 from 2023 reviewed as a finished year" in out and "content/2024a/issue.yml" in out


# --- drafts ------------------------------------------------------------------------------------

def test_a_draft_stays_out_of_the_site_and_drafts_shows_it_marked(site, capsys):
    article(site, "01-a.md", "已发布的文章", 1, "tags: [共同标签]\n")
    article(site, "02-b.md", "草稿里的文章", 2, "draft: true\ntags: [草稿独有标签, 共同标签]\nreporters: [草稿记者]\n")
    status, out = build(capsys)
    assert status == 0, out
    assert "1 draft(s) kept out of the site" in out
    assert list(pages(site)) == ["01-a.html"]
    everything = published_text(site)
    assert "已发布的文章" in everything
    for hidden in ("草稿里的文章", "草稿独有标签", "草稿记者", "02-b"):
        assert hidden not in everything, hidden
    assert "已发布的文章" in search_data(site) and "草稿里的文章" not in search_data(site)
    assert "草稿里的文章" not in (site / "public" / "feed.xml").read_text(encoding="utf-8")
    assert "02-b" not in (site / "public" / "sitemap.xml").read_text(encoding="utf-8")

    status, out = build(capsys, "--drafts")
    assert status == 0, out
    assert "do not publish this build" in out
    assert sorted(pages(site)) == ["01-a.html", "02-b.html"]
    assert "草稿 · 未发布" in pages(site)["02-b.html"] and "草稿 · 未发布" not in pages(site)["01-a.html"]

    status, out = build(capsys)  # the next ordinary build takes the draft out again
    assert status == 0 and list(pages(site)) == ["01-a.html"]
    assert "草稿独有标签" not in published_text(site)


# --- a broken file keeps its last good page ----------------------------------------------------

def test_a_broken_file_keeps_its_last_good_page_until_it_is_fixed(site, capsys):
    article(site, "01-a.md", "第一篇", 1)
    path = article(site, "02-b.md", "好的标题", 2, "tags: [独有标签2024]\n")
    status, out = build(capsys)
    assert status == 0, out
    before = pages(site)["02-b.html"]

    path.write_text(path.read_text(encoding="utf-8").replace("tags: [独有标签2024]", "tags: [独有标签2024"), encoding="utf-8")
    status, out = build(capsys)
    assert status == 1, out
    error = summary_line(out, "error:")
    assert error.startswith(f"error: {ISSUE}/02-b.md:7: malformed YAML") and "last good version stays published" in error
    assert pages(site)["02-b.html"] == before
    everything = published_text(site)
    assert "好的标题" in everything and "独有标签2024" in everything  # lists, tag page, feed, search
    assert "好的标题" in search_data(site) and "好的标题" in (site / "public" / "feed.xml").read_text(encoding="utf-8")

    article(site, "02-b.md", "好的标题", "二", "tags: [独有标签2024]\n")
    status, out = build(capsys)  # still broken, differently: still the last good version
    assert status == 1 and "[order]" in summary_line(out, "error:") and pages(site)["02-b.html"] == before

    article(site, "02-b.md", "改好的标题", 2, "tags: [独有标签2024]\n")
    status, out = build(capsys)
    assert status == 0, out
    assert "改好的标题" in pages(site)["02-b.html"] and "好的标题" not in published_text(site).replace("改好的标题", "")


def test_a_file_that_never_parsed_is_skipped(site, capsys):
    article(site, "01-a.md", "第一篇", 1)
    article(site, "02-b.md", "从未成功", 2, "order: 3\n")
    status, out = build(capsys)
    assert status == 1
    assert summary_line(out, "error:") == f"error: {ISSUE}/02-b.md:6: duplicate key 'order'"
    assert "last good" not in out and list(pages(site)) == ["01-a.html"]


# --- pending decisions: .new files, review, accept, reject ---------------------------------------

def _import_and_edit(site: Path, capsys) -> Path:
    shutil.copy(BASELINE_SEED, site / "seeds" / "base.txt")
    status, out = build(capsys)
    assert status == 0, out
    first = sorted((site / "content" / "base").glob("01-*.md"))[0]
    first.write_text(first.read_text(encoding="utf-8").replace("title: ", "title: 编辑改过的", 1), encoding="utf-8")
    seed = site / "seeds" / "base.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("发放宣传资料", "发放宣传资料和手册"), encoding="utf-8")
    return first


def test_pending_new_files_are_counted_by_every_build_and_reviewed_with_a_diff(site, capsys):
    first = _import_and_edit(site, capsys)
    status, out = build(capsys)
    assert status == 0, out
    rel = f"content/base/{first.name}"
    assert f"kept editor's version of {rel}; fresh import in {rel}.new" in out
    assert summary_line(out, "pending:").startswith("pending: 1 fresh import(s) waiting as .new, 0 open splitter doubt(s)")
    status, out = build(capsys)  # nothing changed: still counted
    assert summary_line(out, "pending:").startswith("pending: 1 fresh import(s) waiting as .new")

    status, out = command(capsys, "review", "--content", "content")
    assert status == 0
    assert f"[fresh import] {rel}: a fresh import waits in {rel}.new" in out
    assert "title: yours 编辑改过的" in out and "import " in out
    assert re.search(r"^    \+.*发放宣传资料和手册。", out, re.M) and re.search(r"^    -.*发放宣传资料。", out, re.M), out


def test_reject_keeps_the_editors_version_and_the_same_import_is_not_offered_again(site, capsys):
    first = _import_and_edit(site, capsys)
    build(capsys)
    rel = f"content/base/{first.name}"
    edited = first.read_bytes()
    status, out = command(capsys, "reject", "--content", "content", rel)
    assert status == 0 and f"rejected {rel}.new" in out, out
    assert not Path(rel + ".new").exists() and first.read_bytes() == edited
    # The same seed imported again (its hash forgotten) gives the same fresh import: not offered.
    state_path = site / "content" / ".import-state.json"
    state = json.loads(state_path.read_text(encoding="utf-8"))
    assert state["issues"]["base"]["rejected"] == {f"base/{first.name}": state["issues"]["base"]["rejected"][f"base/{first.name}"]}
    state["issues"]["base"]["seed_sha256"] = ""
    state_path.write_text(json.dumps(state), encoding="utf-8")
    status, out = build(capsys)
    assert status == 0, out
    assert not Path(rel + ".new").exists() and first.read_bytes() == edited
    assert summary_line(out, "pending:").startswith("pending: 0 fresh import(s)")
    assert "编辑改过的" in "".join(pages(site).values())


def test_accept_takes_the_fresh_import_and_later_imports_update_it(site, capsys):
    first = _import_and_edit(site, capsys)
    build(capsys)
    rel = f"content/base/{first.name}"
    fresh = Path(rel + ".new").read_bytes()
    status, out = command(capsys, "accept", "--content", "content", rel + ".new")
    assert status == 0 and f"accepted {rel}" in out, out
    assert first.read_bytes() == fresh and not Path(rel + ".new").exists()
    status, out = build(capsys)
    assert "编辑改过的" not in "".join(pages(site).values())
    seed = site / "seeds" / "base.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("和手册", "和小册子"), encoding="utf-8")
    status, out = build(capsys)
    assert status == 0 and not Path(rel + ".new").exists()
    assert "小册子" in first.read_text(encoding="utf-8")  # the importer's file again: updated in place


def test_accept_of_a_file_without_a_fresh_import_says_so(site, capsys):
    article(site, "01-a.md", "甲", 1)
    status, out = command(capsys, "accept", "--content", "content", f"content/{ISSUE}/01-a.md")
    assert status == 1 and f"content/{ISSUE}/01-a.md: no fresh import waiting" in out


def test_messages_name_the_content_folder_as_the_user_gave_it(site, capsys):
    (site / "elsewhere").mkdir()
    shutil.move(str(site / "content"), str(site / "elsewhere" / "c"))
    shutil.copy(BASELINE_SEED, site / "seeds" / "base.txt")
    build(capsys, content="elsewhere/c")
    first = sorted((site / "elsewhere" / "c" / "base").glob("01-*.md"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "编辑加的一段。\n", encoding="utf-8")
    seed = site / "seeds" / "base.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("发放宣传资料", "发放资料"), encoding="utf-8")
    status, out = build(capsys, content="elsewhere/c")
    assert f"kept editor's version of elsewhere/c/base/{first.name}" in out
    status, out = command(capsys, "review", "--content", "elsewhere/c")
    assert f"[fresh import] elsewhere/c/base/{first.name}" in out


def test_open_splitter_doubts_are_counted_and_listed(site, capsys):
    article(site, "01-a.md", "甲", 1)
    with open(site / "content" / ISSUE / "issue.yml", "a", encoding="utf-8") as handle:
        handle.write("doubts:\n- {line: 12, article: 1, reason: 标题可能是两行}\n"
                     "- {line: 30, article: 1, reason: 已看过}\n")
    status, out = command(capsys, "doubts", "--check", ISSUE, "30", "--content", "content")
    assert status == 0, out
    status, out = build(capsys)
    assert status == 0, out
    assert summary_line(out, "pending:") == ("pending: 0 fresh import(s) waiting as .new, 1 open splitter doubt(s); "
                                             "see build.py review")
    status, out = command(capsys, "review", "--content", "content")
    assert "[doubt]" in out and "标题可能是两行" in out and "已看过" not in out


# --- the site's own data -----------------------------------------------------------------------

def test_site_data_reapplies_enrichment_to_unedited_files_and_lists_edited_ones(site, capsys):
    shutil.copy(BASELINE_SEED, site / "seeds" / "base.txt")
    status, out = build(capsys)
    assert status == 0, out
    files = sorted((site / "content" / "base").glob("*.md"))
    assert len(files) >= 2 and not any("手机话题" in f.read_text(encoding="utf-8") for f in files)
    edited = next(f for f in files if "锦旗" in f.read_text(encoding="utf-8"))
    untouched = [f for f in files if f != edited]
    edited.write_text(edited.read_text(encoding="utf-8").replace("tags: [", "tags: [编辑的标签, ", 1), encoding="utf-8")
    (site / "data").mkdir()
    (site / "data" / "topics.yml").write_text("topics:\n  手机话题: [手机]\n  反诈宣传话题: [反诈]\n", encoding="utf-8")

    status, out = build(capsys)
    assert status == 0, out
    assert "site data (data/units.yml, topics.yml, stopwords.txt) changed: enrichment re-applied to 1 issue(s)" in out
    assert f"kept editor's version of content/base/{edited.name}" in out
    assert "反诈宣传话题" in "".join(f.read_text(encoding="utf-8") for f in untouched)
    assert "编辑的标签" in edited.read_text(encoding="utf-8") and "手机话题" not in edited.read_text(encoding="utf-8")
    assert "手机话题" in Path(f"content/base/{edited.name}.new").read_text(encoding="utf-8")
    assert (site / "public" / "tags").is_dir() and "反诈宣传话题" in (site / "public" / "tags" / "index.html").read_text(
        encoding="utf-8")

    status, out = build(capsys)  # unchanged data: nothing re-imported
    assert "enrichment re-applied" not in out


def test_a_mistake_in_site_data_stops_the_build_naming_the_file(site, capsys):
    article(site, "01-a.md", "甲", 1)
    (site / "data").mkdir()
    (site / "data" / "topics.yml").write_text("topics: [unclosed\n", encoding="utf-8")
    status = main(["--seeds", "seeds", "--content", "content", "--output", "public", "--cache-dir", "cache",
                   "--config", "site.yml"])
    captured = capsys.readouterr()
    assert status == 2 and "data/topics.yml" in captured.err
    assert not (site / "public").exists()


def test_site_units_and_stop_words_extend_the_generators(site, capsys):
    article(site, "01-a.md", "甲", 1, "unit: 城东新派出所\n")
    (site / "data").mkdir()
    (site / "data" / "units.yml").write_text(
        "units:\n  - name: 市公安局任城区分局城东新派出所\n    parent: 市公安局任城区分局\n    kind: station\n"
        "    aliases: [城东新派出所]\n", encoding="utf-8")
    (site / "data" / "stopwords.txt").write_text("# 本站的停用词\n巡逻\n-民警\n", encoding="utf-8")
    status, out = build(capsys)
    assert status == 0, out
    units = (site / "public" / "units" / "index.html").read_text(encoding="utf-8")
    assert "城东新派出所" in units and "任城区分局" in units
    unit_pages = [p.read_text(encoding="utf-8") for p in (site / "public" / "units").glob("*/index.html")]
    own = next(page for page in unit_pages if "<h1>市公安局任城区分局城东新派出所" in page or
               "市公安局任城区分局城东新派出所</h1>" in page)
    assert "甲" in own
    from generator.enrich.tags import load_stopwords
    assert "巡逻" in load_stopwords() and "民警" not in load_stopwords()


def test_serve_takes_drafts_too():
    from generator.cli import _config, build_parser

    args = build_parser().parse_args(["serve", "--drafts", "--port", "0"])
    args.command = "serve"
    assert args.drafts is True and _config(args).show_drafts is True
    plain = build_parser().parse_args(["serve"])
    assert _config(plain).show_drafts is False


def test_import_alone_counts_pending_decisions_too(site, capsys):
    article(site, "01-a.md", "甲", 1)
    (site / "content" / ISSUE / "01-a.md.new").write_text("---\ntitle: 乙\n---\n", encoding="utf-8")
    status = main(["import", "--seeds", "seeds", "--content", "content"])
    out = capsys.readouterr().out
    assert status == 0 and summary_line(out, "pending:").startswith("pending: 1 fresh import(s) waiting as .new")


def test_a_wrong_issue_key_keeps_the_last_good_page(site, capsys):
    path = article(site, "01-a.md", "好的文章", 1)
    build(capsys)
    before = pages(site)["01-a.html"]
    path.write_text(path.read_text(encoding="utf-8").replace(f"issue: {ISSUE}", "issue: 2024b"), encoding="utf-8")
    status, out = build(capsys)
    assert status == 1
    assert summary_line(out, "error:") == (f"error: {ISSUE}/01-a.md [issue]: issue '2024b' does not match its folder "
                                           f"'{ISSUE}'; its last good version stays published")
    assert pages(site) == {"01-a.html": before}


def test_waiting_new_files_are_those_of_every_issue_folder_not_hidden(tmp_path):
    """What `pending_new_files` counts on every build is what `content/*/*.new` names in an
    issue folder not hidden (links followed): a hidden `.new` file in an issue counts too, a
    folder named `x.new` does not, nor a hidden folder's files."""
    from generator.review import pending_new_files

    content = tmp_path / "content"
    for rel in ["甲/01-a.md.new", "甲/.02-b.md.new", "乙/03-c.md.new", ".trash/04-d.md.new", "丙/05-e.md"]:
        (content / rel).parent.mkdir(parents=True, exist_ok=True)
        (content / rel).write_text("x", encoding="utf-8")
    (content / "乙" / "06-f.md.new").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "07-g.md.new").write_text("x", encoding="utf-8")
    (content / "丁").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    expected = sorted(f"{p.parent.name}/{p.name[:-len('.new')]}" for p in content.glob("*/*.new")
                      if p.is_file() and not p.parent.name.startswith("."))
    assert pending_new_files(content) == expected == ["丁/07-g.md", "乙/03-c.md", "甲/.02-b.md", "甲/01-a.md"]
