"""Doubtful splits: list them with the seed lines around them, and let an editor mark them checked.

The splitter records every decision it took on weak evidence in the issue's `issue.yml` as
`doubts` (seed line, article order, reason). `issue.yml` belongs to the importer; what an editor
has checked is kept apart, in `content/<issue>/doubts-checked.yml`, which the importer never
writes: a re-import of the same seed finds the same doubts (same line, same reason) and they stay
checked. A doubt is matched by its seed line and reason, so a changed seed that moves the text
brings its doubts back, to be looked at again.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ..content.format import ISSUE_FILE, ContentError, dump_yaml, load_yaml, parse_issue
from ..files import write_atomic
from ..records import Doubt, IssueMeta

CHECKED_FILE = "doubts-checked.yml"
CONTEXT_LINES = 3  # seed lines shown on each side of a doubt
_ORDER_PREFIX = re.compile(r"^(\d+)-")
_CHECKED_HEADER = ("# Doubtful splits an editor has checked (`build.py doubts --check ISSUE LINE`).\n"
                   "# The importer never writes this file; delete an entry to see the doubt again.\n")


@dataclass
class IssueDoubt:
    issue: str
    source: str  # the seed, relative to the project root (issue.yml `source`)
    doubt: Doubt
    article_file: str | None  # content-relative path of the article the doubt is about
    checked: bool


class DoubtsError(Exception):
    """A doubts command that cannot be done (unknown issue, no open doubt on that line…)."""


def _issue_dirs(content_dir: Path, issue: str | None) -> list[Path]:
    if issue is not None:
        folder = content_dir / issue
        if not (folder / ISSUE_FILE).is_file():
            raise DoubtsError(f"no issue {issue!r} in {content_dir} (no {issue}/{ISSUE_FILE})")
        return [folder]
    if not content_dir.is_dir():
        return []
    return sorted(p for p in content_dir.iterdir() if p.is_dir() and not p.name.startswith(".")
                  and (p / ISSUE_FILE).is_file())


def _read_meta(folder: Path) -> IssueMeta:
    rel = f"{folder.name}/{ISSUE_FILE}"
    return parse_issue((folder / ISSUE_FILE).read_text(encoding="utf-8"), rel, folder.name)


def load_checked(folder: Path) -> set[tuple[int, str]]:
    """(line, reason) of every doubt checked in this issue folder; an unreadable file checks nothing."""
    path = folder / CHECKED_FILE
    if not path.is_file():
        return set()
    try:
        data = load_yaml(path.read_text(encoding="utf-8")) or {}
    except Exception as exc:  # noqa: BLE001 - a broken file must not hide the doubts
        raise DoubtsError(f"{folder.name}/{CHECKED_FILE}: not readable YAML ({exc}); fix or delete it") from None
    entries = data.get("checked") if isinstance(data, dict) else None
    checked = set()
    for entry in entries or []:
        if isinstance(entry, dict) and isinstance(entry.get("line"), int) and isinstance(entry.get("reason"), str):
            checked.add((entry["line"], entry["reason"]))
    return checked


def _article_files(folder: Path) -> dict[int, str]:
    files = {}
    for path in sorted(folder.glob("*.md")):
        match = _ORDER_PREFIX.match(path.name)
        if match and not path.name.startswith("."):
            files.setdefault(int(match.group(1)), f"{folder.name}/{path.name}")
    return files


def issue_doubts(content_dir: Path, issue: str | None = None) -> list[IssueDoubt]:
    """Every doubt of every issue (or of one), checked or not, in seed-line order."""
    out: list[IssueDoubt] = []
    for folder in _issue_dirs(Path(content_dir), issue):
        try:
            meta = _read_meta(folder)
        except ContentError:
            continue  # the build reports a broken issue.yml; its doubts cannot be read
        if not meta.doubts:
            continue
        checked = load_checked(folder)
        files = _article_files(folder)
        for doubt in meta.doubts:
            out.append(IssueDoubt(folder.name, meta.source, doubt, files.get(doubt.article),
                                  (doubt.line, doubt.reason) in checked))
    return out


def open_doubts(content_dir: Path, issue: str | None = None) -> list[IssueDoubt]:
    return [d for d in issue_doubts(content_dir, issue) if not d.checked]


def count_open(content_dir: Path, meta: IssueMeta) -> int:
    """How many of `meta`'s doubts are not checked (for the import summary)."""
    folder = Path(content_dir) / meta.id
    try:
        checked = load_checked(folder)
    except DoubtsError:
        checked = set()
    return sum((d.line, d.reason) not in checked for d in meta.doubts)


def doubt_items(content_dir: Path) -> list[dict]:
    """Open doubts as review items: kind, path (the seed), line (seed line), message, detail."""
    items = []
    for item in open_doubts(Path(content_dir)):
        where = f"content/{item.article_file}" if item.article_file else f"article {item.doubt.article}"
        items.append({
            "kind": "doubt", "path": item.source, "line": item.doubt.line, "message": item.doubt.reason,
            "detail": f"issue {item.issue}, article {item.doubt.article} ({where}); once checked: "
                      f"build.py doubts --check {item.issue} {item.doubt.line}",
        })
    return items


def resolve_seed(source: str, project_root: Path, seeds_dir: Path | None) -> Path | None:
    """The seed file named by issue.yml `source`: relative to the project root, else by its name
    in the seeds folder."""
    candidates = [Path(source)] if Path(source).is_absolute() else [Path(project_root) / source]
    if seeds_dir is not None:
        candidates.append(Path(seeds_dir) / Path(source).name)
    return next((path for path in candidates if path.is_file()), None)


def seed_context(seed_lines: list[str], line: int, around: int = CONTEXT_LINES) -> list[str]:
    """The seed lines around `line`, numbered, the doubtful one marked with `>`."""
    first, last = max(1, line - around), min(len(seed_lines), line + around)
    return [f"{'>' if number == line else ' '} {number:5d} | {seed_lines[number - 1]}"
            for number in range(first, last + 1)]


def _seed_lines(path: Path) -> list[str]:
    from .decode import decode_seed

    data = path.read_bytes()
    try:
        text = decode_seed(data, [], str(path))
    except ValueError:  # a seed that no longer decodes: show what can be read
        text = data.decode("utf-8", errors="replace")
    return re.split(r"\r\n|\r|\n", text)


def print_doubts(content_dir: Path, project_root: Path, seeds_dir: Path | None, issue: str | None,
                 out: TextIO) -> int:
    """`build.py doubts [ISSUE]`: every open doubt with the seed lines around it. Returns the count."""
    doubts = open_doubts(Path(content_dir), issue)
    seeds: dict[str, list[str] | None] = {}
    for item in doubts:
        where = f"content/{item.article_file}" if item.article_file else f"article {item.doubt.article}"
        print(f"{item.source}:{item.doubt.line}: {item.doubt.reason}", file=out)
        print(f"  issue {item.issue}, article {item.doubt.article} ({where})", file=out)
        if item.source not in seeds:
            path = resolve_seed(item.source, project_root, seeds_dir)
            seeds[item.source] = _seed_lines(path) if path else None
        lines = seeds[item.source]
        if lines is None:
            print(f"  (seed {item.source} not found; the line cannot be shown)", file=out)
        else:
            for text in seed_context(lines, item.doubt.line):
                print("  " + text, file=out)
        print(f"  checked? build.py doubts --check {item.issue} {item.doubt.line}", file=out)
        print(file=out)
    scope = f"in {issue}" if issue else "in content/"
    print(f"{len(doubts)} open doubtful split(s) {scope}", file=out)
    return len(doubts)


def check_doubt(content_dir: Path, issue: str, line: int) -> list[Doubt]:
    """Mark the open doubts of `issue` on seed line `line` checked; returns them.

    Raises DoubtsError when there is none, naming the lines that have open doubts."""
    content_dir = Path(content_dir)
    folder = _issue_dirs(content_dir, issue)[0]
    doubts = open_doubts(content_dir, issue)
    matching = [d.doubt for d in doubts if d.doubt.line == line]
    if not matching:
        lines = ", ".join(str(d.doubt.line) for d in doubts) or "none"
        raise DoubtsError(f"no open doubt on line {line} of {issue} (open doubts are on lines: {lines})")
    checked = load_checked(folder) | {(d.line, d.reason) for d in matching}
    entries = [{"line": number, "reason": reason} for number, reason in sorted(checked)]
    write_atomic(folder / CHECKED_FILE, (_CHECKED_HEADER + dump_yaml({"checked": entries})).encode("utf-8"))
    return matching
