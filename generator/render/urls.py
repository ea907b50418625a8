"""Site URLs: ASCII pinyin slugs, deterministic collision handling and relative links.

Every URL in the site model is a path relative to the site root that names a file
(`units/shi-gonganju/index.html`, never `units/shi-gonganju/`), so the same output works from
file://, from a sub-path of a host and at a domain root.
"""
from __future__ import annotations

import hashlib
import posixpath
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

MAX_SLUG_LENGTH = 60
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=1)
def _tokenizer():
    # A private jieba tokenizer: other stages may add words to jieba's global dictionary, which
    # would change word boundaries, and with them URLs, from one build to the next.
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def _word_slug(word: str) -> str:
    if _HAN.search(word):
        word = "".join(lazy_pinyin(word, style=Style.NORMAL, errors="default"))
    word = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode("ascii").lower()
    return _NON_SLUG.sub("-", word).strip("-")


def slugify(text: str, fallback: str = "item", *, compact: bool = False) -> str:
    """Readable ASCII slug: one pinyin run per Chinese word, hyphens between words.

    `金乡县公安局` -> `jinxiangxian-gonganju`; Latin letters and digits are kept. `compact`
    treats every run of Chinese as one word (person names: `曹梦溪` -> `caomengxi`).
    """
    text = text or ""
    if compact:
        words = re.split(r"(\s+)", text)
    elif _HAN.search(text):
        words = _tokenizer().lcut(text, HMM=False)
    else:
        words = [text]
    parts = [p for p in (_word_slug(w) for w in words) if p]
    slug = "-".join(parts)
    slug = re.sub(r"-{2,}", "-", slug).strip("-")
    if len(slug) > MAX_SLUG_LENGTH:
        slug = slug[:MAX_SLUG_LENGTH].rsplit("-", 1)[0] or slug[:MAX_SLUG_LENGTH]
    return slug or fallback


def short_hash(text: str, length: int = 6) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


def assign_unique_slugs(keys: Iterable[str], make_slug: Callable[[str], str],
                        reserved: Iterable[str] = ()) -> dict[str, str]:
    """Slug for every key; on a collision the key that sorts first keeps the plain slug and the
    others get a suffix derived from the key itself, so a slug never depends on build order."""
    taken = set(reserved)
    by_slug: dict[str, list[str]] = {}
    for key in sorted(set(keys)):
        by_slug.setdefault(make_slug(key), []).append(key)
    result: dict[str, str] = {}
    for slug in sorted(by_slug):
        for index, key in enumerate(by_slug[slug]):
            candidate = slug if index == 0 and slug not in taken else f"{slug}-{short_hash(key)}"
            length = 6
            while candidate in taken:  # a hash prefix clash: lengthen it, still deterministic
                length += 2
                candidate = f"{slug}-{short_hash(key, length)}"
            taken.add(candidate)
            result[key] = candidate
    return result


def relative_url(from_page: str, to_page: str) -> str:
    """Link from one site-root-relative file to another, e.g. ('a/b/index.html', 'c.html') -> '../../c.html'."""
    if to_page == from_page:
        return posixpath.basename(to_page)
    start = posixpath.dirname(from_page) or "."
    return posixpath.relpath(to_page, start)


def root_prefix(page: str) -> str:
    """Relative prefix from a page to the site root: '', '../', '../../'."""
    return "../" * page.count("/")


def page_url(directory: str, number: int) -> str:
    """URL of page `number` (1-based) of a paginated list living in `directory`."""
    return f"{directory}/index.html" if number == 1 else f"{directory}/page-{number}.html"
