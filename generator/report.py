"""What a build tells the user: the summary of each stage, printed and as JSON.

Every stage adds to one BuildReport; `print_summary` writes the lines the README describes, and
`skipped` decides the exit status (1: built, but something was skipped and is listed).
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

NEW_SUFFIX = ".new"  # the importer's fresh copy beside a file an editor changed

_NAME_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escape_name(name: str) -> str:
    """A file name may hold a line break or a control character: shown escaped, so that the
    summary keeps one line per problem."""
    return _NAME_CONTROL.sub(lambda m: repr(m.group())[1:-1], name)


@dataclass
class Problem:
    """A seed that was skipped: the file, the line that stopped it (None: the whole file), why."""

    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        path = escape_name(self.path)
        return f"{path}:{self.line}: {self.reason}" if self.line else f"{path}: {self.reason}"


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)  # issue ids split and written
    unchanged: list[str] = field(default_factory=list)  # issue ids whose seed did not change
    written: list[str] = field(default_factory=list)  # content files created or updated
    kept: list[str] = field(default_factory=list)  # editor's files kept, fresh import written as .new
    removed: list[str] = field(default_factory=list)  # importer's own files no longer produced
    notices: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # seeds skipped
    warnings: list[str] = field(default_factory=list)  # broken internal state, rebuilt
    withdrawn: list[str] = field(default_factory=list)  # articles the editor deleted or moved: not re-imported
    moved: dict[str, str] = field(default_factory=dict)  # withdrawn path -> where the editor moved it
    unsure: list[tuple[str, str, float]] = field(default_factory=list)  # (kept file, fresh title, similarity)
    doubts: dict[str, int] = field(default_factory=dict)  # issue id -> open doubtful splits
    content_label: str = "content"  # the content folder as the user named it

    def print_summary(self, out: TextIO = sys.stdout) -> None:
        print(f"import: {len(self.imported)} issue(s) imported, {len(self.unchanged)} unchanged; "
              f"{len(self.written)} file(s) written, {len(self.kept)} edited file(s) kept, "
              f"{len(self.removed)} removed", file=out)
        for path in self.kept:
            where = f"{self.content_label}/{path}"
            print(f"  kept editor's version of {where}; fresh import in {where}{NEW_SUFFIX}", file=out)
        for warning in self.warnings:
            print(f"  warning: {warning}", file=out)
        for rel in dict.fromkeys(self.withdrawn):
            moved = f" (moved to content/{self.moved[rel]})" if rel in self.moved else ""
            print(f"  withdrawn by the editor, not re-imported: content/{rel}{moved}; "
                  f"`build.py restore {rel}` brings it back", file=out)
        for rel, title, score in self.unsure:
            print(f"  review: content/{rel} may be the seed's article 「{title}」 (similarity {score:.2f}); "
                  f"kept as it is, fresh import in content/{rel}{NEW_SUFFIX}", file=out)
        for notice in self.notices:
            print(f"  note: {notice}", file=out)
        for issue, count in self.doubts.items():
            if count:
                print(f"  {count} doubtful split{'s' if count != 1 else ''} in {escape_name(issue)}: see issue.yml "
                      f"(list them: build.py doubts {escape_name(issue)})", file=out)
        if self.problems:
            print(f"  {len(self.problems)} seed(s) skipped, not imported (the other seeds were):", file=out)
        for problem in self.problems:
            print(f"  skipped {problem}", file=out)


@dataclass
class RenderReport:
    pages_rendered: int = 0  # pages whose template ran
    pages_reused: int = 0  # pages carried over from the previous build
    files_written: int = 0  # files whose bytes changed
    files_unchanged: int = 0
    files_removed: list[str] = field(default_factory=list)
    articles: int = 0
    issues: int = 0
    errors: list[str] = field(default_factory=list)  # content files that could not be used
    warnings: list[str] = field(default_factory=list)  # unknown keys, ignored; the file was used
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
        for warning in self.warnings:
            print(f"  warning: {warning}", file=out)
        for error in self.errors:
            print(f"  error: {error}", file=out)


@dataclass
class BuildReport:
    imported: ImportReport = field(default_factory=ImportReport)
    rendered: RenderReport | None = None
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage, in pipeline order
    pending: dict[str, int] = field(default_factory=dict)  # decisions waiting (review.pending_counts)
    total_seconds: float = 0.0

    @property
    def skipped(self) -> bool:
        """Something could not be used (a seed or a content file); it is listed in the summary."""
        return bool(self.imported.problems or self.imported.unsure or (self.rendered and self.rendered.errors))

    def print_summary(self, out: TextIO | None = None) -> None:
        out = out or sys.stdout
        self.imported.print_summary(out)
        if self.rendered is not None:
            self.rendered.print_summary(out)
        if self.pending:
            counts = ", ".join(f"{count} {label}" for label, count in self.pending.items())
            waiting = "; see build.py review" if any(self.pending.values()) else ""
            print(f"pending: {counts}{waiting}", file=out)
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
            "withdrawn": list(dict.fromkeys(self.imported.withdrawn)),
            "unsure_matches": [rel for rel, _, _ in self.imported.unsure],
            "warnings": self.imported.warnings,
            "doubts": {issue: count for issue, count in self.imported.doubts.items() if count},
            "content_errors": rendered.errors,
            "content_warnings": rendered.warnings,
            "pending": self.pending,
        }

    def write_json(self, path: Path) -> None:
        Path(path).write_text(json.dumps(self.as_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
