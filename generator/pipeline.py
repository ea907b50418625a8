"""One build, stage by stage: this function is the table of contents of the generator.

    split    seeds/*.txt that are new or changed -> articles        (ingest/)
    enrich   units, tags and dates for the new articles              (enrich/)
    content  content/<issue>/*.md + issue.yml, editors' files kept   (content/write.py)
    load     the whole content/ tree, parsed and checked             (content/store.py)
    model    the site model: issues, articles, units, tags, people   (render/site.py)
    render   the pages whose inputs changed                          (render/)
    search   the search data, fed by the site model                  (search/)
    commit   the staged output moved into the output folder at once  (output.py)

`run_build` is what `python build.py` (and `build.py serve` on every change) runs; the stages
flow one way, each timed by `stage(name)`. The pipeline owns the caches (one `Caches` under
`--cache-dir`) and the staged output.
"""
from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from . import render, search
from .caches import DEFAULT_CACHE_DIR, Caches, folder_key
from .config import SiteConfig
from .content import ContentSet, load_content, remember_parsed
from .content.state import ImportState
from .content.write import write_issue
from .enrich.issues import enrich_issues
from .ingest.seeds import find_changed_seeds, split_seeds
from .lang import segment
from .output import StagedOutput, check_output_dir
from .report import BuildReport, ImportReport, RenderReport

STAGES = ("split", "enrich", "content", "load", "model", "render", "search", "commit")
RENDER_STATE_VERSION = "render-1"


@dataclass
class BuildPaths:
    seeds: Path
    content: Path
    output: Path
    cache: Path | None = DEFAULT_CACHE_DIR
    project_root: Path | None = None


class StageClock:
    """`with clock.stage("render"):` adds the seconds the block took to the report's stages."""

    def __init__(self, stages: dict[str, float]):
        self.stages = stages

    @contextmanager
    def stage(self, name: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - started


def run_build(paths: BuildPaths, config: SiteConfig, *, import_only: bool = False, full: bool = False,
              theme_dirs=None, progress=None) -> BuildReport:
    started = time.perf_counter()
    report = BuildReport()
    caches = Caches(paths.cache)
    segment.use_caches(caches)
    clock = StageClock(report.stages)

    report.imported = import_seeds(paths.seeds, paths.content, project_root=paths.project_root, caches=caches,
                                   progress=progress, clock=clock)
    if not import_only:
        with clock.stage("load"):
            content = load_content(paths.content, caches)
        protected = [p for p in (paths.seeds, paths.content, paths.cache, paths.project_root) if p]
        report.rendered = build_site(content, paths.output, config, caches=caches, theme_dirs=theme_dirs,
                                     full=full, protected=protected, progress=progress, clock=clock)
    report.stages = {name: report.stages[name] for name in STAGES if name in report.stages}
    report.total_seconds = time.perf_counter() - started
    return report


def build_site(content: ContentSet | Path, output_dir: Path, config: SiteConfig, *, caches: Caches | None = None,
               theme_dirs=None, full: bool = False, protected: list[Path] = (), progress=None,
               clock: StageClock | None = None) -> RenderReport:
    """The stages after load: model, render, search, commit. Content errors are reported, not raised."""
    caches = caches if caches is not None else Caches(None)
    clock = clock or StageClock({})
    if not isinstance(content, ContentSet):
        content = load_content(Path(content), caches)
    report = RenderReport(errors=[str(err) for err in content.errors])
    output_dir = Path(output_dir)
    state_name = f"render/{folder_key(output_dir)}.pickle"
    previous = caches.load(state_name, RENDER_STATE_VERSION)
    check_output_dir(output_dir, list(protected), known_output=bool(previous) and output_dir.is_dir())
    with clock.stage("model"):
        site = render.prepare_site(content, config, caches, theme_dirs=theme_dirs)
    output = StagedOutput(output_dir, {} if full else previous)
    try:
        with clock.stage("render"):
            render.render_pages(site, output, report, progress=progress)
        with clock.stage("search"):
            search.stage_search_files(site.model, output, caches)
        with clock.stage("commit"):
            render.stage_site_files(site, output, report)
            render.stage_derived_files(site, output, report)
            written = output.commit()
    except BaseException:
        output.abort()
        raise
    caches.save(state_name, RENDER_STATE_VERSION, output.records)
    render.save_memos(caches)
    report.files_written, report.files_unchanged = len(written.written), written.unchanged
    report.files_removed = written.removed
    return report


def import_seeds(seeds_dir: Path, content_dir: Path, project_root: Path | None = None,
                 caches: Caches | None = None, progress=None, clock: StageClock | None = None) -> ImportReport:
    """The first three stages (`build.py import`): split new and changed seeds, enrich their
    articles, write them into content/. `progress(stage, done, total)` hears about long stages."""
    seeds_dir, content_dir = Path(seeds_dir), Path(content_dir)
    caches = caches if caches is not None else Caches(None)
    clock = clock or StageClock({})
    report = ImportReport()
    state = ImportState.load(content_dir)
    with clock.stage("split"):
        changed = find_changed_seeds(seeds_dir, content_dir, state, report, Path(project_root or Path.cwd()))
        split = split_seeds(changed, report, _stage_progress(progress, "split")) if changed else []
    if not split:
        return report
    with clock.stage("enrich"):
        existing = load_content(content_dir, caches)
        enriched = enrich_issues(split, existing, caches, report, _stage_progress(progress, "enrich"))
    with clock.stage("content"):
        parsed: dict[str, object] = {}
        for issue in enriched:
            written_before = len(report.written)
            write_issue(content_dir, issue.seed.issue_id, issue.seed.sha256, issue.seed.source, issue.files,
                        state, report)
            parsed.update((rel, issue.parsed[rel]) for rel in report.written[written_before:] if rel in issue.parsed)
            report.imported.append(issue.seed.issue_id)
        state.save(content_dir)
        # What was just written need not be parsed again by the load stage.
        remember_parsed(content_dir, caches, parsed)
    return report


def _stage_progress(progress, stage: str):
    return (lambda done, total: progress(stage, done, total)) if progress else None


class ProgressPrinter:
    """Progress of long stages on stderr: a live counter on a terminal, a line every few seconds otherwise."""

    def __init__(self, out: TextIO = sys.stderr, interval: float = 2.0):
        self.out = out
        self.live = out.isatty()
        self.interval = interval
        self._last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        finished = done >= total
        if not finished and now - self._last < (0.1 if self.live else self.interval):
            return
        self._last = now
        message = f"{stage}: {done}/{total}"
        if self.live:
            print("\r" + message + ("\n" if finished else ""), end="", file=self.out, flush=True)
        elif not finished:
            print(message, file=self.out, flush=True)
