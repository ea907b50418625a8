"""Search data for the static site: lunr indexes (lunr.py) split into small script files.

Layout (all under search/ in the site; each file is a script that registers its data in the global
`bulletinSearchData`, so it loads from file:// where fetch of local JSON is refused):

- manifest.js       fields, boosts and one entry per shard (id, document count, bucket count)
- i/<shard>/<b>.js  one bucket of a shard's lunr index: the terms whose bucket_of() is b, each with
                    its postings (field, doc, BM25 weight) exactly as lunr.py computed them
- s/<shard>/<c>.js  one store chunk: display data and text of `STORE_CHUNK` consecutive documents

Why this shape: a shard is the lunr index of one year's articles (bigger years split in
consecutive parts), so a new issue rebuilds only its own shard; buckets split each shard by term,
so a query fetches only the buckets of its own terms from each shard. search.js merges the
buckets it fetched into one lunr.Index and rescales each shard's weights to the archive-wide idf,
so results and ranking are those of a single index over every article.
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

from lunr.builder import Builder
from pypinyin import lazy_pinyin

from ..enrich.segment import get_jieba
from ..model import SearchDoc
from . import terms as T

FORMAT_VERSION = 1
DATA_GLOBAL = "bulletinSearchData"
# (field, boost): a title match outranks a body that mentions the words a few times.
FIELDS = (("title", 10), ("subheads", 3), ("body", 1), ("unit", 3), ("tags", 3), ("people", 3),
          ("pinyin", 2))
MAX_SHARD_DOCS = 500
STORE_CHUNK = 8
POSTINGS_PER_BUCKET = 1200  # about 12 KB of script, 5 KB gzip
PARALLEL_MIN_DOCS = 400  # below this, starting worker processes costs more than it saves
_YEAR = re.compile(r"^(\d{4})")


# --- segmentation -----------------------------------------------------------------------------

def _words(text: str) -> list[str]:
    return list(get_jieba().cut(text, HMM=False)) if text else []


def _word_terms(text: str) -> list[str]:
    """Base terms plus jieba words of 3+ characters (short fields only: title, subheads, unit)."""
    return T.base_terms(text) + T.dictionary_terms(_words(text))


def _name_terms(names: list[str]) -> list[str]:
    """Tags and names are words already: index each whole as well as by bigrams."""
    found = []
    for name in names:
        found.extend(T.base_terms(name))
        whole = T.normalize(name)
        if len(whole) >= 3 and T.is_cjk_word(whole):
            found.append(whole)
        found.extend(T.dictionary_terms(_words(name)))
    return found


def _pinyin(word: str) -> list[str]:
    return lazy_pinyin(word, errors="ignore")


def field_terms(doc: SearchDoc) -> dict[str, list[str]]:
    """The terms of each indexed field of one document (with repeats: term frequency counts)."""
    title_words = _words(doc.title)
    unit = doc.unit or ""
    pinyin_words = title_words + _words(unit) + list(doc.tags) + list(doc.people)
    return {
        "title": T.base_terms(doc.title) + T.dictionary_terms(title_words),
        "subheads": [t for s in doc.subheads for t in _word_terms(s)],
        "body": T.base_terms(doc.text),
        "unit": _word_terms(unit),
        "tags": _name_terms(list(doc.tags)),
        "people": _name_terms(list(doc.people)),
        "pinyin": T.pinyin_terms(pinyin_words, _pinyin),
    }


# --- shards -----------------------------------------------------------------------------------

def _year_of(doc: SearchDoc) -> str:
    match = _YEAR.match(doc.date or "")
    return match.group(1) if match else "undated"


def group_shards(docs: list[SearchDoc]) -> dict[str, list[SearchDoc]]:
    """Year -> its documents in date order; a year above MAX_SHARD_DOCS is cut into consecutive
    parts, so that a new issue (the latest) changes only the last part."""
    by_year: dict[str, list[SearchDoc]] = defaultdict(list)
    for doc in docs:
        by_year[_year_of(doc)].append(doc)
    shards: dict[str, list[SearchDoc]] = {}
    for year in sorted(by_year):
        year_docs = sorted(by_year[year], key=lambda d: (d.date or "", d.url))
        if len(year_docs) <= MAX_SHARD_DOCS:
            shards[year] = year_docs
            continue
        for part, start in enumerate(range(0, len(year_docs), MAX_SHARD_DOCS), start=1):
            shards[f"{year}-{part}"] = year_docs[start:start + MAX_SHARD_DOCS]
    return shards


def _lunr_postings(docs: list[SearchDoc]) -> dict[str, list[tuple[int, int, float]]]:
    """term -> [(field number, doc number, weight)], from a lunr.py index of these documents."""
    builder = Builder()
    builder.pipeline.reset()  # no stemming or stop words: terms are final (the browser can't stem)
    builder.search_pipeline.reset()
    builder.ref("id")
    for name, boost in FIELDS:
        builder.field(name, boost=boost)
    for number, doc in enumerate(docs):
        builder.add({"id": str(number), **field_terms(doc)})
    index = builder.build()
    term_by_index = {posting["_index"]: term for term, posting in index.inverted_index.items()}
    field_number = {name: n for n, (name, _) in enumerate(FIELDS)}
    postings: dict[str, list[tuple[int, int, float]]] = defaultdict(list)
    for field_ref, vector in index.field_vectors.items():
        field, doc_ref = str(field_ref).split("/", 1)
        elements = vector.elements
        for i in range(0, len(elements), 2):
            postings[term_by_index[elements[i]]].append(
                (field_number[field], int(doc_ref), elements[i + 1]))
    return postings


def _bucket_payloads(docs: list[SearchDoc]) -> list[dict]:
    postings = _lunr_postings(docs)
    total = sum(len(p) for p in postings.values())
    bucket_count = 1
    while total / bucket_count > POSTINGS_PER_BUCKET:
        bucket_count *= 2
    buckets: list[list] = [[] for _ in range(bucket_count)]
    for term in sorted(postings):
        by_field: dict[int, list] = defaultdict(list)
        for field, doc, weight in sorted(postings[term]):
            by_field[field].extend((doc, weight))
        entry: list = [term]
        for field in sorted(by_field):
            entry.extend((field, by_field[field]))
        buckets[T.bucket_of(term, bucket_count)].append(entry)
    return [{"t": bucket} for bucket in buckets]


def _store_record(doc: SearchDoc) -> list:
    """Display data, plus the other searchable text (for checking that a phrase really occurs)."""
    extra = " ".join(list(doc.subheads) + list(doc.tags) + list(doc.people))
    return [doc.url, doc.title, doc.issue_label, doc.date, doc.unit, doc.text, extra]


def _script(key: str, data) -> bytes:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (f'(window.{DATA_GLOBAL}=window.{DATA_GLOBAL}||{{}})["{key}"]={payload};\n').encode("utf-8")


@dataclass
class ShardOutput:
    docs: int
    buckets: int
    chunks: int
    files: dict[str, str]  # site-relative path -> script text


def build_shard(shard_id: str, docs: list[SearchDoc]) -> ShardOutput:
    files: dict[str, str] = {}
    buckets = _bucket_payloads(docs)
    for number, payload in enumerate(buckets):
        key = f"i/{shard_id}/{number}"
        files[f"search/{key}.js"] = _script(key, payload).decode("utf-8")
    chunks = range(0, len(docs), STORE_CHUNK)
    for number, start in enumerate(chunks):
        key = f"s/{shard_id}/{number}"
        records = [_store_record(doc) for doc in docs[start:start + STORE_CHUNK]]
        files[f"search/{key}.js"] = _script(key, records).decode("utf-8")
    return ShardOutput(docs=len(docs), buckets=len(buckets), chunks=len(chunks), files=files)


# --- cache: a shard whose documents did not change is not rebuilt -------------------------------

def _shard_fingerprint(shard_id: str, docs: list[SearchDoc]) -> str:
    """Changes with the documents, the index settings and jieba's dictionary (its total frequency
    moves when domain words are added)."""
    digest = hashlib.sha256()
    digest.update(json.dumps([FORMAT_VERSION, FIELDS, MAX_SHARD_DOCS, STORE_CHUNK, POSTINGS_PER_BUCKET,
                              shard_id, get_jieba().total], ensure_ascii=False).encode())
    for doc in docs:
        digest.update(json.dumps(asdict(doc), ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()[:32]


def _store_output(cache_dir: Path, shard_id: str, docs: list[SearchDoc], output: ShardOutput) -> None:
    path = cache_dir / f"{_shard_fingerprint(shard_id, docs)}.json"
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(asdict(output), ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def _cached_output(cache_dir: Path | None, shard_id: str, docs: list[SearchDoc]) -> ShardOutput | None:
    if cache_dir is None:
        return None
    path = cache_dir / f"{_shard_fingerprint(shard_id, docs)}.json"
    try:
        return ShardOutput(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None  # missing or damaged: rebuilt


def _build_missing(missing: dict[str, list[SearchDoc]]) -> dict[str, ShardOutput]:
    """Build shards on every core when there is enough work to pay for the worker processes."""
    if len(missing) < 2 or sum(map(len, missing.values())) < PARALLEL_MIN_DOCS or (os.cpu_count() or 1) < 2:
        return {shard_id: build_shard(shard_id, docs) for shard_id, docs in missing.items()}
    get_jieba()  # loaded once here; forked workers inherit it
    context = multiprocessing.get_context("fork")
    workers = min(os.cpu_count() or 1, len(missing))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {shard_id: pool.submit(build_shard, shard_id, docs) for shard_id, docs in missing.items()}
        return {shard_id: future.result() for shard_id, future in futures.items()}


def build_index_files(docs: list[SearchDoc], cache_dir: Path | None = None) -> dict[str, bytes]:
    """Every search/ file of the site: manifest, index buckets, store chunks."""
    files: dict[str, bytes] = {}
    shards = []
    grouped = group_shards(docs)
    outputs = {shard_id: _cached_output(cache_dir, shard_id, shard_docs) for shard_id, shard_docs in grouped.items()}
    missing = {shard_id: grouped[shard_id] for shard_id, output in outputs.items() if output is None}
    built = _build_missing(missing)
    for shard_id, output in built.items():
        outputs[shard_id] = output
        if cache_dir is not None:
            _store_output(cache_dir, shard_id, grouped[shard_id], output)
    for shard_id, shard_docs in grouped.items():
        output = outputs[shard_id]
        files.update({path: text.encode("utf-8") for path, text in output.files.items()})
        shards.append({"id": shard_id, "docs": output.docs, "buckets": output.buckets,
                       "chunk": STORE_CHUNK, "chunks": output.chunks})
    manifest = {"version": FORMAT_VERSION, "fields": [name for name, _ in FIELDS],
                "boosts": [boost for _, boost in FIELDS], "shards": shards}
    files["search/manifest.js"] = _script("manifest", manifest)
    return files
