"""Writing imported issues into content/ without ever overwriting an editor's change.

Articles are known by what they are, not where they sit: when a seed changes, each freshly
split article is matched to an article of the previous import by its text (title and opening,
source lines as a tie-break), so an article inserted at the top, one removed or two swapped do
not shift the others: each keeps its file, and with it its URL (the page slug is the file name)
and the editor's changes. A genuinely new article gets a file name no article of the issue ever
had. A match that is only likely, not sure, is a review item: the old file is left alone and the
fresh import goes beside it as `.new`.

An article file the editor deleted or moved is a decision, recorded in the import state
(`withdrawn`): a re-import never brings it back.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from ..report import NEW_SUFFIX, ImportReport
from .format import ContentError, parse_article, plain_blocks
from ..files import write_atomic
from .state import UNKNOWN_HASH, ArticleIdentity, ImportState, IssueState, Withdrawal, sha256_bytes, sha256_file

SURE_MATCH = 0.8  # at or above: the same article, re-exported or corrected
LIKELY_MATCH = 0.5  # between this and SURE_MATCH: perhaps the same article; an editor decides
_ORDER_LINE = re.compile(r"^order:[ \t]*(\d+)[ \t]*$", re.M)


@dataclass
class Match:
    fresh: str  # content-relative path the splitter proposed
    old: str  # content-relative path of the previous import's article
    score: float


def identity_of_text(text: str, rel: str) -> ArticleIdentity | None:
    """The identity of an article file's text (None when it does not parse)."""
    try:
        article = parse_article(text, rel)
    except ContentError:
        return None
    return identity_of_article(article)


def identity_of_article(article) -> ArticleIdentity:
    return ArticleIdentity.of(article.title, "\n".join(b.text for b in plain_blocks(article.body)),
                              article.source_lines)


def similarity(fresh: ArticleIdentity, old: ArticleIdentity) -> float:
    """How sure it is that two identities are one article: 1.0 for the same text, then the
    likeness of the opening (weighted most: a headline is what editors and re-exports change)
    and of the title."""
    if fresh.body_sha256 and fresh.body_sha256 == old.body_sha256:
        return 1.0
    opening = SequenceMatcher(None, fresh.opening, old.opening, autojunk=False).ratio()
    title = SequenceMatcher(None, fresh.title, old.title, autojunk=False).ratio()
    if not fresh.opening and not old.opening:  # a photo with a caption only: the title is all there is
        return title
    return 0.7 * opening + 0.3 * title


def match_articles(fresh: dict[str, ArticleIdentity], old: dict[str, ArticleIdentity]) -> list[Match]:
    """Pairs of (fresh, old) articles, best first; each article in at most one pair, none below
    LIKELY_MATCH. Equal scores go to the pair whose source lines are closer."""
    candidates = []
    for fresh_rel, fresh_id in fresh.items():
        for old_rel, old_id in old.items():
            score = similarity(fresh_id, old_id)
            if score >= LIKELY_MATCH:
                distance = abs(fresh_id.lines[0] - old_id.lines[0])
                candidates.append((-score, distance, fresh_rel, old_rel))
    candidates.sort()
    taken_fresh: set[str] = set()
    taken_old: set[str] = set()
    matches = []
    for negative, _, fresh_rel, old_rel in candidates:
        if fresh_rel in taken_fresh or old_rel in taken_old:
            continue
        taken_fresh.add(fresh_rel)
        taken_old.add(old_rel)
        matches.append(Match(fresh_rel, old_rel, -negative))
    return matches


def unused_name(proposed: str, used: set[str]) -> str:
    """`proposed`, or `NN-slug-2.md`, `-3`, … when an article of the issue ever had that name."""
    if proposed not in used:
        return proposed
    stem = proposed.removesuffix(".md")
    number = 2
    while f"{stem}-{number}.md" in used:
        number += 1
    return f"{stem}-{number}.md"


def set_order(text: str, order: int) -> str | None:
    """The file's text with its front-matter `order:` set (nothing else touched), or None."""
    end = text.find("\n---", 3)
    if not text.startswith("---") or end < 0:
        return None
    head, count = _ORDER_LINE.subn(f"order: {order}", text[:end], count=1)
    return head + text[end:] if count else None


def _order_of(text: str) -> int | None:
    end = text.find("\n---", 3)
    match = _ORDER_LINE.search(text[:end] if end > 0 else "")
    return int(match.group(1)) if match else None


def record_withdrawals(content_dir: Path, state: ImportState, report: ImportReport) -> None:
    """Article files the importer wrote that are gone from content/ were deleted or moved by an
    editor: that is recorded, so that no re-import brings them back."""
    content_dir = Path(content_dir)
    root = str(content_dir)
    for issue_id, issue in state.issues.items():
        for rel in [rel for rel, digest in issue.files.items() if rel.endswith(".md")]:
            if os.path.exists(os.path.join(root, rel)):  # (not Path: every build asks this of every article)
                continue
            name = rel.rsplit("/", 1)[-1]
            moved = sorted(p.relative_to(content_dir).as_posix() for p in content_dir.glob(f"*/{_glob_escape(name)}")
                           if p.parent.name != issue_id and not p.parent.name.startswith("."))
            state.withdrawn[rel] = Withdrawal(issue_id, issue.articles.get(rel), moved[0] if moved else None)
            issue.files.pop(rel)
            issue.articles.pop(rel, None)
            report.withdrawn.append(rel)
            if moved:
                report.moved[rel] = moved[0]


def _glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def write_issue(content_dir: Path, issue_id: str, seed_sha256: str, source: str, files: dict[str, str],
                state: ImportState, report: ImportReport, parsed: dict[str, object] | None = None) -> dict[str, str]:
    """Write one imported issue's files (content-relative path -> text) into `content_dir`.

    A file whose bytes are still what the importer wrote last time is the importer's and is
    updated; any other file is an editor's and is kept, the fresh import going to `<file>.new`.
    Articles are matched to the previous import's by their text (see the module docstring).
    Returns the files written: content path -> the path the splitter proposed for it."""
    content_dir = Path(content_dir)
    parsed = parsed or {}
    previous = state.issues.get(issue_id) or IssueState("", source)
    new_state = IssueState(seed_sha256, source, names=set(previous.names) | set(previous.files))
    issue_dir = content_dir / issue_id
    if issue_dir.is_dir():  # a file an editor added by hand is an article too: its name is taken
        new_state.names |= {f"{issue_id}/{p.name}" for p in issue_dir.glob("*.md")}
    written: dict[str, str] = {}

    fresh_ids: dict[str, ArticleIdentity] = {}
    for rel, text in files.items():
        if rel.endswith(".md"):
            article = parsed.get(rel)
            identity = identity_of_article(article) if article is not None and hasattr(article, "body") \
                else identity_of_text(text, rel)
            if identity is not None:
                fresh_ids[rel] = identity
    # Articles without a file are being restored (`build.py restore`): matched, then written back.
    old_ids = {rel: _old_identity(content_dir, rel, previous)
               for rel in set(previous.files) | set(previous.articles) if rel.endswith(".md")}
    old_ids = {rel: identity for rel, identity in old_ids.items() if identity is not None}
    withdrawn_ids = {rel: w.identity for rel, w in state.withdrawn.items()
                     if w.issue == issue_id and w.identity is not None}
    matches = {m.fresh: m for m in match_articles(fresh_ids, {**old_ids, **withdrawn_ids})}
    new_state.names |= set(withdrawn_ids)

    try:
        _write_files(content_dir, issue_id, files, state, report, parsed, previous, new_state, written,
                     fresh_ids, old_ids, withdrawn_ids, matches)
    except BaseException:
        # A failed write (a full disk): the issue stays at its previous seed, so the next import
        # does it again, and the files written so far are recorded as the importer's.
        state.issues[issue_id] = IssueState(previous.seed_sha256, previous.source,
                                            {**previous.files, **{t: new_state.files[t] for t in written
                                                                  if t in new_state.files}},
                                            dict(previous.articles), previous.names | set(written))
        raise
    state.issues[issue_id] = new_state
    return written


def _write_files(content_dir, issue_id, files, state, report, parsed, previous, new_state, written,
                 fresh_ids, old_ids, withdrawn_ids, matches) -> None:
    written_before = dict(previous.files)
    source = new_state.source
    matched_old: set[str] = set()
    for rel, text in files.items():
        match = matches.get(rel)
        data = text.encode("utf-8")
        digest = sha256_bytes(data)
        if match is not None and match.old in withdrawn_ids:
            if match.score >= SURE_MATCH:
                if match.old not in report.withdrawn:  # listed once, also when found gone in this build
                    report.withdrawn.append(match.old)
                if state.withdrawn[match.old].moved_to:
                    report.moved[match.old] = state.withdrawn[match.old].moved_to
                continue
            match = None  # only likely the withdrawn one: an article of its own, below
        if match is not None:
            matched_old.add(match.old)
            target = match.old
            if match.score < SURE_MATCH:
                # Perhaps the same article: leave the old file, put the fresh import beside it.
                new_state.files[target] = written_before.get(target, UNKNOWN_HASH)
                if rel in fresh_ids:
                    new_state.articles[target] = previous.articles.get(target, fresh_ids[rel])
                _write(content_dir, target + NEW_SUFFIX, data)
                report.unsure.append((target, _display_title(parsed.get(rel), text), match.score))
                continue
        else:  # a genuinely new article (or the issue's metadata, which has one fixed name)
            target = unused_name(rel, new_state.names) if rel.endswith(".md") else rel
        new_state.names.add(target)
        if rel in fresh_ids:
            new_state.articles[target] = fresh_ids[rel]
        recorded = written_before.get(target)
        current = sha256_file(content_dir / target)
        if not target.endswith(".md") and recorded is not None and current is None \
                and not _issue_has_files(content_dir / issue_id):
            new_state.files[target] = recorded
            continue  # the editor deleted the whole issue folder: withdrawn with its articles
        if current is not None and current != recorded:
            # The editor's file: kept. Its position follows the seed, though, when only the
            # importer ever set it (otherwise two articles would claim one position).
            new_state.files[target] = digest if current == digest else (recorded or UNKNOWN_HASH)
            if current != digest and previous.rejected.get(target) == digest:
                new_state.rejected[target] = digest  # the editor said no to this very import
            elif current != digest:
                _follow_order(content_dir, target, text, report)
                _write(content_dir, target + NEW_SUFFIX, data)
                report.kept.append(target)
            continue
        new_state.files[target] = digest
        if current != digest:
            _write(content_dir, target, data)
            report.written.append(target)
            written[target] = rel  # a matched article keeps its old name (and URL), whatever its position

    for rel in sorted(set(old_ids) | {r for r in written_before if r.endswith(".md")}):
        if rel in matched_old or rel in new_state.files:
            continue
        recorded = written_before.get(rel)
        current = sha256_file(content_dir / rel)
        if current is None:
            continue
        if recorded and current == recorded:
            (content_dir / rel).unlink()
            report.removed.append(rel)
        else:
            new_state.files[rel] = recorded or UNKNOWN_HASH
            if rel in previous.articles:
                new_state.articles[rel] = previous.articles[rel]
            report.notices.append(f"content/{rel} no longer matches an article of {source}; kept")


def _issue_has_files(folder: Path) -> bool:
    try:
        return any(folder.iterdir())
    except OSError:
        return False


def _old_identity(content_dir: Path, rel: str, previous: IssueState) -> ArticleIdentity | None:
    """What the previous import's article is: recorded in the state, or (a state from before
    identities were recorded) read from the file."""
    if rel in previous.articles:
        return previous.articles[rel]
    try:
        return identity_of_text((content_dir / rel).read_text(encoding="utf-8"), rel)
    except (OSError, UnicodeDecodeError):
        return None


def _follow_order(content_dir: Path, target: str, fresh_text: str, report: ImportReport) -> None:
    path = content_dir / target
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return
    fresh_order, old_order = _order_of(fresh_text), _order_of(text)
    if fresh_order is None or old_order is None or fresh_order == old_order:
        return
    updated = set_order(text, fresh_order)
    if updated is not None:
        _write(content_dir, target, updated.encode("utf-8"))
        report.notices.append(f"content/{target}: position {old_order} → {fresh_order} (the seed's articles "
                              f"moved); only `order` was changed, the editor's edits are kept")


def _display_title(article, text: str) -> str:
    title = getattr(article, "title", None)
    if title:
        return title
    match = re.search(r"^title:[ \t]*(.*)$", text, re.M)
    return match.group(1).strip() if match else "?"


def _write(content_dir: Path, rel: str, data: bytes) -> None:
    write_atomic(content_dir / rel, data)
