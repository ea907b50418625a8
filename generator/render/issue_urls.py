"""Issue URLs that never move, recorded in content/.urls.json.

An exact date gives `issues/2024/03-15/`; a month known only as a month gives
`issues/2024-03/1/`, `issues/2024-03/2/` … in the order the issues were first built (a year
only: `issues/2024/1/`); an issue without a date `issues/undated-<id>/`. Once an issue has been
given a URL it keeps it: a later issue of the same month, a better date found later, or an issue
that sorts earlier never takes or moves it. The assignments live in content/ (not in the cache)
because they are part of what was published: deleting the cache must not move a URL.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..files import write_atomic
from ..lang.slugs import slugify
from ..records import IssueMeta

URLS_FILE = ".urls.json"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*(?:/[a-z0-9][a-z0-9-]*)?$")
_MONTH_SLUG = re.compile(r"^(\d{4}-\d{2})/(\d+)$")


@dataclass
class IssueUrls:
    """Issue id -> URL slug (the path under issues/), as published; entries are never dropped, so
    the URL of a deleted issue is not given to another one."""

    assigned: dict[str, str] = field(default_factory=dict)
    problem: str | None = None  # why the recorded file could not be used
    _saved: dict[str, str] = field(default_factory=dict)
    recorded: bool = False  # the file existed: every published issue URL is in it

    @classmethod
    def load(cls, content_dir: Path | None) -> "IssueUrls":
        if content_dir is None:
            return cls()
        path = Path(content_dir) / URLS_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            return cls(problem=f"{path}: cannot be read ({type(exc).__name__}); issue URLs are assigned afresh")
        issues = data.get("issues") if isinstance(data, dict) else None
        if not isinstance(issues, dict) or not all(isinstance(k, str) and isinstance(v, str) and _SLUG.match(v)
                                                   for k, v in issues.items()):
            return cls(problem=f"{path}: not a map of issue ids to URLs; issue URLs are assigned afresh")
        return cls(dict(issues), None, dict(issues), True)

    def save(self, content_dir: Path | None) -> bool:
        """Write the file when an assignment was added (never rewritten otherwise)."""
        if content_dir is None or self.assigned == self._saved or not Path(content_dir).is_dir():
            return False
        data = {"version": 1, "note": "issue id -> URL under issues/; published URLs never move, do not edit",
                "issues": dict(sorted(self.assigned.items()))}
        write_atomic(Path(content_dir) / URLS_FILE,
                     (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
        self._saved = dict(self.assigned)
        return True

    def assign(self, ordered: list[IssueMeta], published: Path | None = None) -> dict[str, str]:
        """The slug of every issue (`ordered` oldest first); new issues get the first free URL of
        their date, in that order.

        `published` is the output folder: before URLs were recorded (no .urls.json yet), issue
        pages were at `issues/<date>[-no<number>]/`; an issue whose page of that scheme is in the
        output keeps that URL, so upgrading does not move a published site's pages."""
        legacy = _legacy_slugs(ordered) if published is not None and not self.recorded else {}
        taken = set(self.assigned.values()) | {"index"}
        for meta in ordered:
            if meta.id in self.assigned:
                continue
            old = legacy.get(meta.id)
            if old and old not in taken and (Path(published) / "issues" / old / "index.html").is_file():
                self.assigned[meta.id] = old
                taken.add(old)
        for meta in ordered:
            if meta.id in self.assigned:
                continue
            slug = next(candidate for candidate in _candidates(meta) if candidate not in taken)
            self.assigned[meta.id] = slug
            taken.add(slug)
        return {meta.id: self.assigned[meta.id] for meta in ordered}


def _candidates(meta: IssueMeta):
    date = meta.date or ""
    parts = date.split("-")
    if len(parts) == 3:
        base = f"{parts[0]}/{parts[1]}-{parts[2]}"
        yield base
        yield from (f"{base}-{n}" for n in range(2, 1 << 30))
    elif len(parts) == 2:
        yield from (f"{date}/{n}" for n in range(1, 1 << 30))
    elif date:
        yield from (f"{date}/{n}" for n in range(1, 1 << 30))
    else:
        base = slugify("undated-" + (slugify(meta.id) or "issue"))  # one level, as before .urls.json
        yield base
        yield from (f"{base}-{n}" for n in range(2, 1 << 30))


def month_ordinal(slug: str, date: str | None) -> int | None:
    """N of `2024-03/N` while the issue's date is still that month: its 第N期 within the month."""
    match = _MONTH_SLUG.match(slug)
    return int(match.group(2)) if match and date == match.group(1) else None


def _legacy_slugs(ordered: list[IssueMeta]) -> dict[str, str]:
    """Issue slugs as builds before .urls.json made them (date, -no<number>, hash on collision)."""
    from .urls import assign_unique_slugs

    def old_slug(meta: IssueMeta) -> str:
        base = meta.date or "undated"
        if meta.number is not None:
            base += f"-no{meta.number}"
        elif not meta.date:
            base += "-" + slugify(meta.id)
        return slugify(base)

    metas = {m.id: m for m in ordered}
    return assign_unique_slugs(list(metas), lambda key: old_slug(metas[key]), reserved=["index"])
