"""Readable ASCII slugs made from pinyin: `加强作风建设` -> `jiaqiang-zuofeng-jianshe`."""
from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

MAX_SLUG_LENGTH = 60


@lru_cache(maxsize=1)
def _tokenizer():
    from .enrich.segment import get_jieba

    return get_jieba()


def _word_to_ascii(word: str) -> str:
    if re.search(r"[\u3400-\u9fff]", word):
        return "".join(lazy_pinyin(word, style=Style.NORMAL, errors="ignore")).lower()
    return re.sub(r"[^a-z0-9]+", "-", word.lower()).strip("-")


def slugify(text: str, max_length: int = MAX_SLUG_LENGTH, fallback: str = "item") -> str:
    """Pinyin of each word joined by hyphens, cut at a word boundary; never empty."""
    parts = [p for p in (_word_to_ascii(w) for w in _tokenizer().cut(text)) if p]
    slug = ""
    for part in parts:
        candidate = f"{slug}-{part}" if slug else part
        if len(candidate) > max_length:
            break
        slug = candidate
    if not slug and parts:
        slug = parts[0][:max_length]
    slug = re.sub(r"-{2,}", "-", slug).strip("-")
    return slug or fallback
