"""Render stage: content/ -> public/ through a Jinja theme, incrementally and atomically.

Entry point: `build_site(content, output_dir, config, ...) -> RenderReport`. Pages whose inputs
did not change since the last build (see fingerprints.py) are carried over without rendering;
the new site is assembled in a staging folder and swapped in only when complete (writer.py).
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TextIO

from ..cache import folder_key, load_store, save_store
from ..config import SiteConfig
from ..content import ContentSet, load_content
from ..parallel import fork_map
from ..enrich.units import UnitRegistry
from ..search import build_search_files
from .feeds import atom_feed, robots_txt, sitemap
from .fingerprints import Fingerprints, global_digest
from .pages import SEARCH_PAGE, Page, plan_pages, render_page, search_docs
from ..slugs import SLUG_MEMO
from .site import PINYIN_MEMO, SiteModel, build_model
from .theme import has_template, make_environment, static_files, theme_chain
from .writer import StagedOutput, check_output_dir

ASSETS_DIR = "assets"
NOT_IN_SITEMAP = {"404.html", SEARCH_PAGE}
RENDER_STATE_VERSION = "render-1"
PARALLEL_MIN_PAGES = 400  # below this, starting a second process costs more than it saves

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class RenderReport:
    pages_rendered: int = 0  # pages whose template ran
    pages_reused: int = 0  # pages carried over from the previous build
    files_written: int = 0  # files whose bytes changed
    files_unchanged: int = 0
    files_removed: list[str] = field(default_factory=list)
    articles: int = 0
    issues: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # model, render, search, write
    errors: list[str] = field(default_factory=list)  # content files that could not be used
    notices: list[str] = field(default_factory=list)

    def print_summary(self, out: TextIO | None = None) -> None:
        out = out or sys.stdout
        print(f"render: {self.issues} issues, {self.articles} articles; {self.pages_rendered} pages rendered, "
              f"{self.pages_reused} unchanged; {self.files_written} files written, "
              f"{self.files_unchanged} unchanged, {len(self.files_removed)} removed", file=out)
        for rel in self.files_removed[:20]:
            print(f"  removed {rel}", file=out)
        if len(self.files_removed) > 20:
            print(f"  … and {len(self.files_removed) - 20} more removed", file=out)
        for notice in self.notices:
            print(f"  note: {notice}", file=out)
        for error in self.errors:
            print(f"  error: {error}", file=out)


def build_site(content: ContentSet | Path, output_dir: Path, config: SiteConfig, *, theme_dirs=None,
               cache_dir: Path | None = None, full: bool = False, protected: list[Path] = (),
               progress: Progress | None = None) -> RenderReport:
    """Render the site of `content` into output_dir; content errors are reported, not raised."""
    report = RenderReport()
    if not isinstance(content, ContentSet):
        content = load_content(Path(content), cache_dir)
    report.errors.extend(str(err) for err in content.errors)
    output_dir = Path(output_dir)
    state_path = Path(cache_dir) / "render" / f"{folder_key(output_dir)}.pickle" if cache_dir else None
    previous = load_store(state_path, RENDER_STATE_VERSION) if state_path else {}
    check_output_dir(output_dir, list(protected), known_output=bool(previous) and output_dir.is_dir())

    started = time.perf_counter()
    SLUG_MEMO.load(cache_dir)
    PINYIN_MEMO.load(cache_dir)
    model = build_model(content, config, UnitRegistry.default())
    report.issues, report.articles = len(model.issues), len(model.articles)
    chain = theme_chain(config.theme, theme_dirs)
    env = make_environment(chain, Path(cache_dir) / "templates" if cache_dir else None)
    pages = plan_pages(model, include_search=has_template(env, SEARCH_PAGE))
    fingerprints = Fingerprints(model, global_digest(config, chain))
    report.timings["model"] = time.perf_counter() - started

    staged = StagedOutput(output_dir, {} if full else previous)
    try:
        started = time.perf_counter()
        todo: list[tuple[Page, str]] = []
        for page in pages:
            fingerprint = fingerprints.page(page)
            if staged.reusable(page.url, fingerprint):
                staged.keep(page.url)
                report.pages_reused += 1
            else:
                todo.append((page, fingerprint))
        for (page, fingerprint), html in zip(todo, _render_all(env, model, [p for p, _ in todo], progress)):
            staged.put(page.url, html, fingerprint)
        report.pages_rendered = len(todo)
        report.timings["render"] = time.perf_counter() - started

        started = time.perf_counter()
        search_cache = Path(cache_dir) / "search" if cache_dir else None
        for rel, data in build_search_files(search_docs(model), config, cache_dir=search_cache).items():
            staged.put(rel, data)
        report.timings["search"] = time.perf_counter() - started

        started = time.perf_counter()
        for rel, path in static_files(chain).items():
            staged.put(f"{ASSETS_DIR}/{rel}", path.read_bytes())
        staged.put("robots.txt", robots_txt(model))
        if config.absolute_root:
            staged.put("feed.xml", atom_feed(model))
            staged.put("sitemap.xml", sitemap(model, [p.url for p in pages if p.url not in NOT_IN_SITEMAP]))
        else:
            report.notices.append("no base URL (--base-url or base_url in site.yml): "
                                  "Atom feed and sitemap.xml skipped")
        written = staged.commit()
    except BaseException:
        staged.abort()
        raise
    if state_path:
        save_store(state_path, RENDER_STATE_VERSION, staged.records)
    SLUG_MEMO.save(cache_dir)
    PINYIN_MEMO.save(cache_dir)
    report.timings["write"] = time.perf_counter() - started
    report.files_written, report.files_unchanged = len(written.written), written.unchanged
    report.files_removed = written.removed
    return report


# --- rendering pages, on every core when there are many ----------------------------------------

def _render_all(env, model: SiteModel, pages: list[Page], progress: Progress | None) -> list[bytes]:
    report = (lambda done, total: progress("render", done, total)) if progress else None
    return fork_map(_render_one, pages, (env, model), min_items=PARALLEL_MIN_PAGES, chunk=50,
                    progress=report)


def _render_one(context: tuple, page: Page) -> bytes:
    env, model = context
    return render_page(env, page, model)
