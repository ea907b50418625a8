"""Search stage: client-side full-text search data, fed by the site model.

`stage_search_files(model, output, caches)` puts lunr.js and the search data (layout:
indexer.py) into the staged output; search.html and search.js come from the theme.
"""
from __future__ import annotations

from pathlib import Path

from ..caches import Caches
from ..content import plain_blocks
from ..records import SearchDoc
from .indexer import build_index_files

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LUNR_SOURCE = PROJECT_ROOT / "node_modules" / "lunr" / "lunr.min.js"
LUNR_SITE_PATH = "assets/js/lunr.min.js"

__all__ = ["build_search_files", "search_docs", "stage_search_files", "SearchSetupError", "LUNR_SITE_PATH"]


class SearchSetupError(RuntimeError):
    """Something the search build needs is not installed."""


def lunr_js() -> bytes:
    if not LUNR_SOURCE.is_file():
        raise SearchSetupError(
            f"{LUNR_SOURCE.relative_to(PROJECT_ROOT)} is missing: the search needs lunr.js from the "
            "npm package `lunr`. Run `make setup` (it runs `npm ci`) and build again.")
    return LUNR_SOURCE.read_bytes()


def search_docs(model) -> list[SearchDoc]:
    """What the index holds of each article page of the site model."""
    docs = []
    for article in model.articles:
        blocks = plain_blocks(article.article.body)
        docs.append(SearchDoc(
            url=article.url,
            title=article.title,
            issue_label=article.issue.heading,
            date=article.date,
            unit=article.unit.name if article.unit else article.article.unit,
            tags=[t.name for t in article.tags],
            people=[c.person.name for c in article.credits],
            subheads=[b.text for b in blocks if b.kind == "subhead"],
            text="\n".join(b.text for b in blocks if b.kind == "paragraph"),
        ))
    return docs


def build_search_files(docs: list[SearchDoc], config=None, cache_dir: Path | None = None) -> dict[str, bytes]:
    """Relative output path -> bytes: lunr.js, the search manifest, field lengths, index buckets and
    store chunks (layout: indexer.py). `config` is the site config; nothing in it changes the
    search data today.

    Shards whose documents did not change come from `cache_dir`, and so do the terms of unchanged
    documents of a shard that is rebuilt (None disables the cache). A cold build segments the
    documents on every core (worker processes when there are enough documents)."""
    files = {LUNR_SITE_PATH: lunr_js()}
    files.update(build_index_files(list(docs), cache_dir=cache_dir))
    return files


def stage_search_files(model, output, caches: Caches) -> None:
    for rel, data in build_search_files(search_docs(model), cache_dir=caches.path("search")).items():
        output.put(rel, data)
