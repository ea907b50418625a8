"""The one place the renderer touches the output folder: staged, incremental and atomic.

A build writes the files whose bytes changed into a staging folder beside the output folder;
nothing in the output folder is touched until every page and the search data are done, so a build
that fails or is killed before then leaves the previous site as it was. Then one of two commits:

- few changes (the usual rebuild): a journal lists the files to replace, add and remove, and the
  changes are moved into place by renames, the replaced and removed files into a backup folder.
  A build killed during those renames is rolled back from the journal by the next build (or by
  `recover`), restoring the previous site exactly;
- many changes (a first or full build, a new theme): the unchanged files are hard-linked into the
  staging folder, which then replaces the output folder by two renames.

Unchanged files keep their bytes, inode and modification time, so a sync to a static host
uploads only what changed; files that no longer belong to the site are removed.
"""
from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .caches import file_signature as _signature
from .files import write_atomic

SITE_MARKER = ".bulletin-site"  # written into every folder this project built: only such a folder is cleaned
LEGACY_SITE_MARKERS = ("index.html", "404.html")  # a site built before the marker, known from the cache
# Files a user keeps in the output folder on purpose (a gh-pages worktree, a custom domain): never
# removed, carried over when the whole folder is swapped. site.yml `keep:` adds more.
DEFAULT_KEEP = (".git", "CNAME", ".nojekyll")


class OutputPathError(ValueError):
    pass


class ShrinkError(OutputPathError):
    """The build would remove most of the published site (a typo'd or emptied content folder)."""


SHRINK_SHARE = 0.5  # a build keeping fewer than this share of the last build's articles is refused …
SHRINK_MIN_LOST = 10  # … when it would lose at least this many (or all of them)


def check_shrink(previous_articles: int, articles: int, issues: int, content_dir: Path) -> None:
    """Refuse a build that would shrink the site far below the last build (see ShrinkError)."""
    lost = previous_articles - articles
    if previous_articles <= 0 or lost <= 0:
        return
    if articles > 0 and (articles >= SHRINK_SHARE * previous_articles or lost < SHRINK_MIN_LOST):
        return
    if not Path(content_dir).exists():
        why = f"the content folder {content_dir} does not exist"
    elif articles == 0:
        why = f"the content folder {content_dir} holds no articles"
    else:
        why = f"the content folder {content_dir} holds far fewer articles than before"
    raise ShrinkError(f"this build would shrink the site from {previous_articles} articles to {articles} "
                      f"({issues} issues): {why}. Nothing was changed. Check --content; if the site is meant "
                      "to shrink, run again with --allow-shrink")


def read_marker(output_dir: Path) -> dict:
    """What the last build recorded in its site marker ({} when there is none or it is unreadable)."""
    try:
        data = json.loads((Path(output_dir) / SITE_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def marker_bytes(articles: int, issues: int) -> bytes:
    return (json.dumps({"built_by": "bulletin archive generator (build.py)", "issues": issues,
                        "articles": articles}, ensure_ascii=False) + "\n").encode("utf-8")


@dataclass(frozen=True)
class OutputRecord:
    """What was written to one output file, to recognise it unchanged in the next build."""

    fingerprint: str | None  # inputs of the page (None: not a rendered page)
    digest: str  # sha1 of the bytes
    size: int
    mtime_ns: int
    dependencies: tuple | None = None  # keys of the views the page read while it rendered
    identity: str | None = None  # digest of the page's identity (fingerprints.Fingerprints.identity)


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)


def _checked(rel: str) -> str:
    """A site-relative path as an OS path, after making sure it stays inside the output folder."""
    if rel.startswith("/") or "\\" in rel or "\0" in rel or any(part in ("", ".", "..") for part in rel.split("/")):
        raise OutputPathError(f"output path must stay inside the output folder: {rel!r}")
    return rel if os.sep == "/" else rel.replace("/", os.sep)


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _digest(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def is_kept(rel: str, keep: tuple[str, ...]) -> bool:
    """Whether an output-relative path is, or is inside, one the user keeps (patterns match a
    path or any of its leading folders, `fnmatch`-style)."""
    match = kept_matcher(tuple(keep))
    if match is None:
        return False
    end = rel.find("/")
    while end != -1:
        if match(rel, 0, end):
            return True
        end = rel.find("/", end + 1)
    return match(rel) is not None


@lru_cache(maxsize=16)
def kept_matcher(keep: tuple[str, ...]):
    """One compiled expression for all the keep patterns (`fnmatch.fnmatchcase` of each): asked
    of every file of the site by several walks of every build. None when nothing is kept."""
    patterns = [pattern.strip("/") for pattern in keep]
    return re.compile("|".join(map(fnmatch.translate, patterns))).match if patterns else None


def kept_entries(folder: Path, keep: tuple[str, ...]) -> list[str]:
    """The top-level entries of `folder` the user keeps, and kept paths deeper down (relative)."""
    found = []
    prefix = len(str(folder)) + 1
    for base, dirs, files in os.walk(folder):
        rel_base = base[prefix:].replace(os.sep, "/")
        for name in sorted(dirs + files):
            rel = f"{rel_base}/{name}" if rel_base else name
            if is_kept(rel, keep):
                found.append(rel)
        dirs[:] = [d for d in dirs if not is_kept(f"{rel_base}/{d}" if rel_base else d, keep)]
    return found


def carry_kept(source: Path, target: Path, keep: tuple[str, ...]) -> None:
    """Move the kept files of the folder being retired into the folder replacing it (where the
    new site does not have them). Runs after the swap and again on recovery, so a build killed
    in between loses nothing."""
    if not source.is_dir():
        return
    for rel in kept_entries(source, keep):
        old, new = source / rel, target / rel
        if (old.exists() or old.is_symlink()) and not (new.exists() or new.is_symlink()):
            new.parent.mkdir(parents=True, exist_ok=True)
            os.rename(old, new)




SWAP_SHARE = 0.5  # above this share of changed files, swapping the whole folder is cheaper


def staging_dir(output_dir: Path) -> Path:
    return output_dir.parent / f".{output_dir.name}.staging"


def retired_dir(output_dir: Path) -> Path:
    return output_dir.parent / f".{output_dir.name}.previous"


def journal_path(output_dir: Path) -> Path:
    return output_dir.parent / f".{output_dir.name}.journal"


def backup_dir(output_dir: Path) -> Path:
    return output_dir.parent / f".{output_dir.name}.backup"


def recover(output_dir: Path, keep: tuple[str, ...] = DEFAULT_KEEP) -> None:
    """Undo a commit that was interrupted, leaving the site as the last complete build made it."""
    output_dir = Path(output_dir)
    retired = retired_dir(output_dir)
    if retired.is_dir():  # killed between the two renames of a swap, or before the kept files moved
        if output_dir.exists():
            carry_kept(retired, output_dir, keep)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.rename(retired, output_dir)
    journal = journal_path(output_dir)
    if journal.exists():
        try:
            entries = json.loads(journal.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            entries = None  # torn journal: it was being written, so nothing was moved yet
        if entries is not None:
            backup = backup_dir(output_dir)
            for rel in entries["add"]:
                _unlink(output_dir / rel)
            for rel in entries["replace"] + entries["remove"]:
                saved = backup / rel
                if saved.exists():
                    (output_dir / rel).parent.mkdir(parents=True, exist_ok=True)
                    os.replace(saved, output_dir / rel)
        journal.unlink()
    shutil.rmtree(backup_dir(output_dir), ignore_errors=True)


def tidy(output_dir: Path, keep: tuple[str, ...] = DEFAULT_KEEP) -> None:
    """What a killed build left beside the output: an interrupted commit is rolled back and the
    staging folder removed."""
    recover(output_dir, keep)
    shutil.rmtree(staging_dir(Path(output_dir)), ignore_errors=True)


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


class StagedOutput:
    """Collects a build's changed files in a staging folder; `commit` puts them in place."""

    def __init__(self, output_dir: Path, previous: dict[str, OutputRecord], keep: tuple[str, ...] = DEFAULT_KEEP):
        self.output_dir = Path(output_dir)
        self.previous = previous
        self.kept_paths = tuple(keep)
        self.records: dict[str, OutputRecord] = {}
        self.report = WriteReport()
        self._carried: list[str] = []  # unchanged files, to link over if the whole folder is swapped
        recover(self.output_dir, self.kept_paths)
        self.staging = staging_dir(self.output_dir)
        self._output_prefix = str(self.output_dir)
        if self.staging.exists():  # left by a build that was killed
            shutil.rmtree(self.staging)
        self.staging.mkdir(parents=True)
        self._made_dirs: set[str] = set()

    def _old(self, rel: str) -> str:
        # Plain strings, not pathlib: this runs for every file of the site on every build.
        return os.path.join(self._output_prefix, _checked(rel))

    def _staged(self, rel: str) -> str:
        target = os.path.join(str(self.staging), _checked(rel))
        folder = os.path.dirname(target)
        if folder not in self._made_dirs:
            os.makedirs(folder, exist_ok=True)
            self._made_dirs.add(folder)
        return target

    def previous_dependencies(self, rel: str) -> tuple | None:
        """The keys the previous build's page read, or None when it was no rendered page."""
        record = self.previous.get(rel)
        return record.dependencies if record is not None else None

    def reusable(self, rel: str, fingerprint: str) -> bool:
        """True when the previous build wrote this file from the same inputs and nobody touched it."""
        record = self.previous.get(rel)
        return (record is not None and record.fingerprint == fingerprint
                and _signature(self._old(rel)) == (record.mtime_ns, record.size))

    def keep(self, rel: str) -> None:
        """Carry the previous build's file over unchanged (only after `reusable` said so)."""
        self._claim(rel)
        self.records[rel] = self.previous[rel]
        self._carried.append(rel)
        self.report.unchanged += 1

    def _claim(self, rel: str) -> None:
        # Two outputs of one build at one path (a theme's static/js/lunr.min.js and the search's
        # own) would silently keep the last one written: that is an error, never a choice.
        if rel in self.records:
            raise OutputPathError(f"two files of this build have the same path {rel!r} (a theme file "
                                  "named like a generated one?); rename one of them")

    def put(self, rel: str, data: bytes, fingerprint: str | None = None, dependencies: tuple | None = None,
            identity: str | None = None) -> None:
        self._claim(rel)
        digest = _digest(data)
        old = self._old(rel)
        record = self.previous.get(rel)
        signature = _signature(old)
        if signature is not None:
            same = (record.digest == digest and signature == (record.mtime_ns, record.size)
                    if record is not None else signature[1] == len(data) and _read(old) == data)
            if same:
                self.records[rel] = OutputRecord(fingerprint, digest, signature[1], signature[0], dependencies, identity)
                self._carried.append(rel)
                self.report.unchanged += 1
                return
        target = self._staged(rel)
        with open(target, "wb") as handle:
            handle.write(data)
        mtime_ns, size = _signature(target)
        self.records[rel] = OutputRecord(fingerprint, digest, size, mtime_ns, dependencies, identity)
        self.report.written.append(rel)

    def put_chunks(self, rel: str, chunks, fingerprint: str | None = None) -> None:
        """`put` for a file too big to hold twice in memory (the offline zip): its bytes arrive
        as `chunks` and are written to the staging folder as they come, hashed on the way."""
        self._claim(rel)
        target = self._staged(rel)
        digest = hashlib.sha1()
        with open(target, "wb") as handle:
            for chunk in chunks:
                digest.update(chunk)
                handle.write(chunk)
        digest = digest.hexdigest()
        old, record = self._old(rel), self.previous.get(rel)
        signature, staged = _signature(old), _signature(target)
        if signature is not None and (
                record.digest == digest and signature == (record.mtime_ns, record.size) if record is not None
                else signature[1] == staged[1] and _read(old) == _read(target)):
            os.unlink(target)
            self.records[rel] = OutputRecord(fingerprint, digest, signature[1], signature[0])
            self._carried.append(rel)
            self.report.unchanged += 1
            return
        self.records[rel] = OutputRecord(fingerprint, digest, staged[1], staged[0])
        self.report.written.append(rel)

    def site_files(self) -> list[str]:
        """Every file the committed site will hold, so far (put or kept), sorted."""
        return sorted(self.records)

    def read(self, rel: str) -> bytes:
        """The bytes a file of the site will have after the commit (staged, or the unchanged one)."""
        staged = os.path.join(str(self.staging), _checked(rel))
        return _read(staged if os.path.exists(staged) else self._old(rel))

    def commit(self) -> WriteReport:
        self.report.removed = sorted(self._stale_files())
        changes = len(self.report.written) + len(self.report.removed)
        if not self.output_dir.exists() or changes > SWAP_SHARE * max(1, len(self.records)):
            self._swap()
        else:
            self._move_changes()
        return self.report

    def _swap(self) -> None:
        for rel in self._carried:
            old, target = self._old(rel), self._staged(rel)
            try:
                os.link(old, target)
            except OSError:  # a file system without hard links: a copy keeps bytes and time
                shutil.copy2(old, target)
        retired = retired_dir(self.output_dir)
        if self.output_dir.exists():
            os.rename(self.output_dir, retired)
        os.rename(self.staging, self.output_dir)
        carry_kept(retired, self.output_dir, self.kept_paths)
        shutil.rmtree(retired, ignore_errors=True)

    def _move_changes(self) -> None:
        existing = [rel for rel in self.report.written if os.path.exists(self._old(rel))]
        added = sorted(set(self.report.written) - set(existing))
        journal = journal_path(self.output_dir)
        write_atomic(journal, json.dumps({"replace": existing, "add": added, "remove": self.report.removed},
                                         ensure_ascii=False).encode("utf-8"))
        backup = backup_dir(self.output_dir)
        for rel in existing + self.report.removed:
            saved = backup / _checked(rel)
            saved.parent.mkdir(parents=True, exist_ok=True)
            os.rename(self._old(rel), saved)
        for rel in existing + added:
            target = self._old(rel)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.rename(os.path.join(str(self.staging), _checked(rel)), target)
        journal.unlink()  # the commit point: from here on the new site stands
        for rel in self.report.removed:
            _remove_empty_parents(Path(self._old(rel)).parent, self.output_dir)
        shutil.rmtree(backup, ignore_errors=True)
        shutil.rmtree(self.staging, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def _stale_files(self) -> list[str]:
        if not self.output_dir.is_dir():
            return []
        stale = []
        prefix = len(self._output_prefix) + 1
        for folder, dirs, files in os.walk(self._output_prefix):
            base = folder[prefix:].replace(os.sep, "/")
            if self.kept_paths:
                dirs[:] = [d for d in dirs if not is_kept(f"{base}/{d}" if base else d, self.kept_paths)]
            for name in files:
                rel = f"{base}/{name}" if base else name
                if rel not in self.records and not (self.kept_paths and is_kept(rel, self.kept_paths)):
                    stale.append(rel)
        return stale


def _remove_empty_parents(folder: Path, root: Path) -> None:
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def check_not_under_a_file(folder: Path, option: str) -> None:
    """Refuse a folder path that runs through a regular file (`notes.txt/public`)."""
    given = Path(folder)
    for parent in [given, *given.parents]:
        if parent.exists() and not parent.is_dir():
            raise OutputPathError(f"{option} {given}: {parent} is a file, not a folder; choose another {option}")
        if parent.exists():
            break


def check_output_dir(output_dir: Path, protected: list[Path], known_output: bool,
                     keep: tuple[str, ...] = DEFAULT_KEEP) -> None:
    """Refuse an output folder whose cleaning would destroy something that is not our site.

    Only a folder this project built (it holds SITE_MARKER; or, built before the marker
    existed, the cache knows it and it holds an index.html) is ever cleaned; any other folder
    must be empty apart from the files the user keeps (`.git`, `CNAME`, …)."""
    check_not_under_a_file(output_dir, "--output")
    output_dir = Path(output_dir).resolve()
    for path in protected:
        path = Path(path).resolve()
        if output_dir == path or output_dir in path.parents:
            raise OutputPathError(f"output folder {output_dir} would replace {path}; choose another --output")
    if output_dir == Path(output_dir.anchor) or output_dir == Path.home():
        raise OutputPathError(f"output folder {output_dir} is not a site folder; choose another --output")
    if not output_dir.exists():
        return
    if not output_dir.is_dir():
        raise OutputPathError(f"output {output_dir} exists and is not a folder")
    if (output_dir / SITE_MARKER).is_file():
        return
    if known_output and any((output_dir / marker).is_file() for marker in LEGACY_SITE_MARKERS):
        return
    foreign = sorted(p.name for p in output_dir.iterdir() if not is_kept(p.name, keep))
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise OutputPathError(f"output folder {output_dir} was not built here (it has no {SITE_MARKER} file) and "
                              f"is not empty ({shown}): building would remove those files; empty it, "
                              "or choose another --output")
