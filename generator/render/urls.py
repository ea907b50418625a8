"""Site URLs: deterministic slug collision handling and relative links (slugs: generator.slugs).

Every URL in the site model is a path relative to the site root that names a file
(`units/shi-gonganju/index.html`, never `units/shi-gonganju/`), so the same output works from
file://, from a sub-path of a host and at a domain root.
"""
from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Callable, Iterable


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
