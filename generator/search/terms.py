"""Search terms: the rules shared by the index (Python) and the query side (search.js).

The browser has no jieba, so every term a query can produce must be derivable without a
dictionary: CJK character bigrams, Latin/number tokens, pinyin words (Latin). The index side adds
jieba words of 3+ characters on top; the browser offers a whole CJK run as an optional term, which
matches exactly those words and lifts articles that use the phrase as a word.

search.js mirrors `normalize`, `split_runs` and `bucket_of`, and builds its query from them
(`queryTerms`; its Python port, used by the tests only, is tests/query_port.py); the tests run both
on the same strings, in Node, to keep them in step.

Traditional characters fold to simplified (`normalize`, table generator/data/t2s.txt made from
OpenCC's data by make_t2s.py) on both sides: an article printed in 繁体 is indexed as simplified,
and the browser folds a query once it has loaded the table (only when a term found nothing).
"""
from __future__ import annotations

import operator
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .make_t2s import TABLE as T2S_TABLE
from .make_t2s import read_table

# CJK Unified Ideographs (+ extension A, compatibility ideographs) and the ideographic zero.
CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3007"
_RUN = re.compile(f"([{CJK_CLASS}]+)|([a-z0-9]+)")
_CJK_ONLY = re.compile(f"^[{CJK_CLASS}]+$")
_LATIN_ONLY = re.compile(r"^[a-z0-9]+$")
# Whitespace, spelled out: Python's \s and str.isspace() count U+001C–U+001F and U+0085 and not
# U+FEFF, JavaScript's \s the other way round; search.js uses the same list.
WHITESPACE = "\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_WHITESPACE_CHAR = re.compile(f"[{WHITESPACE}]")


def is_space(char: str) -> bool:
    return bool(_WHITESPACE_CHAR.fullmatch(char))


@lru_cache(maxsize=1)
def t2s_table() -> dict[str, str]:
    return read_table(T2S_TABLE)


def normalize_char(char: str) -> str:
    """NFKC + lower case, one BMP character in, one out, so that offsets in the normalised text are
    offsets in the original (highlighting) in Python and in JavaScript's UTF-16 strings alike."""
    if ord(char) > 0xFFFF:
        return char
    folded = unicodedata.normalize("NFKC", char).lower()
    if not (len(folded) == 1 and ord(folded) <= 0xFFFF):
        lowered = char.lower()
        folded = lowered if len(lowered) == 1 else char
    return t2s_table().get(folded, folded)


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
_INDEX_JOIN = re.compile(f"(?<=[{CJK_CLASS}])[{WHITESPACE}{QUOTE_MARKS}]+(?=[{CJK_CLASS}])")
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


def unigrams(text: str) -> list[str]:
    """Every CJK character of a text (one-character queries: 毒, a one-character surname)."""
    return [char for run in _RUN.findall(normalize(text)) for char in run[0]]


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
