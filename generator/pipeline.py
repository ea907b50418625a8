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

import functools
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import replace as _replace
from pathlib import Path
from typing import TextIO

from . import heap
from .caches import DEFAULT_CACHE_DIR, Caches, folder_key
from .config import ConfigError, SiteConfig
from .content import ISSUE_FILE, ContentSet, load_content, remember_parsed
from .content.state import ImportState
from .content.write import record_withdrawals, write_issue
from .ingest.seeds import find_changed_seeds, split_seeds
from .ingest.doubts import count_open as count_open_doubts
from .lang import segment
from .output import SITE_MARKER, OutputRecord, StagedOutput, check_output_dir, check_shrink, marker_bytes, read_marker
from .parallel import Forked
from .render import uptodate
from .report import BuildReport, ImportReport, RenderReport
from .review import display_path, pending_counts
from .sitedata import data_digest, use_site_data

STAGES = ("split", "enrich", "content", "load", "model", "render", "search", "commit")
RENDER_STATE_VERSION = "render-2"


@dataclass
class BuildPaths:
    seeds: Path
    content: Path
    output: Path
    cache: Path | None = DEFAULT_CACHE_DIR
    project_root: Path | None = None
    site: Path | None = None  # the site's folder (beside site.yml): its own data/ (sitedata.py)


class StageClock:
    """`with clock.stage("render"):` adds the seconds the block took to the report's stages.
    What a stage leaves behind is the later stages' input: kept out of the cycle collector's
    sight for the rest of the build (heap.py)."""

    def __init__(self, stages: dict[str, float]):
        self.stages = stages

    @contextmanager
    def stage(self, name: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - started
            heap.keep_long_lived()


def _in_build_scope(function):
    """The objects a build keeps out of the collector's sight are handed back when it ends."""
    @functools.wraps(function)
    def scoped(*args, **kwargs):
        with heap.build_scope():
            return function(*args, **kwargs)
    return scoped


@_in_build_scope
def run_build(paths: BuildPaths, config: SiteConfig, *, import_only: bool = False, full: bool = False,
              theme_dirs=None, progress=None, allow_shrink: bool = False,
              restore: set[str] | None = None) -> BuildReport:
    started = time.perf_counter()
    report = BuildReport()
    caches = Caches(paths.cache)
    segment.use_caches(caches)
    clock = StageClock(report.stages)
    use_site_data(paths.site)
    _check_site_data()

    # What a build with nothing to do must check besides the content (every output file's time
    # and size, the pictures) is surveyed on the other core while the seeds and content are read.
    survey = None if import_only or full else uptodate.survey_later(paths.output, paths.content, tuple(config.keep))
    try:
        report.imported = import_seeds(paths.seeds, paths.content, project_root=paths.project_root, caches=caches,
                                       progress=progress, clock=clock, restore=restore)
        if survey is not None and report.imported.imported:
            survey.cancel()  # surveyed before the import wrote into the content folder: not used
            survey = None
        if not import_only:
            with clock.stage("load"):
                content = load_content(paths.content, caches)
            protected = [p for p in (paths.seeds, paths.content, paths.cache, paths.project_root) if p]
            report.rendered = build_site(content, paths.output, config, caches=caches, theme_dirs=theme_dirs,
                                         full=full, protected=protected, progress=progress, clock=clock,
                                         allow_shrink=allow_shrink, content_dir=paths.content, survey=survey)
            report.pending = pending_counts(paths.content, content)
        else:
            report.pending = pending_counts(paths.content, load_content(paths.content, caches))
    finally:
        if survey is not None:
            survey.cancel()
    report.stages = {name: report.stages[name] for name in STAGES if name in report.stages}
    report.total_seconds = time.perf_counter() - started
    return report


def _check_site_data() -> None:
    """The site's own data files are read now, so that a mistake in them stops the build with
    the file named (exit status 2) instead of failing halfway through enrichment."""
    if not data_digest():
        return
    from .enrich.tags import load_stopwords
    from .enrich.units import UnitRegistry
    try:
        segment.load_topics()
        load_stopwords()
        UnitRegistry.default()
    except ValueError as exc:
        raise ConfigError(f"site data: {exc}") from None


@_in_build_scope
def build_site(content: ContentSet | Path, output_dir: Path, config: SiteConfig, *, caches: Caches | None = None,
               theme_dirs=None, full: bool = False, protected: list[Path] = (), progress=None,
               clock: StageClock | None = None, allow_shrink: bool = True,
               content_dir: Path | None = None, survey: Forked | None = None) -> RenderReport:
    """The stages after load: model, render, search, commit. Content errors are reported, not raised.
    `survey`: uptodate.survey_later() of this output and content folder, started by the caller."""
    caches = caches if caches is not None else Caches(None)
    clock = clock or StageClock({})
    if not isinstance(content, ContentSet):
        content = load_content(Path(content), caches)
    kept = set(content.kept_last_good)
    report = RenderReport(errors=[str(err) + ("; its last good version stays published" if err.path in kept else "")
                                  for err in content.errors],
                          warnings=[str(w) for w in content.warnings])
    output_dir = Path(output_dir)
    state_name = f"render/{folder_key(output_dir)}.pickle"
    keep = tuple(config.keep)
    surveyed = survey.result() if survey is not None else None
    inputs = uptodate.inputs_digest(content, config, theme_dirs, pictures=surveyed and surveyed.pictures)
    last_build = caches.load(state_name + ".inputs", RENDER_STATE_VERSION)
    counts_name = f"render/{folder_key(output_dir)}.site.pickle"
    if (not full and inputs is not None and last_build.get("inputs") == inputs and last_build.get("files")
            and (surveyed.output_listing if surveyed else uptodate.output_listing(output_dir, keep))
            == last_build.get("listing")):
        # Nothing the site is made of changed since the last build, and its output is as that
        # build left it (the same files, times and sizes): every page and file stands. The
        # folder is the one that build wrote, so it is ours; the render state need not be read.
        check_output_dir(output_dir, list(protected), known_output=True, keep=keep)
        report.issues, report.articles = last_build["issues"], last_build["articles"]
        report.pages_reused, report.files_unchanged = last_build["pages"], last_build["files"]
        report.notices.extend(last_build["notices"])
        return report
    # Only now are the render and search stages loaded (Jinja, Markdown, the model's code): a
    # build with nothing to do has returned above without them.
    from . import search
    from .render import stage as render

    previous = caches.load(state_name, RENDER_STATE_VERSION)
    if not all(isinstance(record, OutputRecord) for record in previous.values()):
        report.notices.append("the render cache was unusable; every page is rendered again")
        previous = {}
    check_output_dir(output_dir, list(protected), known_output=bool(previous) and output_dir.is_dir(), keep=keep)
    if not allow_shrink:
        last = read_marker(output_dir) or caches.load(counts_name, "site-1")
        articles = last.get("articles")
        check_shrink(articles if isinstance(articles, int) else 0, len(content.articles), len(content.issues),
                     Path(content_dir) if content_dir else Path("content"))
    drafts = sum(1 for a in content.articles if a.draft)
    if drafts:
        report.notices.append(f"{drafts} draft(s) shown, marked 草稿 (--drafts): do not publish this build"
                              if config.show_drafts else f"{drafts} draft(s) kept out of the site (draft: true)")
    stored_digests = {} if full else caches.load(state_name + ".digests", RENDER_STATE_VERSION)
    last_digests = None if full else render.last_dependency_digests(stored_digests, previous)
    heap.keep_long_lived()  # the last build's render state: millions of objects, kept to the end
    # The model is made of long-lived objects only (views linking one another): nothing for the
    # cycle collector to find while it is built.
    with clock.stage("model"), heap.collector_paused():
        site = render.prepare_site(content, config, caches, theme_dirs=theme_dirs, published=output_dir,
                                   last_digests=last_digests)
    output = StagedOutput(output_dir, {} if full else previous, keep=keep)
    try:
        with clock.stage("render"):
            render.render_pages(site, output, report, progress=progress)
        with clock.stage("search"):
            search.stage_search_files(site.model, output, caches)
        with clock.stage("commit"):
            render.stage_site_files(site, output, report)
            # The marker says this folder is ours to clean, and how big the site was (the next
            # build refuses to shrink it by accident).
            output.put(SITE_MARKER, marker_bytes(len(content.articles), len(content.issues)))
            render.stage_derived_files(site, output, report)
            written = output.commit()
    except BaseException:
        output.abort()
        raise
    render.record_issue_urls(site, report)
    caches.save(state_name, RENDER_STATE_VERSION, output.records)
    caches.save(state_name + ".digests", RENDER_STATE_VERSION,
                render.dependency_digests(site, output.records, stored_digests))
    caches.save(counts_name, "site-1", {"articles": len(content.articles), "issues": len(content.issues)})
    caches.save(state_name + ".inputs", RENDER_STATE_VERSION, {
        "inputs": inputs, "listing": uptodate.records_listing(output.records, keep), "files": len(output.records),
        "issues": report.issues,
        "articles": report.articles, "pages": report.pages_rendered + report.pages_reused,
        "notices": list(report.notices)})
    render.save_memos(caches)
    report.files_written, report.files_unchanged = len(written.written), written.unchanged
    report.files_removed = written.removed
    return report


@_in_build_scope
def import_seeds(seeds_dir: Path, content_dir: Path, project_root: Path | None = None,
                 caches: Caches | None = None, progress=None, clock: StageClock | None = None,
                 restore: set[str] | None = None) -> ImportReport:
    """The first three stages (`build.py import`): split new and changed seeds, enrich their
    articles, write them into content/. `progress(stage, done, total)` hears about long stages.
    `restore`: withdrawn article files (content-relative) to import again."""
    seeds_dir, content_dir = Path(seeds_dir), Path(content_dir)
    caches = caches if caches is not None else Caches(None)
    clock = clock or StageClock({})
    report = ImportReport(content_label=display_path(content_dir))
    state = ImportState.load(content_dir, seeds_dir)
    report.warnings.extend(state.warnings)
    state_changed = state.rebuilt
    if state.data_digest != data_digest():
        # The site's units, topics or stop words changed: every issue is enriched again (files
        # an editor changed are kept, the fresh import beside them as .new, and listed).
        if state.issues:
            report.notices.append("site data (data/units.yml, topics.yml, stopwords.txt) changed: "
                                  f"enrichment re-applied to {len(state.issues)} issue(s)")
        for issue_state in state.issues.values():
            issue_state.seed_sha256 = ""
        state.data_digest = data_digest()
        state_changed = True
    if content_dir.is_dir():
        before = len(state.withdrawn)
        record_withdrawals(content_dir, state, report)
        state_changed |= len(state.withdrawn) != before
    for rel in restore or ():
        withdrawal = state.withdrawn.pop(rel)
        issue = state.issues.get(withdrawal.issue)
        if issue is not None:
            issue.seed_sha256 = ""  # import the seed again, so that the article comes back
            if withdrawal.identity is not None:
                issue.articles[rel] = withdrawal.identity
        state_changed = True
    with clock.stage("split"):
        changed = find_changed_seeds(seeds_dir, content_dir, state, report, Path(project_root or Path.cwd()))
        split = split_seeds(changed, report, _stage_progress(progress, "split")) if changed else []
    if not split:
        if state_changed and content_dir.is_dir():
            state.save(content_dir)
        return report
    from .enrich.issues import enrich_issues  # loaded only when there is something to enrich

    with clock.stage("enrich"):
        existing = load_content(content_dir, caches)
        heap.keep_long_lived()  # the archive so far: kept to the end of the build
        enriched = enrich_issues(split, existing, caches, report, _stage_progress(progress, "enrich"))
        segment.release_loaded()  # the cutters loaded for the import's workers: not needed by the site
    with clock.stage("content"):
        parsed: dict[str, object] = {}
        try:
            for issue in enriched:
                written = write_issue(content_dir, issue.seed.issue_id, issue.seed.sha256, issue.seed.source,
                                      issue.files, state, report, issue.parsed)
                for target, fresh in written.items():
                    if fresh in issue.parsed:
                        value = issue.parsed[fresh]
                        parsed[target] = _replace(value, path=target) if hasattr(value, "body") else value
                report.imported.append(issue.seed.issue_id)
                meta = issue.parsed.get(f"{issue.seed.issue_id}/{ISSUE_FILE}")
                if meta is not None:
                    report.doubts[issue.seed.issue_id] = count_open_doubts(content_dir, meta)
        finally:
            # Also after a failed write (a full disk): what was written is recorded as the
            # importer's, so the next import does not mistake it for an editor's change.
            try:
                state.save(content_dir)
            except OSError:
                pass
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
