"""Search terms: the rules shared by the index (Python) and the query side (search.js).

The browser has no jieba, so every term a query can produce must be derivable without a
dictionary: CJK character bigrams, Latin/number tokens, pinyin words (Latin). The index side adds
jieba words of 3+ characters on top; the browser offers a whole CJK run as an optional term, which
matches exactly those words and lifts articles that use the phrase as a word.

search.js mirrors `normalize`, `split_runs`, `query_terms` and `bucket_of`; the tests run both on the
same strings to keep them in step.
"""
from __future__ import annotations

import operator
import re
import unicodedata
from dataclasses import dataclass

# CJK Unified Ideographs (+ extension A, compatibility ideographs) and the ideographic zero.
CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3007"
_RUN = re.compile(f"([{CJK_CLASS}]+)|([a-z0-9]+)")
_CJK_ONLY = re.compile(f"^[{CJK_CLASS}]+$")
_LATIN_ONLY = re.compile(r"^[a-z0-9]+$")


def normalize_char(char: str) -> str:
    """NFKC + lower case, one BMP character in, one out, so that offsets in the normalised text are
    offsets in the original (highlighting) in Python and in JavaScript's UTF-16 strings alike."""
    if ord(char) > 0xFFFF:
        return char
    folded = unicodedata.normalize("NFKC", char).lower()
    if len(folded) == 1 and ord(folded) <= 0xFFFF:
        return folded
    lowered = char.lower()
    return lowered if len(lowered) == 1 else char


class _FoldTable(dict):
    """str.translate table filled on first sight of each character (the text loop stays in C)."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = normalize_char(chr(code))
        return folded


_FOLD = _FoldTable()


def normalize(text: str) -> str:
    return text.translate(_FOLD)


@dataclass(frozen=True)
class Run:
    kind: str  # "cjk" | "latin"
    text: str


# Marks that print inside a phrase: 通过“智慧巡防”系统 contains the phrase 智慧巡防系统. Between two
# CJK characters they are dropped, so bigrams span them; anywhere else they separate.
QUOTE_MARKS = "\"'“”‘’《》〈〉「」『』【】〔〕"
# In article text whitespace between CJK characters is a typesetting accident (column breaks,
# hard wraps); in a query it separates keywords, so only the index side drops it.
_INDEX_JOIN = re.compile(f"(?<=[{CJK_CLASS}])[\\s{QUOTE_MARKS}]+(?=[{CJK_CLASS}])")
_QUERY_JOIN = re.compile(f"(?<=[{CJK_CLASS}])[{QUOTE_MARKS}]+(?=[{CJK_CLASS}])")


def split_runs(text: str, *, query: bool = False) -> list[Run]:
    """Normalised text as runs of CJK characters and runs of ASCII letters/digits; the rest separates."""
    joined = (_QUERY_JOIN if query else _INDEX_JOIN).sub("", normalize(text))
    return [Run("cjk", m.group(1)) if m.group(1) else Run("latin", m.group(2))
            for m in _RUN.finditer(joined)]


def bigrams(run: str) -> list[str]:
    return [run[i:i + 2] for i in range(len(run) - 1)]


def is_cjk_word(word: str) -> bool:
    return bool(_CJK_ONLY.match(word))


def dictionary_terms(words: list[str]) -> list[str]:
    """jieba words worth a term of their own: bigrams already cover two-character words."""
    return [word for word in (normalize(w) for w in words) if len(word) >= 3 and is_cjk_word(word)]


def base_terms(text: str) -> list[str]:
    """Dictionary-free terms of a text (with repeats, so term frequency counts): bigrams of every
    CJK run, every Latin/number token. (Same as bigrams over split_runs(text), without building
    Run objects: this runs over every article body.)"""
    terms: list[str] = []
    for cjk, latin in _RUN.findall(_INDEX_JOIN.sub("", normalize(text))):
        if cjk:
            terms.extend(map(operator.add, cjk[:-1], cjk[1:]))
        else:
            terms.append(latin)
    return terms


def pinyin_terms(words: list[str], to_pinyin) -> list[str]:
    """One Latin term per CJK word: its syllables joined (电动车 -> diandongche)."""
    terms = []
    for word in words:
        word = normalize(word)
        if len(word) >= 2 and is_cjk_word(word):
            syllables = to_pinyin(word)
            joined = "".join(syllables).lower()
            if _LATIN_ONLY.match(joined):
                terms.append(joined)
    return terms


@dataclass(frozen=True)
class QueryTerm:
    term: str
    required: bool
    prefix: bool = False  # trailing wildcard (a Latin word still being typed)
    boost: float = 1.0


def query_terms(query: str) -> list[QueryTerm]:
    """Python port of search.js `queryTerms`: what the browser asks lunr for.

    Every bigram and Latin token is required (an article must contain all of them); a CJK run of
    3+ characters is also offered whole, optionally, to favour articles where jieba saw it as a
    word. The last Latin token of a query typed without a trailing space may be an unfinished
    word: it matches as a prefix."""
    runs = split_runs(query, query=True)
    still_typing = bool(query) and not query[-1].isspace()
    terms: list[QueryTerm] = []
    for position, run in enumerate(runs):
        if run.kind == "cjk":
            terms.extend(QueryTerm(b, True) for b in bigrams(run.text))
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


def bucket_key(term: str) -> str:
    """What decides a term's bucket: the whole CJK term; the first two characters of a Latin term,
    so that every completion of a typed prefix sits in the prefix's bucket."""
    return term if is_cjk_word(term) else term[:2]


def fnv1a(text: str) -> int:
    """32-bit FNV-1a over code points (search.js computes the same with Math.imul)."""
    value = 0x811C9DC5
    for char in text:
        value ^= ord(char)
        value = (value * 0x01000193) & 0xFFFFFFFF
    return value


def bucket_of(term: str, bucket_count: int) -> int:
    return fnv1a(bucket_key(term)) % bucket_count
