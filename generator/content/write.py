"""Writing imported issues into content/ without ever overwriting an editor's change."""
from __future__ import annotations

import re
from pathlib import Path

from ..report import NEW_SUFFIX, ImportReport
from .format import ISSUE_FILE
from ..files import write_atomic
from .state import ImportState, IssueState, sha256_bytes, sha256_file


_ORDER_PREFIX = re.compile(r"^(\d+)-")


def _position_key(rel: str) -> str:
    """Files of one issue are matched across imports by position (NN), not by slug."""
    name = rel.rsplit("/", 1)[-1]
    match = _ORDER_PREFIX.match(name)
    return str(int(match.group(1))) if match else name


def write_issue(content_dir: Path, issue_id: str, seed_sha256: str, source: str, files: dict[str, str],
                state: ImportState, report: ImportReport) -> None:
    """Write one imported issue's files (content-relative path -> text) into `content_dir`.

    A file whose bytes are still what the importer wrote last time is the importer's and is
    updated; any other file is an editor's and is kept, the fresh import going to `<file>.new`.
    Files of one issue are matched across imports by their position (NN)."""
    previous = state.issues.get(issue_id)
    written_before = dict(previous.files) if previous else {}
    issue_dir = content_dir / issue_id
    on_disk = {f"{issue_id}/{p.name}": p for p in issue_dir.glob("*") if p.is_file()} if issue_dir.is_dir() else {}
    on_disk_by_position: dict[str, list[str]] = {}
    for rel in on_disk:
        if not rel.endswith(NEW_SUFFIX):
            on_disk_by_position.setdefault(_position_key(rel), []).append(rel)
    new_state = IssueState(seed_sha256, source)

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
            if previous and previous.rejected.get(keep) == digest:
                new_state.rejected[keep] = digest  # the editor said no to this very import
            elif current != digest:
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
                report.notices.append(f"content/{rel} no longer matches an article of {source}; kept")
    state.issues[issue_id] = new_state
