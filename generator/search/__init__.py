"""Client-side full-text search: the files the site needs besides search.html and search.js.

The renderer calls `build_search_files(docs, config)` and writes the returned files under public/.
"""
from __future__ import annotations

from pathlib import Path

from ..model import SearchDoc
from .indexer import build_index_files

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LUNR_SOURCE = PROJECT_ROOT / "node_modules" / "lunr" / "lunr.min.js"
LUNR_SITE_PATH = "assets/js/lunr.min.js"
DEFAULT_CACHE_DIR = PROJECT_ROOT / ".cache" / "search"

__all__ = ["build_search_files", "SearchSetupError", "LUNR_SITE_PATH"]


class SearchSetupError(RuntimeError):
    """Something the search build needs is not installed."""


def lunr_js() -> bytes:
    if not LUNR_SOURCE.is_file():
        raise SearchSetupError(
            f"{LUNR_SOURCE.relative_to(PROJECT_ROOT)} is missing: the search needs lunr.js from the "
            "npm package `lunr`. Run `make setup` (it runs `npm ci`) and build again.")
    return LUNR_SOURCE.read_bytes()


def build_search_files(docs: list[SearchDoc], config=None, cache_dir: Path | None = DEFAULT_CACHE_DIR
                       ) -> dict[str, bytes]:
    """Relative output path -> bytes: lunr.js, the search manifest, field lengths, index buckets and
    store chunks (layout: indexer.py).

    `config` is the site config; nothing in it changes the search data today. Shards whose
    documents did not change come from `cache_dir`, and so do the terms of unchanged documents of a
    shard that is rebuilt (None disables the cache). A cold build segments the documents on every
    core (worker processes when there are enough documents)."""
    files = {LUNR_SITE_PATH: lunr_js()}
    files.update(build_index_files(list(docs), cache_dir=cache_dir))
    return files
