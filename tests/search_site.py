"""Helpers for the search tests: a built site from the real seeds, and a brute-force reference search.

The site is built by the real renderer from content imported from the seeds. While the importer
cannot run (it is being written), the content is made from the seeds' paragraphs directly, in the
documented content format, so that the search is still exercised on real text.
"""
from __future__ import annotations

import shutil
from collections import Counter
from math import log
from pathlib import Path

from generator.content import format_article, markdown_to_blocks
from generator.records import Article, SearchDoc
from generator.search import terms as T
from generator.search.indexer import B, FIELD_COUNT, FIELDS, K1, DocTerms, doc_terms

INJECTED_TITLE = "<script>alert('x')</script> 注入标题测试"


def import_real_content(seeds_dir: Path, root: Path) -> Path:
    """The real seeds imported by the importer into `root/content`."""
    from generator.pipeline import import_seeds

    content = root / "content"
    shutil.copytree(seeds_dir, root / "seeds")
    report = import_seeds(root / "seeds", content, project_root=root)
    assert not report.problems, report.problems
    return content



def add_injected_article(content: Path) -> None:
    """An article whose title and body carry markup: the results must show it as text."""
    issue_dir = sorted(p for p in content.iterdir() if p.is_dir())[-1]
    orders = [int(p.name[:2]) for p in issue_dir.glob("*.md") if p.name[:2].isdigit()]
    article = Article(
        title=INJECTED_TITLE, title_generated=False, kicker=None, unit=None, issue=issue_dir.name,
        order=max(orders) + 1, kind="article", reporters=[], correspondents=[], photographers=[],
        tags=[], date=None, source="seeds/injected.txt", source_lines=[1, 1],
        body="正文里也有 <b>标记</b> 与 <script>document.title='x'</script> 注入标题测试的文字。\n")
    path = issue_dir / f"{article.order:02d}-injected.md"
    path.write_text(format_article(article), encoding="utf-8")


def searchable_text(article: Article) -> str:
    blocks = markdown_to_blocks(article.body)
    names = article.reporters + article.correspondents + article.photographers
    return "\n".join([article.title, article.unit or ""] + [b.text for b in blocks] + article.tags + names)


def compact(text: str) -> str:
    """The text as the index sees phrases: normalised, quote marks and spaces between CJK dropped."""
    return T._INDEX_JOIN.sub("", T.normalize(text))


def query_forms(query: str) -> list[str]:
    """The query and its synonym forms (search.js queryVariants, with the project's table)."""
    from generator.search.synonyms import load_synonyms, synonym_files

    norm, forms = T.normalize(query), [query]
    for key, replacements in load_synonyms(synonym_files()).items():
        at = norm.find(key)
        if at != -1:
            forms += [f"{norm[:at]} {form} {norm[at + len(key):]}" for form in replacements]
    return forms


def expected_titles(articles: list[Article], query: str) -> set[str]:
    """Brute force: titles of the articles that contain, for the query or one of its synonym forms,
    every CJK run as a phrase and every Latin/number word as a whole word."""
    found = set()
    for form in query_forms(query):
        runs = T.split_runs(form, query=True)
        for article in articles:
            text = searchable_text(article)
            phrases = compact(text)
            words = {r.text for r in T.split_runs(text) if r.kind == "latin"}
            if all((r.text in phrases) if r.kind == "cjk" else (r.text in words) for r in runs):
                found.add(article.title)
    return found


def lunr_py_index(docs):
    """lunr.py's own index (its builder, not the generator's writer) of `docs`, refs numbered in order."""
    from lunr.builder import Builder

    from generator.search import indexer

    builder = Builder()
    builder.pipeline.reset()
    builder.search_pipeline.reset()
    builder.ref("id")
    for name, boost in indexer.FIELDS:
        builder.field(name, boost=boost)
    for number, doc in enumerate(docs):
        builder.add({"id": str(number), **indexer.field_terms(doc)})
    return builder.build()


# --- the numbers lunr computes (the reference search.js is held against) ----------------------------

def lunr_idf(postings: int, documents: int) -> float:
    """lunr.idf: `postings` counts (document, field) pairs holding the term."""
    return log(1 + abs((documents - postings + 0.5) / (postings + 0.5)))


def lunr_weight(idf: float, tf: int, length: int, average: float, boost: float) -> float:
    """One element of a lunr field vector, computed as lunr's builder does (same operations in the
    same order, rounded to 3 decimals)."""
    score = idf * ((K1 + 1) * tf) / (K1 * (1 - B + B * (length / average)) + tf)
    score *= boost
    score *= 1  # document boost
    return round(score, 3)


def lunr_weights(all_terms: list[DocTerms]) -> dict[str, dict[tuple[str, int], float]]:
    """field ref ("field/doc number") -> {term: weight}: the field vectors a lunr builder makes of
    these documents, from their term counts alone."""
    documents = len(all_terms)
    sums = [sum(lengths[f] for lengths, _ in all_terms) for f in range(FIELD_COUNT)]
    averages = [s / documents for s in sums]
    df: Counter = Counter()
    for _, counts in all_terms:
        for field_counts in counts:
            df.update(field_counts.keys())
    idf = {term: lunr_idf(n, documents) for term, n in df.items()}
    vectors: dict[str, dict[str, float]] = {}
    for number, (lengths, counts) in enumerate(all_terms):
        for f, (name, boost) in enumerate(FIELDS):
            vectors[f"{name}/{number}"] = {
                term: lunr_weight(idf[term], tf, lengths[f], averages[f], boost)
                for term, tf in counts[f].items()}
    return vectors


def lunr_index_json(docs: list[SearchDoc]) -> dict:
    """The serialized lunr 2.3.9 index (what lunr.py's `Index.serialize()` writes) of these
    documents, refs "0", "1", …, written from their term counts without lunr's builder."""
    all_terms = [doc_terms(doc) for doc in docs]
    vectors = lunr_weights(all_terms)
    term_index: dict[str, int] = {}
    postings: dict[str, dict] = {}
    for number, (_, counts) in enumerate(all_terms):
        for f, (name, _) in enumerate(FIELDS):
            for term in counts[f]:
                if term not in term_index:
                    term_index[term] = len(term_index)
                    postings[term] = {field: {} for field, _ in FIELDS}
                postings[term][name][str(number)] = {}
    field_vectors = []
    for number in range(len(docs)):
        for name, _ in FIELDS:
            ref = f"{name}/{number}"
            elements = sorted((term_index[t], w) for t, w in vectors[ref].items())
            field_vectors.append([ref, [x for pair in elements for x in pair]])
    inverted = [[term, {"_index": term_index[term], **postings[term]}] for term in sorted(postings)]
    return {"version": "2.3.9", "fields": [name for name, _ in FIELDS], "fieldVectors": field_vectors,
            "invertedIndex": inverted, "pipeline": []}


def wait_settled(page) -> str:
    """Wait until the search page is done (its state is no longer 'loading'); return the state."""
    page.wait_for_function("() => { const r = document.querySelector('[data-search-page]');"
                           " return r && r.dataset.searchState !== 'loading'; }")
    return page.get_attribute("[data-search-page]", "data-search-state")
