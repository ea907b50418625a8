"""Seeds: finding the raw issues that are new or changed, and splitting them into articles.

A seed that cannot be read or split is reported with file, line and reason, and every other
seed still imports.
"""
from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..content.state import ImportState, sha256_bytes
from ..parallel import fork_map
from ..records import SplitIssue
from ..report import ImportReport, Problem

SEED_SUFFIX = ".txt"
# A seed is one printed issue page, about 20 KB of text. A file a hundred times that size is not
# one issue (a whole archive exported into one file, a log, a disk image): it is reported rather
# than split, which would also take minutes.
MAX_SEED_BYTES = 2_000_000
_NAME_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass
class SeedFile:
    path: Path
    issue_id: str
    source: str  # the seed's path as shown to the user (relative to the project root)
    data: bytes
    text: str = ""

    @cached_property
    def sha256(self) -> str:  # asked for several times per seed, and every seed is read on every build
        return sha256_bytes(self.data)


def find_changed_seeds(seeds_dir: Path, content_dir: Path, state: ImportState, report: ImportReport,
                       project_root: Path) -> list[SeedFile]:
    """The seeds that are new or whose bytes changed since the last import; unusable seeds go
    to `report.problems`, unchanged ones to `report.unchanged`."""
    seeds_dir = Path(seeds_dir)
    changed: list[SeedFile] = []
    if not seeds_dir.is_dir():
        report.notices.append(f"no seeds folder at {seeds_dir}; nothing to import"
                              if not seeds_dir.exists() else f"{seeds_dir} is not a folder; nothing to import")
        return changed
    issue_ids: dict[str, str] = {}  # normalised issue id -> seed that claimed it first
    by_bytes: dict[str, str] = {}  # sha256 -> seed with those bytes seen first in this folder
    imported_bytes = {issue.seed_sha256: issue_id for issue_id, issue in state.issues.items() if issue.seed_sha256}
    root = os.path.abspath(project_root)
    for path in sorted(seeds_dir.iterdir()):
        if not path.name.lower().endswith(SEED_SUFFIX):
            continue
        source = _relative_source(path, root)
        issue_id = path.name[: -len(SEED_SUFFIX)]
        try:
            reason = _unusable_seed(path, issue_id, content_dir)
            if reason is None:
                # Issue ids name folders: two names that differ only in case or Unicode
                # normalisation are one folder on macOS and Windows, and one issue anyway.
                key = unicodedata.normalize("NFC", issue_id).casefold()
                if key in issue_ids:
                    reason = f"issue id {issue_id!r} is already taken by {issue_ids[key]}; rename one of them"
                issue_ids.setdefault(key, source)
            data = b"" if reason else path.read_bytes()
        except OSError as err:
            reason = f"cannot be read: {err.strerror or err}"
        if reason:
            report.problems.append(Problem(source, None, reason))
            continue
        seed = SeedFile(path, issue_id, source, data)
        previous = state.issues.get(seed.issue_id)
        if previous and previous.seed_sha256 == seed.sha256:
            report.unchanged.append(seed.issue_id)
            by_bytes.setdefault(seed.sha256, source)
            continue
        # The same bytes under another name (a copy, or a renamed seed) are the same issue: one
        # import of it, not two.
        twin = imported_bytes.get(seed.sha256)
        if twin is not None and twin != seed.issue_id:
            report.problems.append(Problem(source, None, f"has the same bytes as the seed of issue {twin!r}, "
                                                         f"already imported into content/{twin}/; not imported twice"
                                                         " (a renamed seed keeps its old issue folder)"))
            continue
        if seed.sha256 in by_bytes:
            report.problems.append(Problem(source, None, f"has the same bytes as {by_bytes[seed.sha256]}; "
                                                         "not imported twice (remove one of them)"))
            continue
        by_bytes[seed.sha256] = source
        changed.append(seed)
    return changed


def split_seeds(seeds: list[SeedFile], report: ImportReport, progress=None) -> list[tuple[SeedFile, SplitIssue]]:
    """Decode and split every seed (on every core); a seed that fails is a problem in `report`."""
    # The splitter and its title tagger (jieba's tables) are loaded only when a seed is new or
    # changed: a build with nothing to import does not pay for them. The tagger's tables are
    # loaded before the workers fork; the splitter's modules (a few ms) by the first seed split.
    from .titles import load_for_workers

    split_issues: list[tuple[SeedFile, SplitIssue]] = []
    for seed, (outcome, notices) in zip(seeds, fork_map(_split_one, seeds, min_items=4, chunk=4,
                                                            progress=progress, prepare=load_for_workers)):
        report.notices.extend(notices)
        if isinstance(outcome, Problem):
            report.problems.append(outcome)
        else:
            seed.text, issue = outcome
            split_issues.append((seed, issue))
    return split_issues


def _split_one(_, seed: SeedFile) -> tuple[tuple[str, SplitIssue] | Problem, list[str]]:
    """Decode and split one seed (in a worker process): ((text, issue) or the problem, notices)."""
    from .decode import decode_seed
    from .split import SplitError, check_articles, split_seed

    notices: list[str] = []
    try:
        text = decode_seed(seed.data, notices, seed.source)
        issue = split_seed(text, seed.issue_id, seed.source)
        check_articles(issue)
        return (text, issue), notices
    except SplitError as err:
        return Problem(seed.source, err.line, err.reason), notices
    except ValueError as err:
        return Problem(seed.source, getattr(err, "line", None), str(err)), notices
    except (RecursionError, MemoryError, LookupError, TypeError, ArithmeticError) as err:
        # A splitter bug must cost one seed, not the build: report it like any bad seed.
        return Problem(seed.source, None, f"could not be split ({type(err).__name__}: {err}); "
                                          "please report this seed"), notices


def _relative_source(path: Path, project_root: str) -> str:
    """The seed's path relative to the project root (absolute); an absolute path for a seed
    outside it. Plain strings: every seed is named on every build."""
    absolute = os.path.abspath(path)  # not resolve(): a symlinked seed keeps its own name
    if project_root == os.sep:
        return absolute.lstrip(os.sep).replace(os.sep, "/")
    if absolute.startswith(project_root + os.sep):
        return absolute[len(project_root) + 1:].replace(os.sep, "/")
    return Path(absolute).as_posix()


def _unusable_seed(path: Path, issue_id: str, content_dir: Path) -> str | None:
    """Why a seed file cannot be imported before reading it, or None.

    The issue id (the file name without `.txt`) names a folder under content/, so it must be a
    plain folder name that stays inside content/ and is not hidden from the content loader.
    """
    if not issue_id.strip():
        return "the file name has nothing before .txt (the name is the issue id)"
    if issue_id.startswith("."):
        return "hidden file (the name starts with '.'); rename it if it is an issue"
    if issue_id != issue_id.strip() or issue_id.endswith("."):
        # Windows drops such spaces and dots from folder names: content/ would not survive a copy.
        return "the file name starts or ends with a space, or ends with '.'; rename it"
    if _NAME_CONTROL.search(issue_id):
        return "the file name contains a control character or line break"
    if len(issue_id.encode("utf-8")) > 200:
        return "the file name is too long for a content folder name (over 200 bytes)"
    if not path.is_file():
        return "not a regular file (a folder, a broken link or a device)" if not path.is_dir() else \
            "a folder, not a file"
    size = path.stat().st_size
    if size > MAX_SEED_BYTES:
        return (f"{size / 1e6:.1f} MB, more than the {MAX_SEED_BYTES / 1e6:.0f} MB a seed may have: a seed is "
                f"the text of one issue (about 20 KB); split the file into one file per issue")
    target = Path(content_dir) / issue_id
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        return f"{target} is a link or a file, not a folder: the import would write outside content/"
    return None
