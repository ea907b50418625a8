"""Import stage: seeds/*.txt -> content/<issue>/<NN>-<slug>.md + issue.yml.

Only seeds that are new or changed since the last import are split. A file an editor changed is
never overwritten: the fresh import goes beside it as `<name>.new`. A seed that cannot be read or
split is reported with file, line and reason, and every other seed still imports.
"""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from . import bylines
from .content import (ISSUE_FILE, ContentSet, blocks_to_markdown, format_article, format_issue,
                      load_content, markdown_to_blocks)
from .enrich.dates import infer_issue_date, load_sidecar
from .enrich.tags import Tagger
from .enrich.units import UnitRegistry
from .model import Article, IssueMeta, SplitArticle, SplitIssue
from .slugs import slugify
from .split import SplitError, split_seed
from .state import ImportState, IssueState, sha256_bytes, sha256_file, write_atomic

NEW_SUFFIX = ".new"


@dataclass
class Problem:
    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        return f"{self.path}{':' + str(self.line) if self.line else ''}: {self.reason}"


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)  # issue ids split and written
    unchanged: list[str] = field(default_factory=list)  # issue ids whose seed did not change
    written: list[str] = field(default_factory=list)  # content files created or updated
    kept: list[str] = field(default_factory=list)  # editor's files kept, fresh import written as .new
    removed: list[str] = field(default_factory=list)  # importer's own files no longer produced
    notices: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # seeds skipped

    def print_summary(self, out: TextIO = sys.stdout) -> None:
        print(f"import: {len(self.imported)} issue(s) imported, {len(self.unchanged)} unchanged; "
              f"{len(self.written)} file(s) written, {len(self.kept)} edited file(s) kept, "
              f"{len(self.removed)} removed", file=out)
        for path in self.kept:
            print(f"  kept editor's version of content/{path}; fresh import in content/{path}{NEW_SUFFIX}",
                  file=out)
        for notice in self.notices:
            print(f"  note: {notice}", file=out)
        for problem in self.problems:
            print(f"  skipped {problem}", file=out)


@dataclass
class _SeedFile:
    path: Path
    issue_id: str
    source: str
    data: bytes
    text: str = ""


def import_seeds(seeds_dir: Path, content_dir: Path, project_root: Path | None = None) -> ImportReport:
    seeds_dir, content_dir = Path(seeds_dir), Path(content_dir)
    project_root = Path(project_root or Path.cwd())
    report = ImportReport()
    state = ImportState.load(content_dir)
    changed: list[_SeedFile] = []
    for path in sorted(seeds_dir.glob("*.txt")) if seeds_dir.is_dir() else []:
        seed = _SeedFile(path, path.stem, _relative_source(path, project_root), path.read_bytes())
        previous = state.issues.get(seed.issue_id)
        if previous and previous.seed_sha256 == sha256_bytes(seed.data):
            report.unchanged.append(seed.issue_id)
            continue
        changed.append(seed)
    if not changed:
        return report

    split_issues: list[tuple[_SeedFile, SplitIssue]] = []
    for seed in changed:
        try:
            seed.text = decode_seed(seed.data, report, seed.source)
            split_issues.append((seed, split_seed(seed.text, seed.issue_id, seed.source)))
        except SplitError as err:
            report.problems.append(Problem(seed.source, err.line, err.reason))
        except ValueError as err:
            report.problems.append(Problem(seed.source, getattr(err, "line", None), str(err)))
    if not split_issues:
        return report

    existing = load_content(content_dir)
    _resolve_run_together_names(split_issues, existing)
    enricher = _Enricher(existing, [issue for _, issue in split_issues])
    for seed, issue in split_issues:
        files = _issue_files(seed, issue, enricher, report)
        _write_issue(content_dir, seed, files, state, report)
        report.imported.append(seed.issue_id)
    state.save(content_dir)
    return report


def _relative_source(path: Path, project_root: Path) -> str:
    return Path(os.path.relpath(path.resolve(), project_root.resolve())).as_posix()


def decode_seed(data: bytes, report: ImportReport, source: str) -> str:
    """UTF-8 (with or without BOM); GB18030/GBK exports are detected, converted and noted."""
    if b"\x00" in data[:4096]:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise SplitError(line, "binary file (contains NUL bytes), not a text export")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            line = data[: utf8_error.start].count(b"\n") + 1
            raise SplitError(line, f"not UTF-8 or GB18030 text (bad byte at offset {utf8_error.start})") from None
        report.notices.append(f"{source}: decoded as GB18030 (not UTF-8)")
        return text


def _resolve_run_together_names(split_issues: list[tuple[_SeedFile, SplitIssue]], existing: ContentSet) -> None:
    known = bylines.plausible_single_names(a.byline for _, issue in split_issues for a in issue.articles)
    for article in existing.articles:
        known.update(n for n in article.reporters + article.correspondents + article.photographers
                     if 2 <= len(n) <= 3)
    for _, issue in split_issues:
        for article in issue.articles:
            article.byline = bylines.resolve_names(article.byline, known)


class _Enricher:
    """Units, tags and dates for new articles, with IDF computed over the whole archive."""

    def __init__(self, existing: ContentSet, new_issues: list[SplitIssue]):
        self.units = UnitRegistry.default()
        replaced = {issue.issue_id for issue in new_issues}
        documents = [_plain_text(markdown_to_blocks(a.body)) for a in existing.articles if a.issue not in replaced]
        documents += [_plain_text(a.blocks) for issue in new_issues for a in issue.articles]
        self.tagger = Tagger(documents)

    def article_fields(self, article: SplitArticle) -> dict:
        body = _plain_text(article.blocks)
        units = self.units.article_units(article.kicker, article.title, body)
        return {
            "unit": self.units.main_unit(article.kicker, article.title, body),
            "units": units,
            "tags": self.tagger.tags(article.title, body, units),
        }


def _plain_text(blocks) -> str:
    return "\n".join(block.text for block in blocks)


def _issue_files(seed: _SeedFile, issue: SplitIssue, enricher: _Enricher, report: ImportReport) -> dict[str, str]:
    """Every file of one issue: content-relative path -> text."""
    meta = IssueMeta(id=issue.issue_id, source=seed.source, noise=issue.noise)
    guess = infer_issue_date([_plain_text(a.blocks) for a in issue.articles])
    meta.date, meta.date_method = guess.date, guess.method
    try:
        sidecar = load_sidecar(seed.path)
    except ValueError as err:
        sidecar = None
        report.notices.append(f"{err}; the inferred date is used instead")
    if sidecar:
        meta.number, meta.title = sidecar.number, sidecar.title
        if sidecar.date:
            meta.date, meta.date_inferred, meta.date_method = sidecar.date, False, f"sidecar {seed.path.stem}.yml"
    files = {f"{issue.issue_id}/{ISSUE_FILE}": format_issue(meta)}
    width = max(2, len(str(len(issue.articles))))
    for split_article in issue.articles:
        article = Article(
            title=split_article.title, title_generated=split_article.title_generated,
            kicker=split_article.kicker, unit=None, issue=issue.issue_id, order=split_article.order,
            kind=split_article.kind, reporters=split_article.byline.reporters,
            correspondents=split_article.byline.correspondents,
            photographers=split_article.byline.photographers, tags=[], date=meta.date,
            source=seed.source, source_lines=[split_article.first_line, split_article.last_line],
            body=blocks_to_markdown(split_article.blocks),
        )
        for key, value in enricher.article_fields(split_article).items():
            setattr(article, key, value)
        name = f"{split_article.order:0{width}d}-{slugify(article.title)}.md"
        files[f"{issue.issue_id}/{name}"] = format_article(article)
    return files


_ORDER_PREFIX = re.compile(r"^(\d+)-")


def _position_key(rel: str) -> str:
    """Files of one issue are matched across imports by position (NN), not by slug."""
    name = rel.rsplit("/", 1)[-1]
    match = _ORDER_PREFIX.match(name)
    return str(int(match.group(1))) if match else name


def _write_issue(content_dir: Path, seed: _SeedFile, files: dict[str, str], state: ImportState,
                 report: ImportReport) -> None:
    previous = state.issues.get(seed.issue_id)
    written_before = dict(previous.files) if previous else {}
    issue_dir = content_dir / seed.issue_id
    on_disk = {f"{seed.issue_id}/{p.name}": p for p in issue_dir.glob("*") if p.is_file()} if issue_dir.is_dir() else {}
    on_disk_by_position: dict[str, list[str]] = {}
    for rel in on_disk:
        if not rel.endswith(NEW_SUFFIX):
            on_disk_by_position.setdefault(_position_key(rel), []).append(rel)
    new_state = IssueState(sha256_bytes(seed.data), seed.source)

    for rel, text in files.items():
        data = text.encode("utf-8")
        digest = sha256_bytes(data)
        new_state.files[rel] = digest
        same_position = sorted(on_disk_by_position.pop(_position_key(rel), []))
        edited = [old for old in same_position if sha256_file(content_dir / old) != written_before.get(old)]
        if edited:
            keep = edited[0]
            current = sha256_file(content_dir / keep)
            new_state.files.pop(rel)
            new_state.files[keep] = digest if current == digest else written_before.get(keep, "")
            if current != digest:
                write_atomic(content_dir / (keep + NEW_SUFFIX), data)
                report.kept.append(keep)
            continue
        for old in same_position:
            if old != rel:
                (content_dir / old).unlink()
                report.removed.append(old)
        if sha256_file(content_dir / rel) != digest:
            write_atomic(content_dir / rel, data)
            report.written.append(rel)
    for leftovers in on_disk_by_position.values():
        for rel in leftovers:
            if rel in written_before and sha256_file(content_dir / rel) == written_before[rel]:
                (content_dir / rel).unlink()
                report.removed.append(rel)
            elif rel.endswith(".md") or rel.endswith(ISSUE_FILE):
                report.notices.append(f"content/{rel} no longer matches an article of {seed.source}; kept")
    state.issues[seed.issue_id] = new_state
