"""Python port of search.js `queryTerms` (what the browser asks lunr for), for the tests only: the
tests hold it against search.js on many strings (tests/test_search_reader.py, in Node) and use it to
check that every query term is an index term.
"""
from __future__ import annotations

from dataclasses import dataclass

from generator.search import terms as T


@dataclass(frozen=True)
class QueryTerm:
    term: str
    required: bool
    prefix: bool = False  # trailing wildcard (a Latin word still being typed)
    boost: float = 1.0


def query_terms(query: str) -> list[QueryTerm]:
    """Every bigram and Latin token is required (an article must contain all of them); a CJK run of
    3+ characters is also offered whole, optionally, to favour articles where jieba saw it as a
    word; a lone CJK character is one required term (the "chars" field). The last Latin token of a
    query typed without a trailing space may be an unfinished word: it matches as a prefix."""
    runs = T.split_runs(query, query=True)
    still_typing = bool(query) and not T.is_space(query[-1])
    terms: list[QueryTerm] = []
    for position, run in enumerate(runs):
        if run.kind == "cjk" and len(run.text) == 1:
            terms.append(QueryTerm(run.text, True))
        elif run.kind == "cjk":
            terms.extend(QueryTerm(b, True) for b in T.bigrams(run.text))
            if len(run.text) >= 3:
                terms.append(QueryTerm(run.text, False, boost=2.0))
        else:
            last = position == len(runs) - 1
            prefix = last and still_typing and not run.text.isdigit() and len(run.text) >= 2
            terms.append(QueryTerm(run.text, True, prefix=prefix))
    seen: set[tuple] = set()
    unique = []
    for term in terms:
        key = (term.term, term.prefix)
        if key not in seen:
            seen.add(key)
            unique.append(term)
    return unique
