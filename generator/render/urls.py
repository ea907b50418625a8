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
                        reserved: Iterable[str] = (), seniority: Callable[[str], object] | None = None
                        ) -> dict[str, str]:
    """Slug for every key; on a collision the senior key keeps the plain slug and the others get a
    suffix derived from the key itself, so a slug never depends on build order.

    `seniority` (lower is senior) should be when the key first appeared in the archive: a name
    arriving with a new issue then never takes the URL of a name already published (张伟 keeps
    `zhangwei` when 章伟 arrives later). Without it, the key that sorts first is senior."""
    taken = set(reserved)
    by_slug: dict[str, list[str]] = {}
    rank = (lambda key: (seniority(key), key)) if seniority else (lambda key: key)
    for key in sorted(set(keys), key=rank):
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
    # Site URLs are normalised paths (no `.`, `..` or empty parts), so stripping the common
    # folders is enough; posixpath.relpath gives the same answer a dozen times slower.
    if to_page == from_page:
        return posixpath.basename(to_page)
    here = from_page.split("/")[:-1]
    there = to_page.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    return "../" * (len(here) - common) + "/".join(there[common:])


def root_prefix(page: str) -> str:
    """Relative prefix from a page to the site root: '', '../', '../../'."""
    return "../" * page.count("/")


def page_url(directory: str, number: int) -> str:
    """URL of the older page `number` of a list in `directory`, counted from the oldest (see paginate)."""
    return f"{directory}/page-{number}.html"
