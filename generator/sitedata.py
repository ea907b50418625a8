"""Editors' data that belongs to the site, not to the generator: `data/units.yml`,
`data/topics.yml` and `data/stopwords.txt` beside the site's `site.yml` extend or override the
generator's own files in generator/data/ (see docs/site-data.md).

`use_site_data(folder)` is called once per build, before anything is enriched; when the files
changed since the last call, every loader that read them forgets what it read. `data_digest()`
is recorded in the import state, so that changed data re-applies enrichment to every article
nobody edited (content/write.py keeps edited files and lists them).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

SITE_DATA_FILES = ("units.yml", "topics.yml", "stopwords.txt")

_folder: Path | None = None  # <site>/data, or None
_digest: str = ""
_forget: list = []  # cache_clear functions of the loaders that read site data


def forget_on_change(function):
    """Decorator for an lru_cached loader that reads site data."""
    _forget.append(function.cache_clear)
    return function


def use_site_data(site_folder: Path | None) -> None:
    global _folder, _digest
    folder = Path(site_folder) / "data" if site_folder is not None else None
    digest = _digest_of(folder)
    if (folder, digest) != (_folder, _digest):
        _folder, _digest = folder, digest
        for clear in _forget:
            clear()


def site_file(name: str) -> Path | None:
    """The site's own `data/<name>`, when there is one."""
    if _folder is None:
        return None
    path = _folder / name
    return path if path.is_file() else None


def data_digest() -> str:
    """Digest of the site's data files ("" when it has none)."""
    return _digest


def _digest_of(folder: Path | None) -> str:
    if folder is None:
        return ""
    digest = hashlib.sha256()
    found = False
    for name in SITE_DATA_FILES:
        path = folder / name
        if path.is_file():
            found = True
            digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest() if found else ""
