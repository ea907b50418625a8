"""One schema for the four YAML inputs (generator/schema.py): the document agrees with it, one
strict loader reads all four (duplicate keys, source text, strict types, nearest key), and what
the importer writes reads back unchanged."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from generator import schema
from generator.cli import main
from generator.config import ConfigError, load_config
from generator.content import ContentError, dump_yaml, format_article, parse_article, parse_issue
from generator.enrich.dates import load_sidecar
from generator.records import Article, Doubt

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DOC = PROJECT_ROOT / "docs" / "content-format.md"


def _article_text(front: str) -> str:
    return f"---\ntitle: 标题\nissue: x\norder: 1\nkind: article\n{front}---\n\n正文。\n"


# --- the document and the schema agree -----------------------------------------------------------

def _doc_rows() -> set[str]:
    return {line for line in DOC.read_text(encoding="utf-8").splitlines() if re.match(r"^\| `", line)}


@pytest.mark.parametrize("spec", schema.SCHEMAS, ids=lambda s: s.name)
def test_every_field_is_documented_with_its_type_and_default(spec):
    rows = _doc_rows()
    for row in schema.markdown_table(spec).splitlines()[2:]:
        assert row in rows, f"docs/content-format.md lacks or differs: {row}"


def test_the_document_lists_nothing_the_schema_does_not_have():
    expected = {row for spec in schema.SCHEMAS for row in schema.markdown_table(spec).splitlines()[2:]}
    assert _doc_rows() - expected == set()


def test_each_schema_is_one_table_under_its_heading():
    text = DOC.read_text(encoding="utf-8")
    for spec in schema.SCHEMAS:
        assert schema.markdown_table(spec) in text, spec.name


# --- one strict loader -------------------------------------------------------------------------

def test_a_key_written_twice_is_an_error_in_all_four_inputs(tmp_path):
    with pytest.raises(ContentError, match=r"x/01-a.md:3: duplicate key 'title'"):
        parse_article("---\ntitle: 一\ntitle: 二\nissue: x\norder: 1\nkind: article\n---\n\n正文。\n", "x/01-a.md")
    with pytest.raises(ContentError, match=r"x/issue.yml:2: duplicate key 'date'"):
        parse_issue("date: 2024\ndate: 2025\n", "x/issue.yml", "x")
    with pytest.raises(ContentError, match=r"duplicate key 'line'"):  # nested too
        parse_issue("noise:\n- {line: 1, line: 2}\n", "x/issue.yml", "x")
    (tmp_path / "site.yml").write_text("title: 一\npage_size: 5\ntitle: 二\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"site.yml:3: duplicate key 'title'"):
        load_config(tmp_path / "site.yml")
    (tmp_path / "s.txt").write_text("text", encoding="utf-8")
    (tmp_path / "s.yml").write_text("number: 3\nnumber: 4\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"s.yml:2: duplicate key 'number'"):
        load_sidecar(tmp_path / "s.txt")


@pytest.mark.parametrize("typed, shown", [
    ("12:30", "12:30"), ("0110", "0110"), ("2024-04-01", "2024-04-01"), ("1e3", "1e3"), ("0x1F", "0x1F"),
    ("yes", "yes"), ("off", "off"), ("1_000", "1_000"), ("'0110'", "0110"), ('"12:30"', "12:30"), (".inf", ".inf"),
])
def test_text_fields_keep_what_was_typed(typed, shown):
    article = parse_article(_article_text(f"tags: [{typed}]\nkicker: {typed}\n"), "x/01-a.md")
    assert article.tags == [shown] and article.kicker == shown


def test_a_sidecar_title_and_site_title_keep_what_was_typed(tmp_path):
    (tmp_path / "s.txt").write_text("text", encoding="utf-8")
    (tmp_path / "s.yml").write_text("title: 12:30\nnumber: 0110\n", encoding="utf-8")
    sidecar = load_sidecar(tmp_path / "s.txt")
    assert sidecar.title == "12:30" and sidecar.number == 110
    (tmp_path / "site.yml").write_text("title: 2024-04-01\n", encoding="utf-8")
    assert load_config(tmp_path / "site.yml").title == "2024-04-01"


@pytest.mark.parametrize("front, key, message", [
    ("page: 0x10\n", "page", "positive whole number"),
    ("page: 1_0\n", "page", "positive whole number"),
    ("draft: yes\n", "draft", "true or false"),
    ("draft: 1\n", "draft", "true or false"),
    ("page: 0\n", "page", "positive whole number"),
    ("page: 二\n", "page", "positive whole number"),
    ("date: 2024-4\n", "date", "must be a date"),
    ("date: 2024-02-30\n", "date", "day is out of range"),
    ("date: 2024-04-01T10:00\n", "date", "not a time"),
    ("images: [a.jpg]\n", "images", "each entry must be {file: <text>, caption: <text>}"),
    ("images: [{caption: 说明}]\n", "images", "each entry must be"),
    ("images: {file: a.jpg}\n", "images", "must be a list"),
    ("subtitle: [a]\n", "subtitle", "must be text"),
    ("pretitle: true\n", "pretitle", "must be text"),
])
def test_numbers_dates_and_booleans_are_read_strictly(front, key, message):
    with pytest.raises(ContentError) as raised:
        parse_article(_article_text(front), "x/01-a.md")
    assert raised.value.key == key and raised.value.line == 6 and message in raised.value.message, str(raised.value)


def test_new_keys_are_read():
    article = parse_article(_article_text(
        "pretitle: 引题\nsubtitle: 副标题\ndraft: True\npage: 2\npage_name: 要闻\n"
        "images: [{file: a.jpg, caption: 民警在巡逻}, {file: b.jpg}]\n"), "x/01-a.md")
    assert (article.pretitle, article.subtitle, article.draft, article.page, article.page_name) == (
        "引题", "副标题", True, 2, "要闻")
    assert article.images == [{"file": "a.jpg", "caption": "民警在巡逻"}, {"file": "b.jpg", "caption": None}]


def test_issue_doubts_are_read():
    meta = parse_issue("doubts:\n- {line: 12, article: 3, reason: 标题两行?}\n", "x/issue.yml", "x")
    assert meta.doubts == [Doubt(12, 3, "标题两行?")]
    with pytest.raises(ContentError, match=r"x/issue.yml:1 \[doubts\]: each entry must be"):
        parse_issue("doubts:\n- {line: 20, reason: 缺文章}\n", "x/issue.yml", "x")


def test_an_unknown_front_matter_key_is_a_warning_with_the_nearest_key():
    warnings = []
    article = parse_article(_article_text("tittle: 错\nsubtitel: 副\ncolour: red\n"), "x/01-a.md", warnings)
    assert article.title == "标题" and article.subtitle is None
    assert [str(w) for w in warnings] == [
        "x/01-a.md:6 [tittle]: unknown key 'tittle' ignored; did you mean 'title'?",
        "x/01-a.md:7 [subtitel]: unknown key 'subtitel' ignored; did you mean 'subtitle'?",
        "x/01-a.md:8 [colour]: unknown key 'colour' ignored",
    ]


def test_an_unknown_key_elsewhere_is_an_error_naming_the_nearest_key(tmp_path):
    (tmp_path / "site.yml").write_text("title: 站\npage_sise: 5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"site.yml:2 \[page_sise\]: unknown key.*did you mean 'page_size'"):
        load_config(tmp_path / "site.yml")
    with pytest.raises(ContentError, match=r"did you mean 'date'"):
        parse_issue("dte: 2024\n", "x/issue.yml", "x")


def test_a_bad_site_yml_stops_the_build_naming_file_line_and_key(tmp_path, capsys):
    (tmp_path / "site.yml").write_text("title: 站\npage_size: 二十\n", encoding="utf-8")
    status = main(["--seeds", str(tmp_path / "seeds"), "--content", str(tmp_path / "content"), "--output",
                   str(tmp_path / "public"), "--cache-dir", str(tmp_path / "cache"), "--config",
                   str(tmp_path / "site.yml")])
    err = capsys.readouterr().err
    assert status == 2 and f"{tmp_path / 'site.yml'}:2 [page_size]: must be a positive whole number" in err
    assert not (tmp_path / "public").exists()


def test_a_python_tag_never_runs_anywhere(tmp_path):
    text = "title: !!python/object/apply:os.system ['touch " + str(tmp_path / "ran") + "']\n"
    (tmp_path / "site.yml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="could not determine a constructor"):
        load_config(tmp_path / "site.yml")
    with pytest.raises(ContentError, match="could not determine a constructor"):
        parse_issue(text, "x/issue.yml", "x")
    assert not (tmp_path / "ran").exists()


# --- what the importer writes reads back the same -------------------------------------------------

TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=12).filter(str.strip)


@settings(max_examples=150, deadline=None)
@given(title=TEXT, tags=st.lists(TEXT, max_size=4), kicker=st.none() | TEXT, pretitle=st.none() | TEXT,
       subtitle=st.none() | TEXT, draft=st.booleans(), page=st.none() | st.integers(1, 99))
def test_any_text_written_by_the_importer_reads_back_unchanged(title, tags, kicker, pretitle, subtitle, draft, page):
    article = Article(title=title, title_generated=False, kicker=kicker, unit=None, issue="x", order=1, kind="article",
                      reporters=[], correspondents=[], photographers=[], tags=tags, date="2024-04", source="s",
                      source_lines=[1, 2], body="正文。\n", pretitle=pretitle, subtitle=subtitle, draft=draft,
                      page=page, path="x/01-a.md")
    assert parse_article(format_article(article), "x/01-a.md") == article


def test_new_keys_are_written_only_when_set():
    article = parse_article(_article_text(""), "x/01-a.md")
    text = format_article(article)
    assert not any(key + ":" in text for key in ("pretitle", "subtitle", "draft", "page", "images"))
    assert "draft: true" in format_article(parse_article(_article_text("draft: true\n"), "x/01-a.md"))
    assert dump_yaml({"t": "0110"}).strip() == "{t: '0110'}"  # quoted: YAML 1.1 readers see the same text
