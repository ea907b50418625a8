"""What the importer wrote, so that a rebuild never overwrites an editor's change.

content/.import-state.json records, per issue, the hash of the seed it was imported from, the
hash of every file as the importer wrote it, what each article *is* (its title, opening and
source lines as the importer wrote them, so that a changed seed's articles are matched to the
old ones by their text, not their position), and every file name the issue ever used (a new
article never takes a name another article had, which would hand it that article's URL). A file
whose bytes still have the recorded hash is the importer's; any other file is an editor's.

An article file an editor deleted or moved away is *withdrawn*: recorded under `withdrawn`, it is
never imported again until `build.py restore FILE` brings it back.

A state file that cannot be used (merge-conflict markers, `[]`, a missing key) is rebuilt from
content/ with a warning: the broken file is kept as `.import-state.json.broken`, and every file
already in content/ is treated as an editor's (a later re-import writes `.new` beside it rather
than overwrite something nobody can vouch for).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..files import write_atomic
from ..heap import collector_paused

STATE_FILE = ".import-state.json"
BROKEN_SUFFIX = ".broken"
STATE_VERSION = 2
OPENING_CHARS = 80  # characters of an article's text that identify it (with its title)
UNKNOWN_HASH = ""  # a file nobody can vouch for: treated as an editor's


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str | None:
    try:
        return sha256_bytes(path.read_bytes())
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


_NOT_TEXT = re.compile(r"[\W_]+")


def identity_text(text: str) -> str:
    """Text reduced to what survives a re-export: letters and digits only (no spaces, punctuation,
    line breaks or Markdown escapes), NFKC-normalised."""
    return _NOT_TEXT.sub("", unicodedata.normalize("NFKC", text)).lower()


@dataclass(frozen=True)
class ArticleIdentity:
    """What an article is, as the importer wrote it: matched across imports of a changed seed."""

    title: str
    opening: str  # the first OPENING_CHARS of identity_text(body)
    body_sha256: str  # of identity_text(body): equal bodies are the same article for sure
    lines: tuple[int, int]  # source lines in the seed: a hint only, they shift with every insert

    @classmethod
    def of(cls, title: str, plain_body: str, lines) -> "ArticleIdentity":
        body = identity_text(plain_body)
        first, last = (list(lines) + [0, 0])[:2] if lines else (0, 0)
        return cls(identity_text(title), body[:OPENING_CHARS], sha256_bytes(body.encode("utf-8")),
                   (int(first), int(last)))

    def as_json(self) -> dict:
        return {"title": self.title, "opening": self.opening, "body_sha256": self.body_sha256,
                "lines": list(self.lines)}

    @classmethod
    def from_json(cls, data) -> "ArticleIdentity | None":
        if not isinstance(data, dict):
            return None
        try:
            lines = data.get("lines") or [0, 0]
            return cls(str(data["title"]), str(data["opening"]), str(data.get("body_sha256", "")),
                       (int(lines[0]), int(lines[1])))
        except (KeyError, TypeError, ValueError, IndexError):
            return None


@dataclass
class IssueState:
    seed_sha256: str
    source: str
    files: dict[str, str] = field(default_factory=dict)  # content-relative path -> sha256 as written
    articles: dict[str, ArticleIdentity] = field(default_factory=dict)  # content-relative path -> identity
    names: set[str] = field(default_factory=set)  # every content-relative path the issue ever used
    # content-relative path -> sha256 of a fresh import the editor rejected (`build.py reject`):
    # the same import is not offered again as `.new`.
    rejected: dict[str, str] = field(default_factory=dict)


@dataclass
class Withdrawal:
    """An article file the editor deleted or moved: not imported again until restored."""

    issue: str
    identity: ArticleIdentity | None
    moved_to: str | None = None  # content-relative path it was found at, if it was moved

    def as_json(self) -> dict:
        return {"issue": self.issue, "identity": self.identity.as_json() if self.identity else None,
                "moved_to": self.moved_to}


@dataclass
class ImportState:
    issues: dict[str, IssueState] = field(default_factory=dict)
    withdrawn: dict[str, Withdrawal] = field(default_factory=dict)  # content-relative path -> withdrawal
    warnings: list[str] = field(default_factory=list)  # said once, by the build that loaded the state
    rebuilt: bool = False  # the state file was unusable and this state was rebuilt from content/
    data_digest: str = ""  # of the site's own data files when the issues were enriched (sitedata.py)

    @classmethod
    def load(cls, content_dir: Path, seeds_dir: Path | None = None) -> "ImportState":
        """The state of `content_dir`; an unusable state file is rebuilt from content/ (and the
        seeds in `seeds_dir`), with a warning in `warnings`, never an exception."""
        path = Path(content_dir) / STATE_FILE
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls()
        except (OSError, UnicodeDecodeError) as exc:
            return cls.rebuild(content_dir, seeds_dir, f"cannot be read ({getattr(exc, 'strerror', None) or exc})")
        try:
            with collector_paused():
                return cls._parse(json.loads(text))
        except ValueError as exc:  # JSONDecodeError is a ValueError
            return cls.rebuild(content_dir, seeds_dir, str(exc) if not isinstance(exc, json.JSONDecodeError)
                               else f"not valid JSON (line {exc.lineno}: {exc.msg}; merge-conflict markers?)")

    @classmethod
    def _parse(cls, data) -> "ImportState":
        if not isinstance(data, dict) or not isinstance(data.get("issues"), dict):
            raise ValueError("not a mapping with an 'issues' key")
        state = cls()
        for issue_id, entry in data["issues"].items():
            if not isinstance(entry, dict) or not isinstance(entry.get("seed_sha256"), str) \
                    or not isinstance(entry.get("files", {}), dict):
                raise ValueError(f"issue {issue_id!r}: missing or mistyped 'seed_sha256' or 'files'")
            files = {str(rel): str(digest) for rel, digest in entry.get("files", {}).items()}
            articles = {}
            for rel, identity in (entry.get("articles") or {}).items():
                parsed = ArticleIdentity.from_json(identity)
                if parsed is not None:
                    articles[str(rel)] = parsed
            names = set(map(str, entry.get("names") or [])) | set(files)
            rejected = {str(rel): str(digest) for rel, digest in (entry.get("rejected") or {}).items()}
            state.issues[str(issue_id)] = IssueState(entry["seed_sha256"], str(entry.get("source", "")),
                                                     files, articles, names, rejected)
        for rel, entry in (data.get("withdrawn") or {}).items():
            if isinstance(entry, dict):
                state.withdrawn[str(rel)] = Withdrawal(str(entry.get("issue") or rel.split("/")[0]),
                                                       ArticleIdentity.from_json(entry.get("identity")),
                                                       entry.get("moved_to"))
        state.data_digest = str(data.get("data_digest") or "")
        return state

    @classmethod
    def rebuild(cls, content_dir: Path, seeds_dir: Path | None, reason: str) -> "ImportState":
        """A state made from what content/ holds now, after the state file proved unusable."""
        from .format import ISSUE_FILE, ContentError, parse_article, plain_blocks  # format imports nothing of ours

        content_dir = Path(content_dir)
        path = content_dir / STATE_FILE
        if not content_dir.is_dir():
            return cls()
        try:
            os.replace(path, path.with_name(STATE_FILE + BROKEN_SUFFIX))
            kept = f"; the broken file is kept as {STATE_FILE}{BROKEN_SUFFIX}"
        except OSError:
            kept = ""
        state = cls(rebuilt=True)
        for issue_dir in sorted(p for p in content_dir.iterdir() if p.is_dir() and not p.is_symlink()
                                and not p.name.startswith(".")):
            seed = Path(seeds_dir) / f"{issue_dir.name}.txt" if seeds_dir else None
            # The seed as it is now is taken to be the one content/ was imported from: a rebuilt
            # state must not re-import (and `.new`) every issue at once.
            seed_sha = sha256_file(seed) if seed is not None and seed.is_file() else None
            issue = IssueState(seed_sha or UNKNOWN_HASH, "")
            for file in sorted(issue_dir.iterdir()):
                if not file.is_file() or file.name.startswith(".") or not (
                        file.name.endswith(".md") or file.name == ISSUE_FILE):
                    continue
                rel = f"{issue_dir.name}/{file.name}"
                issue.files[rel] = UNKNOWN_HASH
                issue.names.add(rel)
                if file.name.endswith(".md"):
                    try:
                        article = parse_article(file.read_text(encoding="utf-8"), rel)
                    except (ContentError, OSError, UnicodeDecodeError):
                        continue
                    issue.articles[rel] = ArticleIdentity.of(
                        article.title, "\n".join(b.text for b in plain_blocks(article.body)), article.source_lines)
            state.issues[issue_dir.name] = issue
        state.warnings.append(
            f"content/{STATE_FILE} was unusable ({reason}); rebuilt from content/ ({len(state.issues)} issue(s))"
            f"{kept}. Files already in content/ now count as edited: a re-import writes .new beside them")
        return state

    def save(self, content_dir: Path) -> None:
        data = {"version": STATE_VERSION, "issues": {
            issue_id: {"seed_sha256": s.seed_sha256, "source": s.source, "files": dict(sorted(s.files.items())),
                       "articles": {rel: s.articles[rel].as_json() for rel in sorted(s.articles)},
                       "names": sorted(s.names | set(s.files)),
                       **({"rejected": dict(sorted(s.rejected.items()))} if s.rejected else {})}
            for issue_id, s in sorted(self.issues.items())
        }, "withdrawn": {rel: w.as_json() for rel, w in sorted(self.withdrawn.items())}}
        if self.data_digest:
            data["data_digest"] = self.data_digest
        with collector_paused():
            text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        write_atomic(Path(content_dir) / STATE_FILE, text.encode("utf-8"))
