"""Search data built by generator.search: terms, files, shards, cache, lunr.js copy."""
from __future__ import annotations

import json
import re

import pytest

import generator.search as search
from generator.model import SearchDoc
from generator.search import indexer
from generator.search import terms as T


def doc(url, title, text, date="2024-04", unit=None, tags=(), people=(), subheads=()):
    return SearchDoc(url=url, title=title, issue_label="2024年4月", date=date, unit=unit, tags=list(tags),
                     people=list(people), subheads=list(subheads), text=text)


def load_script(data: bytes):
    match = re.fullmatch(rb'\(window\.bulletinSearchData=window\.bulletinSearchData\|\|\{\}\)\["([^"]+)"\]=(.*);\n',
                         data, re.S)
    assert match, data[:80]
    return match.group(1).decode(), json.loads(match.group(2))


def postings_of(files: dict[str, bytes]) -> dict[tuple[str, str], list]:
    """(shard, term) -> [field, [doc, weight, ...], ...] over every bucket file."""
    found = {}
    for path, data in files.items():
        if path.startswith("search/i/"):
            key, payload = load_script(data)
            shard = key.split("/")[1]
            for entry in payload["t"]:
                found[(shard, entry[0])] = entry[1:]
    return found


# --- terms -------------------------------------------------------------------------------------

def test_cjk_runs_become_bigrams_and_latin_words_stay_whole():
    assert T.base_terms("拨打110报警，ＡＰＰ上报") == ["拨打", "110", "报警", "app", "上报"]
    assert T.base_terms("通过“智慧巡防”系统") == ["通过", "过智", "智慧", "慧巡", "巡防", "防系", "系统"]


def test_whitespace_joins_cjk_in_text_but_separates_query_words():
    assert [r.text for r in T.split_runs("巡 提升")] == ["巡提升"]
    assert [r.text for r in T.split_runs("国家 安全", query=True)] == ["国家", "安全"]


def test_query_requires_every_bigram_and_offers_the_whole_run():
    terms = T.query_terms("国家安全教育日")
    assert [t.term for t in terms if t.required] == T.bigrams("国家安全教育日")
    assert [(t.term, t.required) for t in terms if not t.required] == [("国家安全教育日", False)]


def test_last_latin_word_is_a_prefix_only_while_typing():
    assert T.query_terms("diandong")[0].prefix
    assert not T.query_terms("diandong ")[0].prefix
    assert not T.query_terms("12345")[0].prefix  # numbers match exactly


def test_every_query_term_is_an_index_term_of_a_text_containing_the_query():
    text = "4月15日，“全民国家安全教育日”主题活动在PTU车组和APP上同步开展，市民拨打12345咨询。"
    index_terms = set(T.base_terms(text))
    for query in ("国家安全教育日", "全民国家安全", "PTU车组", "APP", "12345", "教育日主题"):
        for term in T.query_terms(query + " "):
            if term.required:
                assert term.term in index_terms, (query, term)


def test_pinyin_terms_join_syllables_of_a_word():
    assert T.pinyin_terms(["电动车", "，", "x"], lambda w: ["dian", "dong", "che"]) == ["diandongche"]


def test_latin_terms_share_the_bucket_of_their_two_letter_prefix():
    for count in (1, 8, 64):
        assert T.bucket_of("diandongche", count) == T.bucket_of("diandong", count) == T.bucket_of("di", count)


# --- files -------------------------------------------------------------------------------------

@pytest.fixture
def docs():
    return [
        doc("a/1.html", "智慧巡防系统上线", "街面见警率提升。", unit="市公安局特警支队", tags=["电动车"]),
        doc("a/2.html", "交通安全宣传", "民警讲解电动车安全，提醒市民拨打110。", people=["曹梦溪"]),
        doc("b/1.html", "2023年回顾", "全年共办理12345热线工单。", date="2023-12-30"),
        doc("c/1.html", "无日期文章", "内容<script>alert(1)</script>", date=None),
    ]


def test_build_writes_lunr_manifest_buckets_and_store(docs):
    files = search.build_search_files(docs, None, cache_dir=None)
    assert files[search.LUNR_SITE_PATH] == search.LUNR_SOURCE.read_bytes()
    key, manifest = load_script(files["search/manifest.js"])
    assert key == "manifest"
    assert [s["id"] for s in manifest["shards"]] == ["2023", "2024", "undated"]
    assert sum(s["docs"] for s in manifest["shards"]) == len(docs)
    for shard in manifest["shards"]:
        for b in range(shard["buckets"]):
            assert f"search/i/{shard['id']}/{b}.js" in files
        for c in range(shard["chunks"]):
            assert f"search/s/{shard['id']}/{c}.js" in files
    _, store = load_script(files["search/s/2024/0.js"])
    assert [r[0] for r in store] == ["a/1.html", "a/2.html"]


def test_terms_sit_in_their_bucket_with_title_weight_above_body(docs):
    files = search.build_search_files(docs, None, cache_dir=None)
    _, manifest = load_script(files["search/manifest.js"])
    buckets = {s["id"]: s["buckets"] for s in manifest["shards"]}
    for path, data in files.items():
        if path.startswith("search/i/"):
            key, payload = load_script(data)
            _, shard, number = key.split("/")
            assert all(T.bucket_of(entry[0], buckets[shard]) == int(number) for entry in payload["t"])
    postings = postings_of(files)
    fields = [name for name, _ in indexer.FIELDS]
    # 电动车: a tag of article 0 (and its pinyin), a body word of article 1
    entry = postings[("2024", "电动")]
    weights = {fields[entry[i]]: entry[i + 1] for i in range(0, len(entry), 2)}
    assert weights["tags"][0] == 0 and weights["body"][0] == 1
    assert weights["tags"][1] > weights["body"][1]
    assert ("2024", "diandongche") in postings
    assert ("2024", "110") in postings and ("2023", "12345") in postings
    assert ("2024", "智慧巡防") in postings or ("2024", "智慧巡防系统") in postings  # a jieba word
    assert ("2024", "曹梦溪") in postings  # names are whole terms too


def test_a_new_issue_rebuilds_only_its_own_shard(docs, tmp_path, monkeypatch):
    search.build_search_files(docs, None, cache_dir=tmp_path)
    built = []
    original = indexer.build_shard
    monkeypatch.setattr(indexer, "build_shard", lambda shard_id, ds: built.append(shard_id) or original(shard_id, ds))
    first = search.build_search_files(docs, None, cache_dir=tmp_path)
    assert built == []
    more = docs + [doc("d/1.html", "新一期", "新内容。", date="2024-05")]
    second = search.build_search_files(more, None, cache_dir=tmp_path)
    assert built == ["2024"]
    unchanged = [p for p in first if p.startswith("search/i/2023/") or p.startswith("search/s/2023/")]
    assert unchanged and all(first[p] == second[p] for p in unchanged)


def test_big_years_are_cut_in_consecutive_parts(monkeypatch):
    monkeypatch.setattr(indexer, "MAX_SHARD_DOCS", 2)
    many = [doc(f"x/{i}.html", f"标题{i}", "正文", date=f"2024-0{i + 1}") for i in range(5)]
    shards = indexer.group_shards(many)
    assert list(shards) == ["2024-1", "2024-2", "2024-3"]
    assert [d.url for d in shards["2024-3"]] == ["x/4.html"]


def test_missing_lunr_tells_the_user_to_run_make_setup(docs, tmp_path, monkeypatch):
    monkeypatch.setattr(search, "LUNR_SOURCE", tmp_path / "node_modules" / "lunr" / "lunr.min.js")
    monkeypatch.setattr(search, "PROJECT_ROOT", tmp_path)
    with pytest.raises(search.SearchSetupError, match="make setup"):
        search.build_search_files(docs, None, cache_dir=None)


def test_store_keeps_markup_as_data(docs):
    files = search.build_search_files(docs, None, cache_dir=None)
    _, store = load_script(files["search/s/undated/0.js"])
    assert store[0][5] == "内容<script>alert(1)</script>"
