"""One build: import new seeds, load content, render the site; timed stage by stage.

`run_build` is what `python build.py` (and `build.py serve` on every change) runs. The stages
flow one way: seeds -> content (import) -> site model -> pages, search data -> output folder.
"""
from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from . import importer
from .cache import DEFAULT_CACHE_DIR
from .config import SiteConfig
from .content import load_content
from .render import RenderReport, build_site

STAGES = ("split", "enrich", "load", "model", "render", "search", "write")


@dataclass
class BuildPaths:
    seeds: Path
    content: Path
    output: Path
    cache: Path | None = DEFAULT_CACHE_DIR
    project_root: Path | None = None


@dataclass
class BuildReport:
    imported: importer.ImportReport
    rendered: RenderReport | None = None
    stages: dict[str, float] = field(default_factory=dict)
    total_seconds: float = 0.0

    @property
    def skipped(self) -> bool:
        """Something could not be used (a seed or a content file); it is listed in the summary."""
        return bool(self.imported.problems or (self.rendered and self.rendered.errors))

    def print_summary(self, out: TextIO | None = None) -> None:
        out = out or sys.stdout
        self.imported.print_summary(out)
        if self.rendered is not None:
            self.rendered.print_summary(out)
        timing = ", ".join(f"{name} {seconds:.2f}s" for name, seconds in self.stages.items())
        print(f"done in {self.total_seconds:.2f}s ({timing})", file=out)

    def as_json(self) -> dict:
        rendered = self.rendered or RenderReport()
        return {
            "stages": {name: round(seconds, 4) for name, seconds in self.stages.items()},
            "total_seconds": round(self.total_seconds, 4),
            "issues": rendered.issues,
            "articles": rendered.articles,
            "imported_issues": self.imported.imported,
            "content_files_written": len(self.imported.written),
            "content_files_kept": self.imported.kept,
            "pages_rendered": rendered.pages_rendered,
            "pages_reused": rendered.pages_reused,
            "files_written": rendered.files_written,
            "files_unchanged": rendered.files_unchanged,
            "files_removed": len(rendered.files_removed),
            "problems": [str(p) for p in self.imported.problems],
            "content_errors": rendered.errors,
        }

    def write_json(self, path: Path) -> None:
        Path(path).write_text(json.dumps(self.as_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


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


def run_build(paths: BuildPaths, config: SiteConfig, *, import_only: bool = False, full: bool = False,
              theme_dirs=None, progress=None) -> BuildReport:
    started = time.perf_counter()
    imported = importer.import_seeds(paths.seeds, paths.content, project_root=paths.project_root,
                                     cache_dir=paths.cache, progress=progress)
    report = BuildReport(imported)
    report.stages.update(imported.timings)
    if not import_only:
        stage_start = time.perf_counter()
        content = load_content(paths.content, paths.cache)
        report.stages["load"] = time.perf_counter() - stage_start
        protected = [p for p in (paths.seeds, paths.content, paths.cache, paths.project_root) if p]
        report.rendered = build_site(content, paths.output, config, theme_dirs=theme_dirs,
                                     cache_dir=paths.cache, full=full, protected=protected, progress=progress)
        report.stages.update(report.rendered.timings)
    report.stages = {name: report.stages[name] for name in STAGES if name in report.stages}
    report.total_seconds = time.perf_counter() - started
    return report
