"""Search data for the static site: the inputs of a lunr index, split into small script files.

Layout (all under search/ in the site; each file is a script that registers its data in the global
`bulletinSearchData`, so it loads from file:// where fetch of local JSON is refused):

- manifest.js       fields, boosts, BM25 parameters, archive totals (document count, summed field
                    lengths), the synonym table (synonyms.py) and one entry per shard (id, document
                    count, bucket and chunk counts, [year, documents] in date order: the year filter)
- n/<shard>.js      {"l": the length (term count) of every field of every document of the shard}
- f/<shard>.js      {"units": the shard's unit names, "u": each document's units as indexes into
                     "units"}: the unit filter, loaded once the first results show
- i/<shard>/<b>.js  one bucket of a shard's inverted index: the terms whose bucket_of() is b, each
                    with its postings per field (document, term frequency)
- s/<shard>/<c>.js  one store chunk: display data and text of `STORE_CHUNK` consecutive documents
- t2s.js            traditional -> simplified characters (terms.py), loaded only for a query that
                    needs it

What lunr's builder does with these numbers (BM25: idf from the number of field postings of a
term, term frequency, field length against the average field length, field boost, rounded to 3
decimals) search.js does for the few terms of a query, with the totals of the whole archive: the
weights it hands lunr.js are those of one lunr index built over every article (tests/search_site.py
computes the same numbers in Python and holds them against lunr.py).
Shipping term frequencies instead of weights keeps a shard's files independent of every other
shard: a new issue rewrites only the newest shard and the manifest. Term frequencies are also
smaller than weights (mostly 1).

Shards are runs of whole years in date order, packed up to `SHARD_DOCS` documents (a bigger year
is cut in consecutive parts); the latest year, where new issues go, is cut into blocks of
`BLOCK_DOCS` documents, so a new issue changes only the last block (`group_shards`). Buckets split
each shard by term, so a query fetches only the buckets of its own terms.

Build cost: a shard whose documents did not change is read back from the cache (one pickle of its
files). The terms of each document (jieba, pinyin, bigrams: the expensive part) are cached too, by
document text, so rebuilding the newest shard only counts and writes postings.
"""
from __future__ import annotations

import hashlib
import importlib
import json
import multiprocessing
import os
import pickle
import re
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..lang.segment import get_jieba
from ..records import SearchDoc
from . import terms as T

FORMAT_VERSION = 3
DATA_GLOBAL = "bulletinSearchData"
# (field, boost): a title match outranks a body that mentions the words a few times.
# "chars": the single characters of the title and names, for one-character queries (毒, a surname),
# kept out of the title field so that its length, and every title weight, stays that of its words.
FIELDS = (("title", 10), ("subheads", 3), ("body", 1), ("unit", 3), ("tags", 3), ("people", 3),
          ("pinyin", 2), ("chars", 2))
FIELD_COUNT = len(FIELDS)
K1, B = 1.2, 0.75  # lunr's BM25 defaults
SHARD_DOCS = 1200
# The latest year's blocks: 30 documents make 8 to 32 buckets (so many files does a new issue
# rewrite), and a query of the latest year fetches a few small files from each block.
BLOCK_DOCS = 30
STORE_CHUNK = 4
POSTINGS_PER_BUCKET = 1500  # about 4 KB of script, 2 KB gzip
PARALLEL_MIN_DOCS = 300  # below this, starting worker processes costs more than it saves
_YEAR = re.compile(r"^(\d{4})")
UNDATED = "undated"


# --- terms of a document -----------------------------------------------------------------------

@lru_cache(maxsize=1 << 16)
def _words(text: str) -> tuple[str, ...]:
    return tuple(get_jieba().cut(text, HMM=False)) if text else ()


@lru_cache(maxsize=1 << 14)
def _word_terms(text: str) -> tuple[str, ...]:
    """Base terms plus jieba words of 3+ characters (short fields only: title, subheads, unit)."""
    return tuple(T.base_terms(text) + T.dictionary_terms(list(_words(text))))


@lru_cache(maxsize=1 << 14)
def _name_terms(name: str) -> tuple[str, ...]:
    """Tags and names are words already: indexed whole as well as by bigrams."""
    found = T.base_terms(name)
    whole = T.normalize(name)
    if len(whole) >= 3 and T.is_cjk_word(whole):
        found.append(whole)
    found.extend(T.dictionary_terms(list(_words(name))))
    return tuple(found)


@lru_cache(maxsize=1 << 16)
def _pinyin_term(word: str) -> tuple[str, ...]:
    from pypinyin import lazy_pinyin  # loaded only when a document is indexed (not in a cached build)

    return tuple(T.pinyin_terms([word], lambda w: lazy_pinyin(w, errors="ignore")))


def _unit_names(doc: SearchDoc) -> list[str]:
    """The main unit, every other unit the article mentions, then their registry aliases."""
    return [n for n in dict.fromkeys([doc.unit or "", *doc.units, *doc.unit_aliases]) if n]


def field_terms(doc: SearchDoc) -> dict[str, list[str]]:
    """The terms of each indexed field of one document (with repeats: term frequency counts)."""
    title_words = _words(doc.title)
    unit = doc.unit or ""
    others = [n for n in _unit_names(doc) if n != unit]
    pinyin_words = title_words + _words(unit) + tuple(doc.tags) + tuple(doc.people)
    return {
        "title": T.base_terms(doc.title) + T.dictionary_terms(list(title_words)),
        "subheads": [t for s in doc.subheads for t in _word_terms(s)],
        "body": T.base_terms(doc.text),
        "unit": list(_word_terms(unit)) + [t for name in others for t in _name_terms(name)],
        "tags": [t for name in doc.tags for t in _name_terms(name)],
        "people": [t for name in doc.people for t in _name_terms(name)],
        "pinyin": [t for word in pinyin_words for t in _pinyin_term(word)],
        "chars": list(dict.fromkeys(T.unigrams(" ".join([doc.title, unit, *doc.tags, *doc.people])))),
    }


# DocTerms: (field lengths, term -> frequency per field), fields in FIELDS order. The frequency
# dicts keep the order of first occurrence, as lunr's builder sees the terms.
DocTerms = tuple[tuple[int, ...], tuple[dict[str, int], ...]]


def doc_terms(doc: SearchDoc) -> DocTerms:
    found = field_terms(doc)
    lists = [found[name] for name, _ in FIELDS]
    return tuple(map(len, lists)), tuple(dict(Counter(terms)) for terms in lists)


def _terms_key(doc: SearchDoc) -> str:
    """Everything the terms of a document depend on besides the code and jieba's dictionary."""
    text = "\x1f".join([doc.title, doc.unit or "", "\x1e".join(doc.tags), "\x1e".join(doc.people),
                        "\x1e".join(doc.subheads), doc.text, "\x1e".join(doc.units), "\x1e".join(doc.unit_aliases)])
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


# --- shards -------------------------------------------------------------------------------------

def _year_of(doc: SearchDoc) -> str:
    match = _YEAR.match(doc.date or "")
    return match.group(1) if match else UNDATED


def group_shards(docs: list[SearchDoc]) -> dict[str, list[SearchDoc]]:
    """Shard id -> its documents in date order.

    Years before the archive's latest are closed: consecutive ones are packed into one shard up to
    SHARD_DOCS documents ("2006-2007"), a year above SHARD_DOCS is cut into consecutive parts
    ("2023.1", "2023.2"). Packing runs from the oldest year, so that a closed year's shard stays as
    it is while issues are added. The latest year is where new issues go: it is cut into blocks of
    BLOCK_DOCS documents ("2025.b1", "2025.b2"; beyond SHARD_DOCS documents, full parts first:
    "2025.1", "2025.2b1"), so that a new issue rewrites the buckets of one small block instead of
    every bucket of a shard of SHARD_DOCS documents (a new issue's thousands of distinct terms
    fall into almost every bucket of whatever shard holds it). When the next year's first issue
    comes, the year is closed and packed like the others. Undated documents have a shard of
    their own."""
    by_year: dict[str, list[SearchDoc]] = defaultdict(list)
    for doc in docs:
        by_year[_year_of(doc)].append(doc)
    latest = max((year for year in by_year if year != UNDATED), default=None)
    shards: dict[str, list[SearchDoc]] = {}
    years: list[str] = []
    pending: list[SearchDoc] = []

    def close() -> None:
        if years:
            shards[years[0] if len(years) == 1 else f"{years[0]}-{years[-1]}"] = list(pending)
            years.clear()
            pending.clear()

    for year in sorted(by_year, key=lambda y: (y == UNDATED, y)):
        year_docs = sorted(by_year[year], key=lambda d: (d.date or "", d.url))
        if year == latest:
            close()
            shards.update(_open_year_shards(year, year_docs))
            continue
        if year == UNDATED or len(year_docs) > SHARD_DOCS or len(pending) + len(year_docs) > SHARD_DOCS:
            close()
        if len(year_docs) > SHARD_DOCS:
            for part, start in enumerate(range(0, len(year_docs), SHARD_DOCS), start=1):
                shards[f"{year}.{part}"] = year_docs[start:start + SHARD_DOCS]
            continue
        years.append(year)
        pending.extend(year_docs)
        if year == UNDATED:
            close()
    close()
    return shards


def _open_year_shards(year: str, year_docs: list[SearchDoc]) -> dict[str, list[SearchDoc]]:
    """The latest year: full parts of SHARD_DOCS documents, then the rest in blocks of BLOCK_DOCS.
    Every boundary counts from the year's first document, so issues added at the end never move
    one: only the last block changes (or a new one opens)."""
    shards: dict[str, list[SearchDoc]] = {}
    full = len(year_docs) // SHARD_DOCS if len(year_docs) > SHARD_DOCS else 0
    for part in range(full):
        shards[f"{year}.{part + 1}"] = year_docs[part * SHARD_DOCS:(part + 1) * SHARD_DOCS]
    rest = year_docs[full * SHARD_DOCS:]
    prefix = f"{year}.{full + 1}b" if full else f"{year}.b"
    for block, start in enumerate(range(0, len(rest), BLOCK_DOCS), start=1):
        shards[f"{prefix}{block}"] = rest[start:start + BLOCK_DOCS]
    return shards


@lru_cache(maxsize=1 << 19)
def _term_hash(term: str) -> int:
    return T.fnv1a(T.bucket_key(term))


def _encode(postings: list[int]) -> list[int]:
    """[doc, tf, doc, tf, …] (docs ascending) -> doc gaps, each preceded by -tf when tf > 1."""
    out: list[int] = []
    previous = 0
    for i in range(0, len(postings), 2):
        doc, tf = postings[i], postings[i + 1]
        if tf > 1:
            out.append(-tf)
        out.append(doc - previous)
        previous = doc
    return out


def decode(encoded: list[int]) -> list[tuple[int, int]]:
    """Inverse of `_encode` (search.js reads the same way): [(doc, tf), …]."""
    found, doc, tf = [], 0, 1
    for value in encoded:
        if value < 0:
            tf = -value
            continue
        doc += value
        found.append((doc, tf))
        tf = 1
    return found


def _buckets(all_terms: list[DocTerms]) -> list[list]:
    """The shard's inverted index cut into buckets: [[term, field, encoded postings, …], …], the
    postings encoded as `_encode` does (written in one pass here: this loop runs once per posting)."""
    entries: dict[str, list] = {}
    total = 0
    for f in range(FIELD_COUNT):
        lists: dict[str, list[int]] = {}  # term -> [previous doc, encoded postings…]
        for doc, (_, counts) in enumerate(all_terms):
            field_counts = counts[f]
            total += len(field_counts)
            for term, tf in field_counts.items():
                found = lists.get(term)
                if found is None:
                    lists[term] = found = [doc]
                    entry = entries.get(term)
                    if entry is None:
                        entries[term] = [term, f, found]
                    else:
                        entry += (f, found)
                    gap = doc
                else:
                    gap = doc - found[0]
                    found[0] = doc
                if tf > 1:
                    found.append(-tf)
                found.append(gap)
        for found in lists.values():
            del found[0]
    bucket_count = 1
    while total / bucket_count > POSTINGS_PER_BUCKET:
        bucket_count *= 2
    buckets: list[list] = [[] for _ in range(bucket_count)]
    for term in sorted(entries):
        buckets[_term_hash(term) % bucket_count].append(entries[term])
    return buckets


def _store_record(doc: SearchDoc) -> list:
    """Display data, plus the other searchable text (for checking that a phrase really occurs: unit
    aliases included). An eighth element 1 says the record holds traditional characters: the browser
    then loads the folding table before it checks or highlights the record."""
    extra = " ".join(list(doc.subheads) + list(doc.tags) + list(doc.people)
                     + [n for n in _unit_names(doc) if n != doc.unit])
    record = [doc.url, doc.title, doc.issue_label, doc.date, doc.unit, doc.text, extra]
    if _has_traditional(doc.title + doc.text + extra + (doc.unit or "")):
        record.append(1)
    return record


def _has_traditional(text: str) -> bool:
    table = T.t2s_table()
    return any(char in table for char in set(text))


def _script(key: str, data) -> bytes:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (f'(window.{DATA_GLOBAL}=window.{DATA_GLOBAL}||{{}})["{key}"]={payload};\n').encode("utf-8")


@dataclass
class ShardOutput:
    docs: int
    buckets: int
    chunks: int
    lengths: list[int]  # summed length of each field over the shard's documents
    years: list[list]  # [[year, documents], …] in the shard's (date) order
    files: dict[str, bytes]  # site-relative path -> script


def build_shard(shard_id: str, docs: list[SearchDoc], all_terms: list[DocTerms]) -> ShardOutput:
    files: dict[str, bytes] = {}
    buckets = _buckets(all_terms)
    for number, bucket in enumerate(buckets):
        key = f"i/{shard_id}/{number}"
        files[f"search/{key}.js"] = _script(key, bucket)
    lengths = [n for field_lengths, _ in all_terms for n in field_lengths]
    unit_names = sorted({name for doc in docs for name in _facet_units(doc)})
    unit_ids = {name: number for number, name in enumerate(unit_names)}
    files[f"search/n/{shard_id}.js"] = _script(f"n/{shard_id}", {"l": lengths})
    files[f"search/f/{shard_id}.js"] = _script(f"f/{shard_id}", {
        "units": unit_names, "u": [[unit_ids[n] for n in _facet_units(doc)] for doc in docs]})
    chunks = range(0, len(docs), STORE_CHUNK)
    for number, start in enumerate(chunks):
        key = f"s/{shard_id}/{number}"
        files[f"search/{key}.js"] = _script(key, [_store_record(doc) for doc in docs[start:start + STORE_CHUNK]])
    sums = [sum(lengths[f::FIELD_COUNT]) for f in range(FIELD_COUNT)]
    years: list[list] = []
    for doc in docs:
        if years and years[-1][0] == _year_of(doc):
            years[-1][1] += 1
        else:
            years.append([_year_of(doc), 1])
    return ShardOutput(docs=len(docs), buckets=len(buckets), chunks=len(chunks), lengths=sums, years=years,
                       files=files)


def _facet_units(doc: SearchDoc) -> list[str]:
    """The units the unit filter offers for a document: the main one and every one it mentions."""
    return [n for n in dict.fromkeys([doc.unit or "", *doc.units]) if n]


# --- caches: a shard whose documents did not change is not rebuilt; a document whose text did not
# change is not segmented again ------------------------------------------------------------------

def _settings_salt() -> bytes:
    """Changes with anything that changes the search files of unchanged documents: the index
    settings, the code that makes terms and files, jieba's dictionary and the words the project adds
    to it, pypinyin. (Cheap: loading jieba only to check its dictionary would cost a cached build
    half a second.)"""
    import jieba
    import pypinyin

    from ..lang import segment

    sources = [Path(__file__), Path(T.__file__), Path(segment.__file__), T.T2S_TABLE]
    dictionary = Path(jieba.__file__).with_name("dict.txt").stat()
    return json.dumps([FORMAT_VERSION, FIELDS, SHARD_DOCS, BLOCK_DOCS, STORE_CHUNK, POSTINGS_PER_BUCKET,
                       jieba.__version__, dictionary.st_size, dictionary.st_mtime_ns, pypinyin.__version__,
                       sorted(segment.domain_vocabulary()),
                       [hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest() for path in sources]],
                      ensure_ascii=False).encode()


def _shard_fingerprint(salt: bytes, shard_id: str, docs: list[SearchDoc]) -> str:
    """Everything of the shard's documents (fields joined with control characters, which the
    content never holds: much faster than serialising each document)."""
    digest = hashlib.blake2b(salt, digest_size=16)
    digest.update(shard_id.encode())
    digest.update("\x1d".join("\x1f".join([
        doc.url, doc.title, doc.issue_label, "\x00" if doc.date is None else doc.date,
        "\x00" if doc.unit is None else doc.unit, "\x1e".join(doc.tags), "\x1e".join(doc.people),
        "\x1e".join(doc.subheads), doc.text, "\x1e".join(doc.units), "\x1e".join(doc.unit_aliases)])
        for doc in docs).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _read_pickle(path: Path):
    try:
        return pickle.loads(path.read_bytes())
    except Exception:  # missing, damaged or from another Python: rebuilt
        return None


def _shard_path(cache_dir: Path, shard_id: str, fingerprint: str) -> Path:
    return cache_dir / "shards" / f"{shard_id}~{fingerprint}.pickle"


def _store_shard(cache_dir: Path, shard_id: str, fingerprint: str, output: ShardOutput) -> None:
    """Cache a shard's files, dropping the shard's earlier versions (one file per shard id stays,
    so the cache does not grow with every new issue)."""
    path = _shard_path(cache_dir, shard_id, fingerprint)
    _atomic_write(path, pickle.dumps(output, protocol=pickle.HIGHEST_PROTOCOL))
    for old in path.parent.glob(f"{shard_id}~*.pickle"):
        if old != path:
            old.unlink(missing_ok=True)


def _terms_path(cache_dir: Path, year: str) -> Path:
    return cache_dir / "terms" / f"{year}.pickle"


def _cached_output(cache_dir: Path | None, shard_id: str, fingerprint: str) -> ShardOutput | None:
    if cache_dir is None:
        return None
    found = _read_pickle(_shard_path(cache_dir, shard_id, fingerprint))
    return found if isinstance(found, ShardOutput) else None


def _shard_terms(docs: list[SearchDoc], cache_dir: Path | None, salt: bytes, whole_years: set[str]
                 ) -> list[DocTerms]:
    """The terms of each document, from the per-year term cache where the text is unchanged. The
    cache of a year then holds exactly that year's current documents (a year cut in parts keeps
    the entries of its other parts too)."""
    if cache_dir is None:
        return [doc_terms(doc) for doc in docs]
    years: dict[str, list[int]] = defaultdict(list)
    for position, doc in enumerate(docs):
        years[_year_of(doc)].append(position)
    found: list = [None] * len(docs)
    for year, positions in years.items():
        path = _terms_path(cache_dir, year)
        cached = _read_pickle(path)
        if not (isinstance(cached, dict) and cached.get("salt") == salt):
            cached = {"salt": salt, "docs": {}}
        known = cached["docs"]
        fresh = {} if year in whole_years else dict(known)
        changed = year not in whole_years
        for position in positions:
            key = _terms_key(docs[position])
            terms = known.get(key)
            if terms is None:
                terms = doc_terms(docs[position])
                changed = True
            fresh[key] = found[position] = terms
        if changed or len(fresh) != len(known):
            _atomic_write(path, pickle.dumps({"salt": salt, "docs": fresh}, protocol=pickle.HIGHEST_PROTOCOL))
    return found


def _build_and_store(shard_id: str, docs: list[SearchDoc], cache_dir: Path | None, salt: bytes,
                     whole_years: set[str], fingerprint: str) -> ShardOutput:
    output = build_shard(shard_id, docs, _shard_terms(docs, cache_dir, salt, whole_years))
    if cache_dir is not None:
        _store_shard(cache_dir, shard_id, fingerprint, output)
    return output


_FORKED: dict = {}  # what worker processes inherit (fork): the shards to build


def _forked_build(shard_id: str) -> ShardOutput:
    job = _FORKED[shard_id]
    return _build_and_store(shard_id, *job)


def _build_missing(missing: dict[str, tuple]) -> dict[str, ShardOutput]:
    """Build shards on every core when there is enough work to pay for the worker processes.
    `missing`: shard id -> (docs, cache_dir, salt, whole_years, fingerprint)."""
    work = sum(len(job[0]) for job in missing.values())
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if len(missing) < 2 or work < PARALLEL_MIN_DOCS or cores < 2:
        return {shard_id: _build_and_store(shard_id, *job) for shard_id, job in missing.items()}
    get_jieba().load_for_workers()  # loaded once here, with pypinyin: forked workers inherit them
    importlib.import_module("pypinyin")
    _FORKED.clear()
    _FORKED.update(missing)
    try:
        order = sorted(missing, key=lambda s: -len(missing[s][0]))  # biggest first: even finish
        with ProcessPoolExecutor(max_workers=min(cores, len(missing)),
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            futures = {shard_id: pool.submit(_forked_build, shard_id) for shard_id in order}
            return {shard_id: futures[shard_id].result() for shard_id in missing}
    finally:
        _FORKED.clear()


def t2s_script() -> bytes:
    """The folding table as one string of pairs (traditional, simplified)."""
    return _script("t2s", "".join(t + s for t, s in T.t2s_table().items()))


def build_index_files(docs: list[SearchDoc], cache_dir: Path | None = None,
                      synonyms: dict[str, list[str]] | None = None) -> dict[str, bytes]:
    """Every search/ file of the site: manifest, lengths, index buckets, store chunks, the folding
    table. `synonyms`: query word -> forms (synonyms.py), shipped in the manifest."""
    grouped = group_shards(docs)
    salt = _settings_salt() if cache_dir is not None else b""
    split_years = {shard_id.split(".")[0] for shard_id in grouped if "." in shard_id}
    outputs: dict[str, ShardOutput | None] = {}
    missing: dict[str, tuple] = {}
    for shard_id, shard_docs in grouped.items():
        fingerprint = _shard_fingerprint(salt, shard_id, shard_docs)
        outputs[shard_id] = _cached_output(cache_dir, shard_id, fingerprint)
        if outputs[shard_id] is None:
            whole_years = {_year_of(d) for d in shard_docs} - split_years
            missing[shard_id] = (shard_docs, cache_dir, salt, whole_years, fingerprint)
    outputs.update(_build_missing(missing))
    files: dict[str, bytes] = {}
    shards = []
    totals = [0] * FIELD_COUNT
    for shard_id, output in outputs.items():
        files.update(output.files)
        shards.append({"id": shard_id, "docs": output.docs, "buckets": output.buckets,
                       "chunk": STORE_CHUNK, "chunks": output.chunks, "years": output.years})
        totals = [a + b for a, b in zip(totals, output.lengths)]
    manifest = {"version": FORMAT_VERSION, "fields": [name for name, _ in FIELDS],
                "boosts": [boost for _, boost in FIELDS], "k1": K1, "b": B,
                "docs": sum(s["docs"] for s in shards), "lengths": totals, "shards": shards,
                "synonyms": [[key, forms] for key, forms in sorted((synonyms or {}).items())]}
    files["search/manifest.js"] = _script("manifest", manifest)
    files["search/t2s.js"] = t2s_script()
    return files
