"""Bad content files: each is reported with file, line, key and reason, and the others still build.

One build holds every bad content file beside good ones (tests/bad_input_support.py makes it); then
validation file by file, and any front matter parses or fails with a ContentError (hypothesis).
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from generator.content import ContentError, parse_article, parse_issue
from generator.render.markup import is_safe_url

from tests.bad_input_support import (CORPUS, ODD_FOLDER, SITE_TITLE, PageScan, assert_nothing_injected,
                                     feed_entries, files_under, find_article_page, make_content_build,
                                     make_seed_build, search_strings, summary_line)

@pytest.fixture(scope="module")
def seed_build(tmp_path_factory):
    return make_seed_build(tmp_path_factory)


@pytest.fixture(scope="module")
def content_build(tmp_path_factory):
    return make_content_build(tmp_path_factory)


# --- the content build: every bad content file beside good ones -----------------------------------

# file -> (line or None, key or None, words of the message)
CONTENT_ERRORS = {
    "bad/02-malformed-yaml.md": (7, None, "malformed YAML"),
    "bad/03-missing-title.md": (None, "title", "missing required key"),
    "bad/05-tags-string.md": (6, "tags", "must be a list"),
    "bad/06-duplicate-key.md": (6, None, "duplicate key 'title'"),
    "bad/07-impossible-date.md": (6, "date", "month must be in 1..12"),
    "bad/08-date-not-a-date.md": (6, "date", "must be a date"),
    "bad/09-order-negative.md": (4, "order", "positive whole number"),
    "bad/10-order-string.md": (4, "order", "positive whole number"),
    "bad/11-kind-unknown.md": (5, "kind", "must be one of article, brief, photo"),
    "bad/12-title-list.md": (2, "title", "must be text"),
    "bad/13-empty.md": (1, None, "empty file"),
    "bad/14-no-front-matter.md": (1, None, "no YAML front matter"),
    "bad/15-unclosed-front-matter.md": (1, None, "no YAML front matter"),
    "bad/16-control-character.md": (2, "title", "control character (U+001B)"),
    "bad/17-lone-surrogate.md": (2, None, "invalid Unicode character"),
    "bad/18-alias-bomb.md": (14, "tags", "must be text"),
    "bad/19-python-tag.md": (2, None, "could not determine a constructor"),
    "bad/20-wrong-issue.md": (None, "issue", "does not match its folder"),
    "bad/21-same-position.md": (None, "order", "order 1 is already taken by bad/01-valid.md"),
    "bad/22-front-matter-list.md": (2, None, "must be a mapping"),
    "bad/23-reporters-mapping.md": (6, "reporters", "must be a list"),
    "bad/24-date-with-time.md": (6, "date", "not a time"),
    "bad/25-title-blank.md": (2, "title", "must not be empty"),
    "bad/26-source-lines-text.md": (6, "source_lines", "line numbers"),
    "bad/40-gbk.md": (2, None, "not UTF-8"),
    "bad/41-folder.md": (None, None, "is a folder"),
    "bad/42-link-outside.md": (None, None, "outside the content folder"),
    "bad/43-nul-in-body.md": (20, None, "control character (U+0000)"),
    "bad/44-escape-in-body.md": (23, None, "control character (U+001B)"),
    "bad/45-deep-nesting.md": (6, "tags", "must be text"),
    "bad-issue-yml/issue.yml": (3, None, "malformed YAML"),
    "issue-date-path/issue.yml": (3, "date", "must be a date"),
    "linked/01-secret.md": (None, None, "outside the content folder"),  # its folder links out of content/
}
BUILT_TITLES = ["正常的文章", "文件夹名像标签", "issue.yml 坏了，文章照常生成", "issue.yml 的日期像路径，文章照常生成",
                "../../../../outside/标题/..", "同名文件之一", "同名文件之二", "位置数字很大", "带 BOM 和 CRLF 的文件",
                "换行分隔符\u2028零宽\u200b字符\u202e反向", "很长的标题" * 1000, "反诈宣传进社区 平安守护到万家"]


def test_content_build_exit_status_is_1_and_every_bad_file_is_listed_once(content_build):
    assert content_build.status == 1, content_build.output
    errors = [line for line in content_build.output.splitlines() if line.strip().startswith("error: ")]
    assert len(errors) == len(CONTENT_ERRORS), "\n".join(errors)


@pytest.mark.parametrize("rel", sorted(CONTENT_ERRORS))
def test_bad_content_file_is_reported_with_file_line_key_and_reason(content_build, rel):
    line, key, message = CONTENT_ERRORS[rel]
    where = rel + (f":{line}" if line else "") + (f" [{key}]" if key else "")
    reported = summary_line(content_build.output, f"error: {rel}").strip()
    assert reported.startswith(f"error: {where}: "), reported
    assert message in reported, reported


@pytest.mark.parametrize("title", BUILT_TITLES, ids=lambda t: t[:12])
def test_good_and_odd_content_still_builds(content_build, title):
    page = find_article_page(content_build.public, title)
    assert page.title == f"{title} · {SITE_TITLE}"


def test_an_issue_with_a_bad_issue_yml_still_has_its_page(content_build):
    index_pages = (content_build.public / "issues").glob("*/index.html")
    headings = [PageScan(p.read_text(encoding="utf-8")).plain for p in index_pages]
    assert any("issue.yml 坏了，文章照常生成" in h for h in headings)


def test_files_with_colliding_slugs_get_distinct_urls(content_build):
    one = find_article_page(content_build.public, "同名文件之一").json_ld[0]["url"]
    two = find_article_page(content_build.public, "同名文件之二").json_ld[0]["url"]
    assert one != two


def test_yaml_cannot_run_code(content_build):
    assert not Path("/tmp/bad-input-injected").exists()


def test_content_paths_cannot_make_the_build_write_outside_its_folders(content_build):
    new = files_under(content_build.root) - content_build.before
    assert new and all(p.startswith(("public/", "cache/", "content/", "site.yml", "before.json"))
                       for p in new), sorted(new)
    assert not (content_build.root / "tmp").exists() and not (content_build.root / "outside").exists()
    assert "外部的秘密" not in "".join(p.read_text(encoding="utf-8") for p in content_build.public.rglob("*.html"))


def test_content_markup_shows_as_text_on_every_page_feed_and_search(content_build):
    public = content_build.public
    assert assert_nothing_injected(public) > 10
    title = "<script>alert('title')</script><img src=x onerror=alert(1)>{{ 7*7 }}{% raw %}**粗**"
    page = find_article_page(public, title)
    assert page.title == f"{title} · {SITE_TITLE}"
    assert page.json_ld[0]["headline"] == title
    assert page.json_ld[0]["keywords"] == ["<script>tag</script>", "{% include 'x' %}"]
    plain = page.plain
    for text in ("<b onmouseover=alert(1)>引题</b>", "<i>某某</i>派出所", "<svg onload=alert(1)>", "{{ config }}",
                 '<script>alert("body")</script>', "<img src=x onerror=alert(2)>", "&amp; &#106; &lt;",
                 '<div onclick="alert(6)">块级 HTML</div>', "![图片](https://example.org/tracker.png)",
                 "{{ 7*7 }} {% if true %}x{% endif %}", "小标题 <em>不是强调</em> & 符号"):
        assert text in plain, text
    # Hand-written links survive only with a safe scheme; the others become their text.
    links = [attributes.get("href") for tag, attributes in page.tags if tag == "a"]
    assert "https://example.org/?a=1&b=2" in links
    assert all(is_safe_url(href or "") for href in links)
    assert "&#106;avascript:alert(5)" in links  # an entity in a URL stays text: a relative link, not a script
    for text in ("脚本链接", "大小写", "数据", "实体"):
        assert text in plain
    # Lists show the same text: a tag's page, a person's page, the odd folder's issue page.
    tag = next(t for t in content_build.model.tags if t.name == "<script>tag</script>")
    tag_page = PageScan((public / tag.url).read_text(encoding="utf-8"))
    assert tag_page.title.startswith("<script>tag</script>") and title in tag_page.plain
    person = next(p for p in content_build.model.people if p.name == "<svg onload=alert(1)>")
    assert title in PageScan((public / person.url).read_text(encoding="utf-8")).plain
    odd = next(i for i in content_build.model.issues if i.id == ODD_FOLDER)
    assert ODD_FOLDER in PageScan((public / odd.url).read_text(encoding="utf-8")).plain
    assert page.description.startswith('正文里有 <script>alert("body")</script> 和 <img src=x onerror=alert(2)>')
    entry = next(e for e in feed_entries(public) if e["title"] == title)
    assert entry["authors"] == ["<svg onload=alert(1)>", "{{ config }}"]
    assert entry["tags"] == ["<script>tag</script>", "{% include 'x' %}"]
    strings = search_strings(public)
    assert title in strings


def test_an_editor_lock_file_is_not_an_article_and_not_an_error(content_build):
    # `.#01-valid.md` (Emacs) sits beside the article it locks: hidden names are never articles.
    assert ".#01-valid.md" not in content_build.output


# --- content validation, file by file ----------------------------------------------------------

VALID = (CORPUS / "content" / "bad" / "01-valid.md").read_text(encoding="utf-8")


def _with(**changes) -> str:
    """The valid article with front matter lines replaced (`key=None` removes the line)."""
    lines = VALID.split("\n")
    for key, value in changes.items():
        index = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
        if value is None:
            del lines[index]
        else:
            lines[index] = f"{key}: {value}"
    return "\n".join(lines)


@pytest.mark.parametrize("key, value, message", [
    ("order", "0", "positive whole number"),
    ("order", "1.5", "positive whole number"),
    ("order", "true", "positive whole number"),
    ("order", ".inf", "positive whole number"),
    ("title_generated", "'yes'", "true or false"),
    ("date", "2024-02-30", "day is out of range for month"),
    ("date", "24-04", "must be a date"),
    ("date", "'2024-4-1'", "must be a date"),
    ("tags", "[[nested]]", "must be text"),
    ("tags", "[null]", "must be text"),
    ("unit", "[a, b]", "must be text"),
    ("source_lines", "[1]", "line numbers"),
    ("kind", "Article", "must be one of"),
    ("title", '"删除符\\x7f"', "control character (U+007F)"),
    ("kicker", '"零\\x00"', "control character (U+0000)"),
])
def test_wrong_type_is_an_error_naming_file_line_and_key(key, value, message):
    with pytest.raises(ContentError) as raised:
        parse_article(_with(**{key: value}), "bad/01-valid.md")
    error = raised.value
    assert error.path == "bad/01-valid.md" and error.key == key and message in error.message
    key_line = next(n for n, line in enumerate(VALID.split("\n"), start=1) if line.startswith(f"{key}:"))
    assert error.line == key_line and str(error).startswith(f"bad/01-valid.md:{key_line} [{key}]: ")


def test_error_messages_quote_values_briefly():
    with pytest.raises(ContentError) as raised:
        parse_article(_with(tags="'" + "很长" * 5000 + "'"), "bad/x.md")
    assert len(str(raised.value)) < 300


@pytest.mark.parametrize("value, expected", [("2024", "2024"), ("2024-04", "2024-04"), ("2024-04-15", "2024-04-15"),
                                             ("'2024-04-15'", "2024-04-15"), ("null", None)])
def test_valid_dates_are_kept(value, expected):
    assert parse_article(_with(date=value), "bad/01-valid.md").date == expected


@pytest.mark.parametrize("text, key, message", [
    ("id: other\n", "id", "does not match its folder"),
    ("number: 第三期\n", "number", "whole number"),
    ("number: -3\n", "number", "whole number"),
    ("date: 2024-02-30\n", "date", "day is out of range"),
    ("date: yesterday\n", "date", "must be a date"),
    ("date_inferred: 'no'\n", "date_inferred", "true or false"),
    ("noise: [{line: abc, text: ①①}]\n", "noise", "each entry"),
    ("noise: ①①\n", "noise", "must be a list"),
    ("title: [a, b]\n", "title", "must be text"),
    ("colour: red\n", "colour", "unknown key"),
    ("- a\n- b\n", None, "must be a mapping"),
    ("date: 2024\ndate: 2025\n", None, "duplicate key 'date'"),
])
def test_bad_issue_yml_is_an_error_naming_file_and_key(text, key, message):
    with pytest.raises(ContentError) as raised:
        parse_issue(text, "x/issue.yml", "x")
    assert raised.value.key == key and message in str(raised.value), str(raised.value)


def test_issue_yml_as_the_importer_writes_it_still_parses(seed_build):
    content = seed_build.loaded
    assert not [e for e in content.errors if e.path.endswith("issue.yml")]


# --- properties: any content file parses or fails with a ContentError ---------------------------

@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.text(max_size=40))
def test_any_content_file_parses_or_fails_with_a_content_error(front, body):
    for text in (f"---\n{front}\n---\n\n{body}", front):
        try:
            parse_article(text, "x/01-x.md")
        except ContentError as err:
            assert err.path == "x/01-x.md" and err.message
        try:
            parse_issue(text, "x/issue.yml", "x")
        except ContentError as err:
            assert err.path == "x/issue.yml" and err.message


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(["title", "issue", "order", "kind", "tags", "date", "unit", "reporters",
                                        "source_lines", "title_generated", "kicker", "source", "extra"]),
                       st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
                                    | st.dates(), lambda inner: st.lists(inner, max_size=3)
                                    | st.dictionaries(st.text(max_size=3), inner, max_size=2), max_leaves=6)))
def test_any_front_matter_values_parse_or_fail_with_a_content_error(data):
    text = "---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n\n正文。\n"
    try:
        article = parse_article(text, "x/01-x.md")
    except ContentError as err:
        assert err.message
        return
    assert isinstance(article.title, str) and isinstance(article.order, int) and article.order >= 1
