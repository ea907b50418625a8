"""Articles the editor withdrew (deleted or moved out of their issue folder), for `build.py review`
and `build.py restore FILE`.

A withdrawal is recorded in content/.import-state.json by the import that first finds the file
gone; no later import brings the article back. Restoring removes the record and imports the
article's seed again, which writes the article back under its old name (and URL).
"""
from __future__ import annotations

import os
from pathlib import Path

from .state import STATE_FILE, ImportState


def withdrawn_items(content_dir: Path) -> list[dict]:
    """One review item per withdrawn article: kind, path (content-relative), line, message, detail."""
    state = ImportState.load(Path(content_dir))
    items = []
    for rel, withdrawal in sorted(state.withdrawn.items()):
        where = f"moved to content/{withdrawal.moved_to}" if withdrawal.moved_to else "deleted"
        items.append({
            "kind": "withdrawn",
            "path": rel,
            "line": None,
            "message": f"withdrawn by the editor ({where}); not re-imported",
            "detail": f"`build.py restore {rel}` imports it again from its seed"
                      + (f" (the opening: {withdrawal.identity.opening[:30]}…)" if withdrawal.identity else ""),
        })
    return items


def withdrawn_path(content_dir: Path, name: str) -> str | None:
    """The content-relative path of a withdrawn article named on the command line (as
    `issue/file.md`, `content/issue/file.md` or any path ending so), or None."""
    state = ImportState.load(Path(content_dir))
    given = Path(name).as_posix()
    if os.path.isabs(name):
        try:
            given = Path(name).relative_to(Path(content_dir).resolve()).as_posix()
        except ValueError:
            pass
    candidates = [rel for rel in state.withdrawn if given == rel or given.endswith("/" + rel)]
    return candidates[0] if len(candidates) == 1 else None


def withdraw_again(content_dir: Path, rel: str) -> None:
    """A restore that found no article to bring back: the withdrawal stands as it was."""
    from .state import Withdrawal

    state = ImportState.load(Path(content_dir))
    issue_id = rel.split("/", 1)[0]
    issue = state.issues.get(issue_id)
    identity = issue.articles.pop(rel, None) if issue else None
    state.withdrawn[rel] = Withdrawal(issue_id, identity)
    state.save(Path(content_dir))


__all__ = ["STATE_FILE", "withdraw_again", "withdrawn_items", "withdrawn_path"]
