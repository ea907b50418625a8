"""Titles for items printed without a headline: a short real phrase from the first sentence."""
from __future__ import annotations

import re
from functools import lru_cache

MAX_TITLE_CHARS = 22
KEEP_WHOLE_CHARS = 26  # a clause up to this long reads better whole than cut
MIN_CLAUSE_CHARS = 6
# A title comes from the first sentence; reading further only costs time (a seed line of megabytes
# without punctuation would otherwise be scanned and segmented whole).
TITLE_SOURCE_CHARS = 400
_SENTENCE_END = "。！？!?"
_CLAUSE_BREAK = "，；：,;:"
_OPEN_QUOTES, _CLOSE_QUOTES = "“‘「『《（(", "”’」』》）)"
# Words a title must not end on: they leave the phrase hanging.
# Clauses that only set the time ("近日", "2022年春节期间") say nothing about the story.
_TIME_CLAUSE = re.compile(r"(近日|日前|近期|目前|当天|当日|今年|去年|期间|假期|以来|前夕|之际|\d+[年月日时])$")
_DANGLING = set("的了在和与及对为将把被等向从给以于并其之或而且也都就")


@lru_cache(maxsize=1)
def _tokenizer():
    from ..lang.segment import get_jieba

    return get_jieba()


def _clauses(paragraph: str) -> list[str]:
    """Clauses of the first sentence, never breaking inside quotes or brackets."""
    clauses, current, depth = [], "", 0
    for char in paragraph:
        if char in _OPEN_QUOTES:
            depth += 1
        elif char in _CLOSE_QUOTES:
            depth = max(0, depth - 1)
        if depth == 0 and (char in _CLAUSE_BREAK or char in _SENTENCE_END):
            clauses.append(current.strip())
            current = ""
            if char in _SENTENCE_END:
                break
            continue
        current += char
    if current.strip():
        clauses.append(current.strip())
    return [c for c in clauses if c]


def _balanced(text: str) -> bool:
    return all(text.count(o) == text.count(c) for o, c in zip(_OPEN_QUOTES, _CLOSE_QUOTES))


def _shorten(clause: str) -> str:
    """Cut a long clause at the last word boundary that keeps it short, whole and balanced."""
    words = list(_tokenizer().cut(clause))
    best = ""
    text = ""
    for word in words:
        text += word
        if len(text) > MAX_TITLE_CHARS:
            break
        if len(text) >= MIN_CLAUSE_CHARS and _balanced(text) and text[-1] not in _DANGLING:
            best = text
    return best or clause[:MAX_TITLE_CHARS]


def generate_title(paragraph: str) -> str:
    paragraph = re.sub(r"^图[\u2460-\u2473\d]\s*", "", paragraph.strip()[:TITLE_SOURCE_CHARS])
    clauses = _clauses(paragraph)
    if not clauses:
        return paragraph[:MAX_TITLE_CHARS] or "无题"
    candidates = [c for c in clauses if len(c) >= MIN_CLAUSE_CHARS and c[0] not in _OPEN_QUOTES[:2]
                  and not _TIME_CLAUSE.search(c)]
    clause = candidates[0] if candidates else max(clauses, key=len)
    return clause if len(clause) <= KEEP_WHOLE_CHARS else _shorten(clause)
