"""Readable ASCII slugs made from pinyin: `金乡县公安局` -> `jinxiangxian-gonganju`.

One slug function for content file names and site URLs.
"""
from __future__ import annotations

import importlib
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from ..caches import Memo, package_versions, source_digest

# Slugs of names seen before, kept between builds: see cache.Memo.
SLUG_MEMO = Memo("slugs", source_digest(Path(__file__)) + package_versions("pypinyin", "jieba"))

MAX_SLUG_LENGTH = 60
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=1)
def _tokenizer():
    # A private jieba tokenizer with jieba's own dictionary only: the words other stages teach
    # jieba (topics.yml) would move word boundaries, and with them file names and URLs.
    from .segment import plain_tokenizer

    return plain_tokenizer()


def load_slug_tools() -> None:
    """Load the slugs' tokenizer and pypinyin now (before worker processes fork)."""
    _tokenizer().load_for_workers()
    importlib.import_module("pypinyin")  # loaded once, inherited by the workers


@lru_cache(maxsize=1 << 16)  # the same words recur in thousands of titles and names
def _word_slug(word: str) -> str:
    if _HAN.search(word):
        from pypinyin import Style, lazy_pinyin

        word = "".join(lazy_pinyin(word, style=Style.NORMAL, errors="default"))
    word = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode("ascii").lower()
    return _NON_SLUG.sub("-", word).strip("-")


def slugify(text: str, fallback: str = "item", *, compact: bool = False) -> str:
    """Readable ASCII slug: one pinyin run per Chinese word, hyphens between words.

    `金乡县公安局` -> `jinxiangxian-gonganju`; Latin letters and digits are kept. `compact`
    treats every run of Chinese as one word (person names: `曹梦溪` -> `caomengxi`).
    """
    return SLUG_MEMO.get((text, fallback, compact), lambda: _slugify(text, fallback, compact))


def _slugify(text: str, fallback: str, compact: bool) -> str:
    text = text or ""
    if compact:
        words = re.split(r"(\s+)", text)
    elif _HAN.search(text):
        words = _tokenizer().lcut(text, HMM=False)
    else:
        words = [text]
    parts = [p for p in (_word_slug(w) for w in words) if p]
    slug = re.sub(r"-{2,}", "-", "-".join(parts)).strip("-")
    if len(slug) > MAX_SLUG_LENGTH:
        slug = slug[:MAX_SLUG_LENGTH].rsplit("-", 1)[0] or slug[:MAX_SLUG_LENGTH]
    return slug or fallback
