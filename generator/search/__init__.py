"""Search stage: client-side full-text search data, fed by the site model.

`stage_search_files(model, output, caches)` puts lunr.js and the search data (layout:
indexer.py) into the staged output; search.html and search.js come from the theme.
"""
from __future__ import annotations

from pathlib import Path

from ..caches import Caches
from ..content import plain_blocks
from ..records import SearchDoc

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


def _registry():
    from ..enrich.units import UnitRegistry

    return UnitRegistry.default()


def unit_aliases(names: list[str], registry) -> list[str]:
    """Every printed form the registry knows of these units, besides their canonical names."""
    found: dict[str, None] = {}
    for name in names:
        unit = registry.get(name) if registry is not None else None
        for alias in (unit.aliases if unit else ()):
            if alias not in names:
                found.setdefault(alias)
    return list(found)


def search_docs(model, registry=None) -> list[SearchDoc]:
    """What the index holds of each article page of the site model. `registry`: the unit registry
    whose aliases make every unit findable under each of its names (default: the project's)."""
    registry = registry if registry is not None else _registry()
    docs = []
    for article in model.articles:
        blocks = plain_blocks(article.article.body)
        units = list(dict.fromkeys(([article.unit.name] if article.unit else [])
                                   + [u.name for u in article.mentioned_units]))
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
            units=units,
            unit_aliases=unit_aliases(units, registry),
        ))
    return docs


def build_search_files(docs: list[SearchDoc], config=None, cache_dir: Path | None = None) -> dict[str, bytes]:
    """Relative output path -> bytes: lunr.js, the search manifest, field lengths, index buckets and
    store chunks (layout: indexer.py). `config` is the site config: `synonym_files(config)` lists the
    synonym tables shipped in the manifest.

    Shards whose documents did not change come from `cache_dir`, and so do the terms of unchanged
    documents of a shard that is rebuilt (None disables the cache). A cold build segments the
    documents on every core (worker processes when there are enough documents)."""
    files = {LUNR_SITE_PATH: lunr_js()}
    # Loaded only when the search is built (jieba's tables): not by a build with nothing to do.
    from .indexer import build_index_files
    from .synonyms import load_synonyms, synonym_files

    files.update(build_index_files(list(docs), cache_dir=cache_dir,
                                   synonyms=load_synonyms(synonym_files(config))))
    return files


def stage_search_files(model, output, caches: Caches) -> None:
    for rel, data in build_search_files(search_docs(model), model.config,
                                        cache_dir=caches.path("search")).items():
        output.put(rel, data)
