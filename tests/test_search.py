"""Search data built by generator.search: terms, files, shards, cache, lunr.js copy."""
from __future__ import annotations

import dataclasses
import json
import re

import pytest
from hypothesis import given, settings, strategies as st

import generator.search as search
from generator.records import SearchDoc
from generator.search import indexer
from generator.search import terms as T
from tests.search_site import lunr_idf, lunr_index_json, lunr_py_index, lunr_weight, lunr_weights
from tests.query_port import query_terms


def doc(url, title, text, date="2024-04", unit=None, tags=(), people=(), subheads=()):
    return SearchDoc(url=url, title=title, issue_label="2024年4月", date=date, unit=unit, tags=list(tags),
                     people=list(people), subheads=list(subheads), text=text)


def load_script(data: bytes):
    match = re.fullmatch(rb'\(window\.bulletinSearchData=window\.bulletinSearchData\|\|\{\}\)\["([^"]+)"\]=(.*);\n',
                         data, re.S)
    assert match, data[:80]
    return match.group(1).decode(), json.loads(match.group(2))


# --- terms -------------------------------------------------------------------------------------

def test_cjk_runs_become_bigrams_and_latin_words_stay_whole():
    assert T.base_terms("拨打110报警，ＡＰＰ上报") == ["拨打", "110", "报警", "app", "上报"]
    assert T.base_terms("通过“智慧巡防”系统") == ["通过", "过智", "智慧", "慧巡", "巡防", "防系", "系统"]


def test_whitespace_joins_cjk_in_text_but_separates_query_words():
    assert [r.text for r in T.split_runs("巡 提升")] == ["巡提升"]
    assert [r.text for r in T.split_runs("国家 安全", query=True)] == ["国家", "安全"]


def test_query_requires_every_bigram_and_offers_the_whole_run():
    terms = query_terms("国家安全教育日")
    assert [t.term for t in terms if t.required] == T.bigrams("国家安全教育日")
    assert [(t.term, t.required) for t in terms if not t.required] == [("国家安全教育日", False)]


def test_last_latin_word_is_a_prefix_only_while_typing():
    assert query_terms("diandong")[0].prefix
    assert not query_terms("diandong ")[0].prefix
    assert not query_terms("12345")[0].prefix  # numbers match exactly


def test_every_query_term_is_an_index_term_of_a_text_containing_the_query():
    text = "4月15日，“全民国家安全教育日”主题活动在PTU车组和APP上同步开展，市民拨打12345咨询。"
    index_terms = set(T.base_terms(text))
    for query in ("国家安全教育日", "全民国家安全", "PTU车组", "APP", "12345", "教育日主题"):
        for term in query_terms(query + " "):
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
        doc("a/2.html", "交通安全宣传", "民警讲解电动车安全，提醒市民骑电动车戴头盔、拨打110。", people=["曹梦溪"]),
        doc("b/1.html", "2023年回顾", "全年共办理12345热线工单。", date="2023-12-30"),
        doc("c/1.html", "无日期文章", "内容<script>alert(1)</script>", date=None),
    ]


def corpus():
    """A few dozen documents over several years, with repeated words, units, tags and names."""
    bodies = ["民警深入社区开展反诈宣传，提醒群众拨打110或12345。", "派出所民警在街面巡逻，提升见警率。",
              "交警大队开展电动车交通安全整治，查处无牌电动车。", "特警支队组织PTU车组演练，市民通过APP上报线索。",
              "“智慧巡防”系统上线以来，街面可防性案件明显下降。"]
    units = [None, "市公安局特警支队", "任城区公安分局", "市公安局交警支队"]
    found = []
    for i in range(36):
        year = 2019 + i % 4
        found.append(doc(f"x/{i}.html", ["反诈宣传进社区", "电动车整治", "智慧巡防系统", "民警节日坚守"][i % 4] + str(i),
                         "\n".join(bodies[j % 5] for j in range(i % 5 + 1)), date=f"{year}-0{i % 9 + 1}-1{i % 9}",
                         unit=units[i % 4], tags=["电动车", "反诈"][: i % 3], people=["曹梦溪", "王晓东"][: i % 2 + 1],
                         subheads=["以案说法"] if i % 6 == 0 else []))
    return found


def shipped_postings(files: dict[str, bytes]) -> dict[tuple[str, str], dict[int, list[tuple[int, int]]]]:
    """(shard, term) -> {field: [(doc, tf), …]} over every bucket file."""
    found = {}
    for path, data in files.items():
        if path.startswith("search/i/"):
            key, payload = load_script(data)
            shard = key.split("/")[1]
            for entry in payload:
                found[(shard, entry[0])] = {entry[i]: indexer.decode(entry[i + 1]) for i in range(1, len(entry), 2)}
    return found


def test_build_writes_manifest_lengths_buckets_and_store(docs):
    files = search.build_search_files(docs, None, cache_dir=None)
    assert files[search.LUNR_SITE_PATH] == search.LUNR_SOURCE.read_bytes()
    key, manifest = load_script(files["search/manifest.js"])
    assert key == "manifest"
    assert [s["id"] for s in manifest["shards"]] == ["2023", "2024.b1", "undated"]  # the latest year in blocks
    assert manifest["docs"] == sum(s["docs"] for s in manifest["shards"]) == len(docs)
    for shard in manifest["shards"]:
        assert f"search/n/{shard['id']}.js" in files
        for b in range(shard["buckets"]):
            assert f"search/i/{shard['id']}/{b}.js" in files
        for c in range(shard["chunks"]):
            assert f"search/s/{shard['id']}/{c}.js" in files
    _, store = load_script(files["search/s/2024.b1/0.js"])
    assert [r[0] for r in store] == ["a/1.html", "a/2.html"]  # date order
    count = len(indexer.FIELDS)
    lengths = [load_script(files[f"search/n/{s['id']}.js"])[1]["l"] for s in manifest["shards"]]
    assert [len(n) for n in lengths] == [count, 2 * count, count]
    assert manifest["lengths"] == [sum(sum(n[f::count]) for n in lengths) for f in range(count)]


def test_shipped_numbers_give_the_weights_of_one_lunr_py_index_over_everything(monkeypatch):
    """Term frequencies, field lengths and totals as shipped, turned into weights the way search.js
    does (archive-wide idf and average lengths), equal lunr.py's field vectors exactly."""
    monkeypatch.setattr(indexer, "SHARD_DOCS", 12)
    docs = corpus()
    files = search.build_search_files(docs, None, cache_dir=None)
    _, manifest = load_script(files["search/manifest.js"])
    assert len(manifest["shards"]) > 1
    ordered = [d for ds in indexer.group_shards(docs).values() for d in ds]  # global doc numbers
    index = lunr_py_index(ordered)
    fields = [name for name, _ in indexer.FIELDS]
    offsets, lengths, at = {}, {}, 0
    for shard in manifest["shards"]:
        offsets[shard["id"]] = at
        lengths[shard["id"]] = load_script(files[f"search/n/{shard['id']}.js"])[1]["l"]
        at += shard["docs"]
    averages = [total / manifest["docs"] for total in manifest["lengths"]]
    by_term: dict[str, list] = {}
    for (shard, term), per_field in shipped_postings(files).items():
        by_term.setdefault(term, []).append((shard, per_field))
    weights = {}
    for term, parts in by_term.items():
        df = sum(len(p) for _, per_field in parts for p in per_field.values())
        idf = lunr_idf(df, manifest["docs"])
        for shard, per_field in parts:
            for f, postings in per_field.items():
                for local, tf in postings:
                    length = lengths[shard][local * len(fields) + f]
                    weights[(f"{fields[f]}/{offsets[shard] + local}", term)] = lunr_weight(
                        idf, tf, length, averages[f], manifest["boosts"][f])
    expected = {}
    term_of = {posting["_index"]: term for term, posting in index.inverted_index.items()}
    for ref, vector in index.field_vectors.items():
        for i in range(0, len(vector.elements), 2):
            expected[(str(ref), term_of[vector.elements[i]])] = vector.elements[i + 1]
    assert weights == expected


def test_index_writer_matches_lunr_py_serialization():
    docs = corpus()
    assert lunr_index_json(docs) == json.loads(json.dumps(lunr_py_index(docs).serialize()))


def test_postings_round_trip_and_title_outweighs_body(docs):
    files = search.build_search_files(docs, None, cache_dir=None)
    _, manifest = load_script(files["search/manifest.js"])
    buckets = {s["id"]: s["buckets"] for s in manifest["shards"]}
    for path, data in files.items():
        if path.startswith("search/i/"):
            key, payload = load_script(data)
            _, shard, number = key.split("/")
            assert all(T.bucket_of(entry[0], buckets[shard]) == int(number) for entry in payload)
    postings = shipped_postings(files)
    fields = [name for name, _ in indexer.FIELDS]
    # 2024.b1 holds a/1 (doc 0), a/2 (doc 1). 电动车: a tag of a/1, twice in a/2's body
    entry = {fields[f]: p for f, p in postings[("2024.b1", "电动")].items()}
    assert entry["tags"] == [(0, 1)] and entry["body"] == [(1, 2)]
    assert ("2024.b1", "diandongche") in postings
    assert ("2024.b1", "110") in postings and ("2023", "12345") in postings
    assert ("2024.b1", "智慧巡防") in postings or ("2024.b1", "智慧巡防系统") in postings  # a jieba word
    assert ("2024.b1", "曹梦溪") in postings  # names are whole terms too
    weights = lunr_weights([indexer.doc_terms(d) for d in [docs[2], docs[0], docs[1]]])
    assert weights["tags/1"]["电动"] > weights["body/2"]["电动"]


def test_encoding_of_postings():
    postings = [0, 1, 3, 2, 4, 1, 90, 7]
    assert indexer._encode(postings) == [0, -2, 3, 1, -7, 86]
    assert indexer.decode(indexer._encode(postings)) == [(0, 1), (3, 2), (4, 1), (90, 7)]


def test_years_are_packed_into_shards_in_date_order(monkeypatch):
    monkeypatch.setattr(indexer, "SHARD_DOCS", 3)
    many = [doc(f"y/{y}-{i}.html", "标题", "正文", date=f"{y}-0{i + 1}") for y, n in
            ((2019, 1), (2020, 2), (2021, 2), (2022, 1), (2023, 1)) for i in range(n)]
    many.append(doc("u.html", "无日期", "正文", date=None))
    shards = indexer.group_shards(list(reversed(many)))
    assert list(shards) == ["2019-2020", "2021-2022", "2023.b1", "undated"]
    assert [d.url for d in shards["2019-2020"]] == ["y/2019-0.html", "y/2020-0.html", "y/2020-1.html"]


def test_big_years_are_cut_in_consecutive_parts(monkeypatch):
    monkeypatch.setattr(indexer, "SHARD_DOCS", 2)
    many = [doc(f"x/{i}.html", f"标题{i}", "正文", date=f"2024-0{i + 1}") for i in range(5)]
    shards = indexer.group_shards(many + [doc("z.html", "标题", "正文", date="2025-01")])
    assert list(shards) == ["2024.1", "2024.2", "2024.3", "2025.b1"]
    assert [d.url for d in shards["2024.3"]] == ["x/4.html"]


def test_the_latest_year_is_cut_in_blocks_counted_from_its_first_document(monkeypatch):
    monkeypatch.setattr(indexer, "SHARD_DOCS", 4)
    monkeypatch.setattr(indexer, "BLOCK_DOCS", 2)
    older = [doc(f"o/{i}.html", "标题", "正文", date=f"2024-0{i + 1}") for i in range(3)]
    latest = [doc(f"n/{i}.html", f"标题{i}", "正文", date=f"2025-{i + 1:02d}") for i in range(11)]
    shards = indexer.group_shards(older + latest[:3])
    assert list(shards) == ["2024", "2025.b1", "2025.b2"]
    assert [d.url for d in shards["2025.b2"]] == ["n/2.html"]
    # Beyond SHARD_DOCS documents the year's full parts come first, then the blocks of the rest.
    shards = indexer.group_shards(older + latest)
    assert list(shards) == ["2024", "2025.1", "2025.2", "2025.3b1", "2025.3b2"]
    assert [d.url for d in shards["2025.3b2"]] == ["n/10.html"]
    # The next year's first issue closes the year: it is packed like any other.
    shards = indexer.group_shards(older + latest[:1] + [doc("z.html", "新年", "正文", date="2026-01")])
    assert list(shards) == ["2024-2025", "2026.b1"]


@settings(max_examples=20)
@given(before=st.integers(min_value=1, max_value=9), added=st.integers(min_value=1, max_value=4))
def test_a_new_issue_changes_only_the_search_files_of_the_last_block(before, added):
    """Whatever the number of documents the latest year already has, adding an issue (the latest
    date) leaves every search file byte for byte but the manifest's and those of the block the
    issue goes into (and, when that block fills, of the one it opens)."""
    base = corpus()  # 2019 … 2022
    latest = [doc(f"n/{i}.html", f"新闻{i}", f"第{i}期：民警巡逻，反诈宣传。", date=f"2023-01-{i + 10}")
              for i in range(before)]
    issue = [doc(f"new/{i}.html", f"新一期{i}", "新内容，特警支队PTU车组演练。", date="2023-02-28")
             for i in range(added)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(indexer, "BLOCK_DOCS", 3)
        first = search.build_search_files(base + latest, None, cache_dir=None)
        second = search.build_search_files(base + latest + issue, None, cache_dir=None)
    touched = {f"2023.b{n // 3 + 1}" for n in range(before, before + added)}
    changed = {p for p in second if first.get(p) != second[p]} | (first.keys() - second.keys())
    shard_of = {p: p.split("/")[2].removesuffix(".js") for p in changed if p != "search/manifest.js"}
    assert set(shard_of.values()) <= touched
    assert "search/manifest.js" in changed


def _count_calls(monkeypatch):
    built, segmented = [], []
    build_shard, doc_terms = indexer.build_shard, indexer.doc_terms
    monkeypatch.setattr(indexer, "build_shard",
                        lambda shard_id, ds, ts: built.append(shard_id) or build_shard(shard_id, ds, ts))
    monkeypatch.setattr(indexer, "doc_terms", lambda d: segmented.append(d.url) or doc_terms(d))
    return built, segmented


def test_a_new_issue_rebuilds_only_the_newest_shard_from_cached_terms(tmp_path, monkeypatch):
    monkeypatch.setattr(indexer, "SHARD_DOCS", 12)
    docs = corpus()  # 2019 … 2022, 9 documents a year: shards 2019, 2020, 2021, 2022
    first = search.build_search_files(docs, None, cache_dir=tmp_path)
    built, segmented = _count_calls(monkeypatch)
    assert search.build_search_files(docs, None, cache_dir=tmp_path) == first
    assert built == [] and segmented == []  # everything from the cache
    more = docs + [doc("new/1.html", "新一期", "新内容，民警巡逻。", date="2022-12-30")]
    second = search.build_search_files(more, None, cache_dir=tmp_path)
    assert built == ["2022.b1"]  # the latest year's last block
    assert segmented == ["new/1.html"]  # the shard's other documents kept their terms
    unchanged = [p for p in first if re.match(r"search/[ins]/20(19|20|21)", p)]
    assert unchanged and all(first[p] == second[p] for p in unchanged)
    assert search.build_search_files(more, None, cache_dir=None) == second  # same as a clean build
    cached = sorted(p.name.split("~")[0] for p in (tmp_path / "shards").glob("*.pickle"))
    assert cached == ["2019", "2020", "2021", "2022.b1"]  # the newest block's old version is dropped


def test_an_edited_article_rebuilds_its_own_shard(tmp_path, monkeypatch):
    monkeypatch.setattr(indexer, "SHARD_DOCS", 12)
    docs = corpus()
    search.build_search_files(docs, None, cache_dir=tmp_path)
    built, segmented = _count_calls(monkeypatch)
    docs[1] = dataclasses.replace(docs[1], title="改过的标题")  # 2020
    edited = search.build_search_files(docs, None, cache_dir=tmp_path)
    assert built == ["2020"] and segmented == [docs[1].url]
    assert edited == search.build_search_files(docs, None, cache_dir=None)


def test_damaged_cache_files_are_rebuilt(docs, tmp_path):
    first = search.build_search_files(docs, None, cache_dir=tmp_path)
    for path in tmp_path.rglob("*.pickle"):
        path.write_bytes(b"not a pickle")
    assert search.build_search_files(docs, None, cache_dir=tmp_path) == first


def test_parallel_build_equals_serial_build(monkeypatch):
    docs = corpus()
    monkeypatch.setattr(indexer, "SHARD_DOCS", 12)
    serial = search.build_search_files(docs, None, cache_dir=None)
    monkeypatch.setattr(indexer, "PARALLEL_MIN_DOCS", 1)
    assert search.build_search_files(docs, None, cache_dir=None) == serial


def test_missing_lunr_tells_the_user_to_run_make_setup(docs, tmp_path, monkeypatch):
    monkeypatch.setattr(search, "LUNR_SOURCE", tmp_path / "node_modules" / "lunr" / "lunr.min.js")
    monkeypatch.setattr(search, "PROJECT_ROOT", tmp_path)
    with pytest.raises(search.SearchSetupError, match="make setup"):
        search.build_search_files(docs, None, cache_dir=None)


def test_store_keeps_markup_as_data(docs):
    files = search.build_search_files(docs, None, cache_dir=None)
    _, store = load_script(files["search/s/undated/0.js"])
    assert store[0][5] == "内容<script>alert(1)</script>"
