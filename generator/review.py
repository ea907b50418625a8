"""Decisions waiting for an editor: `build.py review`, `build.py accept FILE…`, `build.py reject FILE…`.

Items come from providers: functions `provider(context: ReviewContext) -> list[dict]`, each
dict with the keys `kind`, `path` (as the user names it), `line` (or None), `message` (one line)
and `detail` (more lines, or ""). `PROVIDERS` lists this module's own; other stages add theirs
(the splitter's doubts, withdrawn articles, topic proposals, date conflicts) by passing
`providers=` or appending to `PROVIDERS`.

Every build's summary counts what is pending (`pending_counts`): fresh imports waiting as `.new`
beside an editor's file, and splitter doubts not yet checked.
"""
from __future__ import annotations

import difflib
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TextIO

from .content import ContentError, ContentSet, load_content, parse_article
from .content.state import ImportState, sha256_bytes
from .report import NEW_SUFFIX

ITEM_KEYS = ("kind", "path", "line", "message", "detail")


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    path = Path(path)
    try:
        relative = os.path.relpath(os.path.abspath(path))
    except ValueError:  # another drive (Windows)
        return str(path)
    return relative if not relative.startswith("..") else str(path)


@dataclass
class ReviewContext:
    content_dir: Path
    content: ContentSet

    def shown(self, rel: str) -> str:
        """A content-relative path as the user names it (`--content` may point elsewhere)."""
        return display_path(self.content_dir / rel)


Provider = Callable[[ReviewContext], list]


def pending_new_files(content_dir: Path) -> list[str]:
    """Content-relative paths of the `.new` files waiting (the editor's file without `.new`)."""
    content_dir = Path(content_dir)
    if not content_dir.is_dir():
        return []
    return sorted(f"{p.parent.name}/{p.name[:-len(NEW_SUFFIX)]}" for p in content_dir.glob(f"*/*{NEW_SUFFIX}")
                  if p.is_file() and not p.parent.name.startswith("."))


def pending_counts(content_dir: Path, content: ContentSet) -> dict[str, int]:
    from .ingest.doubts import count_open

    return {"fresh import(s) waiting as .new": len(pending_new_files(content_dir)),
            "open splitter doubt(s)": sum(count_open(content_dir, meta) for meta in content.issues.values())}


# --- providers -----------------------------------------------------------------------------------

def new_file_items(context: ReviewContext) -> list[dict]:
    items = []
    for rel in pending_new_files(context.content_dir):
        mine, fresh = context.content_dir / rel, context.content_dir / (rel + NEW_SUFFIX)
        items.append({
            "kind": "fresh import", "path": context.shown(rel), "line": None,
            "message": f"a fresh import waits in {context.shown(rel + NEW_SUFFIX)}; "
                       f"build.py accept takes it, build.py reject keeps your version",
            "detail": file_diff(mine, fresh, context.shown(rel), context.shown(rel + NEW_SUFFIX)),
        })
    return items


def inferred_date_items(context: ReviewContext) -> list[dict]:
    """How each inferred issue date was reached: shown here, never to readers."""
    return [{"kind": "inferred date", "path": context.shown(f"{issue_id}/issue.yml"), "line": None,
             "message": f"date {meta.date} inferred; set `date` in {_sidecar_name(meta.source)} to fix it",
             "detail": meta.date_method or ""}
            for issue_id, meta in sorted(context.content.issues.items())
            if meta.date and meta.date_inferred and meta.date_method]


def _sidecar_name(source: str) -> str:
    return Path(source).with_suffix(".yml").as_posix() if source else "seeds/<stem>.yml"


def _from_content_dir(items_of) -> Provider:
    """A provider from a stage's own `items(content_dir)`, paths shown as the user names them."""
    def provider(context: ReviewContext) -> list[dict]:
        items = items_of(context.content_dir)
        for item in items:
            rel = item.get("path") or ""
            if rel and not rel.startswith(("seeds/", "/")) and (context.content_dir / rel).parent.exists():
                item["path"] = context.shown(rel)
        return items
    provider.__name__ = getattr(items_of, "__name__", "provider")
    return provider


def _providers() -> list[Provider]:
    from .content.withdrawn import withdrawn_items
    from .enrich.dates import date_conflict_items
    from .enrich.tags import topic_proposals
    from .ingest.doubts import doubt_items

    return [new_file_items, _from_content_dir(doubt_items), _from_content_dir(withdrawn_items),
            _from_content_dir(date_conflict_items), inferred_date_items, _from_content_dir(topic_proposals)]


PROVIDERS: list[Provider] = []  # more providers a theme or plugin adds


def collect(content_dir: Path, content: ContentSet | None = None, providers: list[Provider] | None = None) -> list[dict]:
    content_dir = Path(content_dir)
    context = ReviewContext(content_dir, content if content is not None else load_content(content_dir))
    items = []
    for provider in providers if providers is not None else _providers() + PROVIDERS:
        items.extend(provider(context))
    return items


def print_items(items: list[dict], out: TextIO | None = None) -> None:
    out = out or sys.stdout
    if not items:
        print("review: nothing pending", file=out)
        return
    print(f"review: {len(items)} item(s)", file=out)
    for item in items:
        where = item["path"] + (f":{item['line']}" if item.get("line") else "")
        print(f"\n[{item['kind']}] {where}: {item['message']}", file=out)
        for line in (item.get("detail") or "").splitlines():
            print(f"    {line}", file=out)


# --- the diff of a .new file against the editor's version -----------------------------------------

def file_diff(mine: Path, fresh: Path, mine_name: str, fresh_name: str) -> str:
    """Front matter key by key, then the body as a unified diff of paragraphs."""
    mine_text, fresh_text = _read(mine), _read(fresh)
    mine_front, mine_body = _split(mine_text)
    fresh_front, fresh_body = _split(fresh_text)
    lines = []
    for key in dict.fromkeys([*mine_front, *fresh_front]):
        old, new = mine_front.get(key), fresh_front.get(key)
        if old != new:
            lines.append(f"{key}: yours {old if old is not None else '(none)'}")
            lines.append(f"{' ' * len(key)}  import {new if new is not None else '(none)'}")
    body = list(difflib.unified_diff(mine_body, fresh_body, f"{mine_name} (yours)", f"{fresh_name} (import)",
                                     lineterm="", n=1))
    if body:
        lines.append("body:")
        lines.extend(body)
    return "\n".join(lines) if lines else "(the same text)"


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _split(text: str) -> tuple[dict[str, str], list[str]]:
    """(front matter key -> the line's value as written, body paragraphs)."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    front, body = {}, text
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end >= 0:
            key = None
            for line in text[4:end].splitlines():
                if line[:1] not in (" ", "-", "\t") and ":" in line:
                    key, value = line.split(":", 1)
                    front[key] = value.strip()
                elif key is not None:
                    front[key] += " " + line.strip()
            body = text[end + 4:].split("\n", 1)[1] if "\n" in text[end + 4:] else ""
    return front, [p.strip() for p in body.split("\n\n") if p.strip()]


# --- accept / reject ---------------------------------------------------------------------------

class ReviewError(Exception):
    """A file given to accept/reject that has no fresh import waiting, or lies outside content/."""


def _target(content_dir: Path, name: str) -> tuple[str, Path, Path]:
    """(content-relative path, the editor's file, its .new) for a FILE as the user typed it."""
    path = Path(name)
    if path.name.endswith(NEW_SUFFIX):
        path = path.with_name(path.name[: -len(NEW_SUFFIX)])
    absolute = Path(os.path.abspath(path))
    root = Path(os.path.abspath(content_dir))
    try:
        rel = absolute.relative_to(root).as_posix()
    except ValueError:
        # `x/01-a.md` relative to the content folder is accepted as well.
        rel = path.as_posix()
        absolute = root / rel
    if rel.count("/") != 1 or rel.startswith("."):
        raise ReviewError(f"{name}: not an article or issue file inside {display_path(content_dir)}")
    fresh = absolute.with_name(absolute.name + NEW_SUFFIX)
    if not fresh.is_file():
        raise ReviewError(f"{name}: no fresh import waiting ({display_path(fresh)} does not exist)")
    return rel, absolute, fresh


def accept(content_dir: Path, names: list[str], out: TextIO | None = None) -> int:
    """Take the fresh import: it replaces the editor's file, which is the importer's again (a later
    import updates it). Exit status 0, or 1 when some FILE could not be accepted."""
    return _decide(content_dir, names, out, accepting=True)


def reject(content_dir: Path, names: list[str], out: TextIO | None = None) -> int:
    """Keep the editor's version; the import state records the rejected import, so the same one
    is not offered again (a different one, from a changed seed, is)."""
    return _decide(content_dir, names, out, accepting=False)


def _decide(content_dir: Path, names: list[str], out: TextIO | None, accepting: bool) -> int:
    out = out or sys.stdout
    content_dir = Path(content_dir)
    state = ImportState.load(content_dir)
    status = 0
    for name in names:
        try:
            rel, mine, fresh = _target(content_dir, name)
        except ReviewError as err:
            print(f"error: {err}", file=out)
            status = 1
            continue
        data = fresh.read_bytes()
        issue_state = state.issues.get(rel.split("/", 1)[0])
        if accepting:
            if rel.endswith((".md", ".markdown")):
                try:
                    parse_article(data.decode("utf-8"), rel, [])
                except (ContentError, UnicodeDecodeError) as err:
                    print(f"error: {display_path(fresh)}: cannot be used ({err}); kept as it is", file=out)
                    status = 1
                    continue
            os.replace(fresh, mine)
            if issue_state is not None:
                issue_state.files[rel] = sha256_bytes(data)
                issue_state.rejected.pop(rel, None)
            print(f"accepted {display_path(mine)}: the fresh import replaces your version", file=out)
        else:
            if issue_state is not None:
                issue_state.rejected[rel] = sha256_bytes(data)
            fresh.unlink()
            print(f"rejected {display_path(fresh)}: your version of {display_path(mine)} stays; "
                  "this import will not be offered again", file=out)
    state.save(content_dir)
    return status
