"""Bad seeds: every bad seed is imported with nothing lost or skipped with file, line and reason.

One build holds every bad seed beside good ones (tests/bad_input_support.py makes it); then the
decoder and the splitter on any input (hypothesis).
"""
from __future__ import annotations

import re
import shutil
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from generator.content import markdown_to_blocks
from generator.ingest.decode import decode_seed
from generator.pipeline import import_seeds
from generator.ingest.split import SplitError, check_articles, split_seed
from generator.ingest.text import non_space

from tests.bad_input_support import (BASE_URL, BASELINE, CORPUS, SITE_TITLE, PageScan, assert_nothing_injected,
                                     assert_nothing_lost, feed_entries, files_under, find_article_page,
                                     issue_pages, make_seed_build, run_build, search_strings, summary_line)

@pytest.fixture(scope="module")
def seed_build(tmp_path_factory):
    return make_seed_build(tmp_path_factory)


# --- the seed build: every bad seed beside good ones ----------------------------------------------

# name -> expected title of its first article (or None: any), for seeds that must import
IMPORTED = {
    "baseline.txt": "反诈宣传进社区 平安守护到万家",
    "utf8-bom.txt": "反诈宣传进社区 平安守护到万家",
    "crlf.txt": "反诈宣传进社区 平安守护到万家",
    "lone-cr.txt": "反诈宣传进社区 平安守护到万家",
    "fullwidth-spaces-tabs.txt": "反诈宣传进社区 平安守护到万家",
    "gb18030.txt": "反诈宣传进社区 平安守护到万家",
    "utf16-bom.txt": "反诈宣传进社区 平安守护到万家",
    "utf16-no-bom.txt": "反诈宣传进社区 平安守护到万家",
    "mojibake.txt": "反诈宣传进社区 平安守护到万家",
    "traditional.txt": "反詐宣傳進社區",
    "gbk-traditional.txt": "反詐宣傳進社區",
    "big5.txt": "反詐宣傳進社區",
    "no-byline.txt": "夏季治安打击整治",
    "long-line-300.txt": "三百字的一行",
    "byline-50-names.txt": "五十人署名",
    "odd-bylines.txt": None,
    "zero-width-and-separators.txt": "零宽字符",
    "control-characters.txt": "控制字符",
    "injection.txt": "<script>alert(1)</script>{{ 7*7 }} **标题** [x](javascript:alert(4))",
    "第 1 期 name with spaces.txt": "反诈宣传进社区 平安守护到万家",
    "index.txt": "反诈宣传进社区 平安守护到万家",
    "UPPER-CASE.TXT": "反诈宣传进社区 平安守护到万家",
    "DUP-CASE.txt": "反诈宣传进社区 平安守护到万家",
}

# name -> (line or None for the whole file, words of the reason), for seeds that must be skipped
SKIPPED = {
    "empty.txt": (1, "empty file"),
    "whitespace-only.txt": (1, "only whitespace"),
    "binary.txt": (3, "binary data"),  # the PNG signature holds two line breaks before its first NUL
    "random-bytes.txt": (1, "not UTF-8"),
    "nul-in-middle.txt": ((BASELINE * 3).count("\n") + 1, "NUL byte"),
    "invalid-utf8.txt": (4, "not UTF-8"),
    "big-10mb.txt": (None, "MB"),
    "dup-case.txt": (None, "issue id 'dup-case' is already taken by"),
    "..txt": (None, "hidden file"),
    ".txt": (None, "nothing before .txt"),
    "._baseline.txt": (None, "hidden file"),
    "line\nbreak.txt": (None, "control character or line break"),
    " padded .txt": (None, "starts or ends with a space"),
    "ends-with-dot..txt": (None, "ends with '.'"),
    "长" * 80 + ".txt": (None, "too long"),
    "folder.txt": (None, "a folder"),
    "dangling-link.txt": (None, "not a regular file"),
    "fifo.txt": (None, "not a regular file"),
    "linked-issue.txt": (None, "outside content/"),
    "only-bylines.txt": (1, "a byline with no article text before it"),
    "only-noise.txt": (1, "no article text"),
}


def _skipped_line(build, name: str) -> str:
    """The summary line `skipped <path>[:<line>]: <reason>` whose path is the seed `name`."""
    shown = "/seeds/" + name.replace("\n", "\\n")  # the summary shows a line break in a name escaped
    for line in build.output.splitlines():
        line = line.strip()
        if line.startswith("skipped "):
            path = re.sub(r":\d+$", "", line[len("skipped "):].split(": ", 1)[0])
            if path.endswith(shown):
                return line
    return ""


def test_seed_build_exit_status_is_1_and_the_summary_lists_exactly_the_skipped_seeds(seed_build):
    assert seed_build.status == 1, seed_build.output
    skipped = [line for line in seed_build.output.splitlines() if line.strip().startswith("skipped ")]
    assert len(skipped) == len(SKIPPED), "\n".join(skipped)
    assert f"{len(SKIPPED)} seed(s) skipped" in seed_build.output


@pytest.mark.parametrize("name", sorted(SKIPPED), ids=lambda n: n.replace("\n", "\\n")[:20])
def test_bad_seed_is_skipped_with_file_line_and_reason(seed_build, name):
    line, reason = SKIPPED[name]
    reported = _skipped_line(seed_build, name)
    assert reported, f"{name!r} not in the summary:\n{seed_build.output}"
    assert reason in reported
    if line is not None:
        assert f":{line}: " in reported, reported
    issue_id = name[: -len(".txt")]
    if issue_id and not issue_id.startswith(".") and "\n" not in issue_id and name != "dup-case.txt":
        assert not (seed_build.content / issue_id / "issue.yml").exists()


@pytest.mark.parametrize("name", sorted(IMPORTED), ids=lambda n: n[:20])
def test_odd_but_readable_seed_imports_with_nothing_lost(seed_build, name):
    issue_id = name[: -len(".txt")]
    assert not _skipped_line(seed_build, name), _skipped_line(seed_build, name)
    assert (seed_build.content / issue_id / "issue.yml").exists()
    text = decode_seed((seed_build.root / "seeds" / name).read_bytes(), [], name)
    assert_nothing_lost(text, seed_build.loaded, issue_id)
    pages = issue_pages(seed_build, issue_id)
    if IMPORTED[name] is not None:
        assert pages[0][0].title == IMPORTED[name]
    # ... and every article is on the site, with its whole text.
    for article, page in pages:
        assert page.title == f"{article.title} · {SITE_TITLE}"
        plain = non_space(page.plain)
        for block in markdown_to_blocks(article.body):
            assert non_space(block.text) in plain


@pytest.mark.parametrize("name, note", [
    ("gb18030.txt", "decoded as GB18030"), ("gbk-traditional.txt", "decoded as GB18030"),
    ("big5.txt", "decoded as BIG5"), ("utf16-bom.txt", "decoded as UTF-16"),
    ("utf16-no-bom.txt", "UTF-16 without byte order mark"), ("mojibake.txt", "repaired mojibake"),
    ("control-characters.txt", "removed 3 control character(s) (U+0001, U+0007, U+001B) on line(s) 1, 5"),
])
def test_converted_seed_says_so_in_the_summary(seed_build, name, note):
    assert summary_line(seed_build.output, f"/seeds/{name}: ", note)


def test_traditional_characters_keep_their_bylines(seed_build):
    (article,) = seed_build.loaded.issue_articles("traditional")
    assert (article.reporters, article.correspondents, article.kicker) == (["王小明"], ["李四"], "市公安局")


def test_byline_with_fifty_names_credits_all_fifty(seed_build):
    (article,) = seed_build.loaded.issue_articles("byline-50-names")
    assert len(article.reporters) == 50
    person_pages = list((seed_build.public / "people").glob("*/index.html"))
    assert len(person_pages) >= 50


def test_seed_file_name_with_spaces_and_chinese_gets_an_ascii_url(seed_build):
    content = seed_build.loaded
    assert "第 1 期 name with spaces" in content.issues
    for page in seed_build.public.rglob("*"):
        assert page.name.isascii() and " " not in page.name, page


def test_nothing_is_written_through_a_content_link_out_of_content(seed_build):
    assert not any((seed_build.root / "outside").iterdir())


def test_the_seed_build_writes_only_inside_its_folders(seed_build):
    allowed = ("seeds/", "content/", "public/", "cache/", "outside/", "site.yml")
    stray = [p for p in files_under(seed_build.root) if not p.startswith(allowed)]
    assert not stray


def test_seed_markup_shows_as_text_on_every_page_feed_and_search(seed_build):
    public = seed_build.public
    assert assert_nothing_injected(public) > 20
    title = IMPORTED["injection.txt"]
    page = find_article_page(public, title)
    assert page.title == f"{title} · {SITE_TITLE}"
    assert page.json_ld[0]["headline"] == title
    assert "<b>某某</b>派出所" in page.plain  # the kicker
    for text in ('<script>alert("body")</script>', "<img src=x onerror=alert(2)>", "#这一行不是标题",
                 "{{ 7*7 }}", "{% if true %}模板{% endif %}", "**加粗**", "`代码`",
                 "[链接](javascript:alert(3))", "&amp; &lt;b&gt; \\*", "-不是列表项，>不是引用，1.不是编号。"):
        assert text in page.plain, text
    assert page.description.startswith('民警在社区开展宣传<script>alert("body")</script>活动')
    entry = next(e for e in feed_entries(public) if e["title"] == title)
    assert entry["summary"] == page.description
    strings = search_strings(public)
    assert title in strings and any('<img src=x onerror=alert(2)>' in s for s in strings)
    # The sidecar's issue title is seed input too.
    issue_title = "<script>alert('issue')</script>{{ 7*7 }}"
    assert any(issue_title in item["isPartOf"]["name"] for item in page.json_ld)
    issue_url = page.json_ld[0]["isPartOf"]["url"].removeprefix(BASE_URL)
    issue_page = PageScan((public / issue_url).read_text(encoding="utf-8"))
    assert issue_page.title.startswith(issue_title) and issue_title in issue_page.plain
    assert title in issue_page.plain and "<b>某某</b>派出所" in issue_page.plain  # the issue's list
    person = next(p for p in seed_build.model.people if p.name == "王小明")
    assert title in PageScan((public / person.url).read_text(encoding="utf-8")).plain  # a person's list


@pytest.mark.parametrize("name", ["only-bylines.txt", "only-noise.txt"])
def test_check_articles_rejects_seeds_without_article_text(name):
    text = (CORPUS / "seeds" / name).read_text(encoding="utf-8")
    with pytest.raises(SplitError) as raised:
        check_articles(split_seed(text, "x", name))
    assert raised.value.line == 1


def test_ten_megabyte_seed_is_refused_without_reading_it_all(tmp_path):
    (tmp_path / "seeds").mkdir()
    with open(tmp_path / "seeds" / "big.txt", "wb") as big:
        big.truncate(10_000_000)  # sparse: the size is what matters
    report = import_seeds(tmp_path / "seeds", tmp_path / "content", project_root=tmp_path)
    assert [str(p) for p in report.problems] == [
        "seeds/big.txt: 10.0 MB, more than the 2 MB a seed may have: a seed is the text of one issue "
        "(about 20 KB); split the file into one file per issue"]


def test_exit_status_0_built_1_skipped_2_not_built(tmp_path):
    (tmp_path / "seeds").mkdir()
    shutil.copy(CORPUS / "seeds" / "baseline.txt", tmp_path / "seeds")
    (tmp_path / "seeds" / "empty.txt").write_bytes(b"")
    status, output = run_build(tmp_path)
    assert status == 1 and summary_line(output, "/seeds/empty.txt:1: empty file")
    (tmp_path / "seeds" / "empty.txt").unlink()
    status, output = run_build(tmp_path)
    assert status == 0, output
    assert "skipped" not in output and "error" not in output
    status, output = run_build(tmp_path, config="title: [unclosed\n")
    assert status == 2 and "site.yml" in output


def test_a_skipped_seed_is_reported_again_until_it_is_fixed(tmp_path):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "bad.txt").write_bytes(b"\x00binary")
    for _ in range(2):  # a skipped seed is not recorded as imported
        report = import_seeds(tmp_path / "seeds", tmp_path / "content", project_root=tmp_path)
        assert [str(p) for p in report.problems] == [
            "seeds/bad.txt:1: binary data, not a text export (NUL byte at offset 0)"]
    shutil.copy(CORPUS / "seeds" / "baseline.txt", tmp_path / "seeds" / "bad.txt")
    report = import_seeds(tmp_path / "seeds", tmp_path / "content", project_root=tmp_path)
    assert not report.problems and report.imported == ["bad"]


# --- properties: garbled seeds never crash the splitter, and nothing is lost ---------------------

SCRIPTS = st.sampled_from([
    "民警开展巡逻防控工作守护群众平安", "市公安局金乡县分局派出所", "開展巡邏守護群眾", "Police patrol PTU 110",
    "Полиция", "الشرطة", "경찰", "警察です", "😀👮‍♀️𠮷", "１２３ＡＢＣ", "，。、“”！？：；（）《》……——",
    "<script>**#[x](y)`{{ }}{% %}&amp;", "①②③", "■", "摄", "\u200b\u2028\u00a0\u3000\t\x0c",
])
BYLINES = st.sampled_from(["记者 王小明", "通讯员 李四 赵五", "■通讯员 卢飞 摄", "記者 王小明 通訊員 李四",
                           "记者", "通讯员 李四 记者", "■ 摄", "本报记者 张三·李", "记者 王小明 通讯员"])


@st.composite
def garbled_seeds(draw) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 30))):
        kind = draw(st.sampled_from(["text", "text", "text", "blank", "byline", "trailing", "noise"]))
        if kind == "blank":
            lines.append(draw(st.sampled_from(["", " ", "\u3000", "\t"])))
        elif kind == "byline":
            lines.append(draw(BYLINES))
        elif kind == "noise":
            lines.append(draw(st.sampled_from(["①①", "②", "③④ ⑤"])))
        else:
            width = draw(st.integers(1, 60))
            pieces = draw(st.lists(SCRIPTS, min_size=1, max_size=4))
            source = "".join(pieces)
            start = draw(st.integers(0, len(source) - 1))
            text = (source * (width // len(source) + 2))[start:start + width]
            if draw(st.booleans()):
                text += draw(st.sampled_from(["。", "！", "”", "，", "：", "（图①）", ""]))
            if kind == "trailing":
                text += " " + draw(BYLINES)
            lines.append(text)
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return newline.join(lines) + draw(st.sampled_from(["", newline]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(garbled_seeds())
def test_garbled_seeds_never_crash_the_splitter_and_nothing_is_lost(text):
    line_count = len(re.split(r"\r\n|\r|\n", text))
    try:
        issue = split_seed(text, "t", "seeds/t.txt")
    except SplitError as err:  # NothingLostError is one: reported with its line, never silent
        assert 1 <= err.line <= line_count and err.reason
        return
    lines = re.split(r"\r\n|\r|\n", text)
    noise = {n.line for n in issue.noise}
    covered = set()
    for article in issue.articles:
        covered.update(range(article.first_line, article.last_line + 1))
        expected = Counter(non_space("".join(lines[n - 1] for n in range(article.first_line, article.last_line + 1)
                                             if n not in noise)))
        placed = Counter(non_space("".join(article.headline_raw + [article.kicker or "", article.byline.raw]
                                           + [b.text for b in article.blocks])))
        assert placed == expected
        assert article.title and article.kind in ("article", "brief", "photo")
    assert all(n in covered or n in noise or not non_space(line) for n, line in enumerate(lines, start=1))
    try:
        check_articles(issue)
    except SplitError as err:
        assert 1 <= err.line <= line_count


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600) | st.builds(lambda text, encoding: text.encode(encoding, errors="replace"),
                                           garbled_seeds(), st.sampled_from(["utf-8", "gb18030", "big5", "utf-16"])))
def test_any_bytes_decode_to_clean_text_or_a_reported_line(data):
    try:
        text = decode_seed(data, [], "seeds/t.txt")
    except SplitError as err:
        assert err.line >= 1 and err.reason
        return
    assert non_space(text)
    assert not re.search(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]", text)
