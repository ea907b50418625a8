"""The whole content tree: every issue folder's issue.yml and article files, parsed and checked.

A bad file is recorded with its file, line and key, and the rest still load; parsed files are
kept in the cache and parsed again only when their modification time or size changed.
"""
from __future__ import annotations

import hashlib
import os
import functools
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..caches import Caches, entry_is_folder, entry_signature, file_signature, folder_key, source_digest
from ..records import ARTICLE_SUFFIXES, Article, IssueMeta
from .format import ISSUE_FILE, ContentError, parse_article, parse_issue


@dataclass
class ContentSet:
    issues: dict[str, IssueMeta] = field(default_factory=dict)
    articles: list[Article] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)
    # Digest of every file's path, modification time and size: equal signatures, same content.
    signature: str | None = None
    warnings: list = field(default_factory=list)  # schema.KeyWarning: unknown keys, ignored
    # content-relative paths of broken files whose last good version is still published
    kept_last_good: list[str] = field(default_factory=list)
    root: Path | None = None  # the content folder it was read from (None: made in memory)

    def issue_articles(self, issue_id: str) -> list[Article]:
        return self._by_issue().get(issue_id, [])

    def _by_issue(self) -> dict[str, list[Article]]:
        # Grouped once: asking every issue for its articles must not scan the archive each time.
        key = (id(self.articles), len(self.articles))
        cached = self.__dict__.get("_grouped")
        if cached is None or cached[0] != key:
            grouped: dict[str, list[Article]] = {}
            for article in self.articles:
                grouped.setdefault(article.issue, []).append(article)
            for articles in grouped.values():
                articles.sort(key=lambda a: (a.order, a.path))
            cached = self.__dict__["_grouped"] = (key, grouped)
        return cached[1]


@lru_cache(maxsize=1)
def _content_cache_version() -> str:
    # Parsed files are only as good as the code that parsed and validated them.
    here = Path(__file__).resolve().parent
    return "content-" + source_digest(here / "format.py", here / "store.py", here.parent / "records.py")[:16]


def _store_name(content_dir: Path) -> str:
    return f"content/{folder_key(content_dir)}.pickle"


def load_content(content_dir: Path, caches: Caches | None = None) -> ContentSet:
    """Read every issue folder; a bad file is recorded in `errors` and the rest still load.

    With `caches`, a file whose modification time and size are unchanged since the last
    load is not parsed again (its article, or its error, comes from the cache)."""
    content_dir = Path(content_dir)
    result = ContentSet(root=content_dir)
    if not content_dir.is_dir():
        return result
    caches = caches or Caches(None)
    name = _store_name(content_dir)
    # A build that imports loads content twice (the importer, then the renderer): the second
    # time the store is still in memory.
    cached = caches.load(name, _content_cache_version())
    fresh: dict[str, tuple] = {}
    reparsed = []

    def parsed(file: os.DirEntry, rel: str, parse):
        """The file's record (Article or IssueMeta). When the file cannot be used, its last
        good version (kept in the cache entry) is returned and the error recorded; a file that
        never parsed raises its ContentError."""
        signature = entry_signature(file)
        entry = cached.get(rel)
        if entry is not None and len(entry) == 4 and entry[0] == signature:
            _, value, warnings, last_good = entry
        else:
            warnings = []
            try:
                value = parse(_read_text(Path(file.path), rel), rel, warnings)
            except ContentError as err:
                value = err
            previous = entry[3] if entry is not None and len(entry) == 4 else None
            last_good = previous if isinstance(value, ContentError) else value
            warnings = tuple(warnings)
            reparsed.append(rel)
        fresh[rel] = (signature, value, warnings, last_good)
        result.warnings.extend(warnings)
        if isinstance(value, ContentError):
            result.errors.append(value)
            if last_good is None:
                raise _Skipped()
            result.kept_last_good.append(rel)
            return last_good
        return value

    # os.scandir's entries, not Path objects: every build lists 10,000 files at 1,000 issues.
    entries = _listing(str(content_dir))
    root = os.path.realpath(content_dir)
    looping = {entry.name for entry in entries if entry.is_symlink() and entry_is_folder(entry)
               and (os.path.realpath(entry.path) + os.sep).startswith(root + os.sep)}
    for name in sorted(looping):
        # A link to a folder inside content/ is not an issue: a link to `.` would loop (and be
        # an empty issue), one to another issue would publish it twice. Reported, not followed.
        # (A link out of content/ is read, and each of its files reported as outside.)
        result.errors.append(ContentError(name, f"is a link to the folder {os.path.realpath(content_dir / name)}; "
                                                "links are not followed (copy or move the folder instead)"))
    for issue_dir in (entry for entry in entries if entry.name not in looping and entry_is_folder(entry)):
        files = _listing(issue_dir.path)
        rel_meta = f"{issue_dir.name}/{ISSUE_FILE}"
        meta = IssueMeta(id=issue_dir.name, source="")
        meta_file = next((entry for entry in files if entry.name == ISSUE_FILE), None)
        if meta_file is not None and os.path.exists(meta_file.path):  # a dangling link is no issue.yml
            try:
                meta = parsed(meta_file, rel_meta, lambda text, rel, _: parse_issue(text, rel, issue_dir.name))
            except _Skipped:
                pass
        result.issues[issue_dir.name] = meta
        # Hidden names are editors' lock and backup files (`.#x.md`), not articles. `01-x.MD` and
        # `01-x.markdown` are articles too: a file an editor saved must never vanish silently.
        for md_file in (entry for entry in files if entry.name.lower().endswith(ARTICLE_SUFFIXES)):
            rel = f"{issue_dir.name}/{md_file.name}"
            try:
                article = parsed(md_file, rel, functools.partial(_parse_in_folder, folder=issue_dir.name))
            except _Skipped:
                continue
            result.articles.append(article)
    _reject_duplicate_positions(result)
    result.signature = hashlib.sha1(repr(sorted((rel, entry[0]) for rel, entry in fresh.items())).encode()).hexdigest()
    if reparsed or fresh.keys() != cached.keys():
        caches.save(name, _content_cache_version(), fresh, keep_in_memory=True)
    else:
        caches.remember(name, _content_cache_version(), fresh)
    return result


def _listing(folder: str) -> list[os.DirEntry]:
    """The folder's entries that are not hidden, by name. An unreadable folder raises, as
    before: its articles must not drop out of the site unnoticed."""
    with os.scandir(folder) as listing:
        return sorted((entry for entry in listing if not entry.name.startswith(".")), key=lambda e: e.name)


def remember_parsed(content_dir: Path, caches: Caches | None, parsed: dict[str, object]) -> None:
    """Tell the content cache about files just written and parsed (content-relative path ->
    Article or IssueMeta), so the next `load_content` of this build does not parse them again."""
    if caches is None or not parsed:
        return
    content_dir = Path(content_dir)
    name = _store_name(content_dir)
    store = dict(caches.load(name, _content_cache_version()))
    for rel, value in parsed.items():
        store[rel] = (file_signature(content_dir / rel), value, (), value)
    caches.save(name, _content_cache_version(), store, keep_in_memory=True)


def _reject_duplicate_positions(result: ContentSet) -> None:
    seen: dict[tuple[str, int], str] = {}
    kept = []
    for article in sorted(result.articles, key=lambda a: a.path):
        key = (article.issue, article.order)
        if key in seen:
            result.errors.append(ContentError(article.path, f"order {article.order} is already taken by "
                                                            f"{seen[key]}", key="order"))
            continue
        seen[key] = article.path
        kept.append(article)
    result.articles = kept


def _parse_in_folder(text: str, rel: str, warnings: list, folder: str) -> Article:
    """An article file of the issue folder it is in (a wrong `issue` is a bad value, like any other:
    the last good version stays published)."""
    article = parse_article(text, rel, warnings)
    if article.issue != folder:
        raise ContentError(rel, f"issue {article.issue!r} does not match its folder {folder!r}", key="issue")
    return article


class _Skipped(Exception):
    """A file that cannot be used and has no last good version: it is left out."""


MAX_CONTENT_BYTES = 5_000_000  # an article is a few KB; bigger is not an article file


def _read_text(path: Path, rel: str) -> str:
    """The text of one content file; ContentError for anything that is not a readable UTF-8 file
    inside the content folder (`path` is <content>/<issue>/<file>)."""
    root = path.parent.parent
    try:
        resolved = path.resolve()
        if not resolved.is_relative_to(root.resolve()):
            # A link out of content/ would publish whatever it points at (and a rebuild could
            # follow it); content is only what lives in the folder.
            raise ContentError(rel, f"is a link to {resolved}, outside the content folder; not read")
        if path.is_dir():
            raise ContentError(rel, "is a folder, not a file")
        if path.stat().st_size > MAX_CONTENT_BYTES:
            raise ContentError(rel, f"{path.stat().st_size / 1e6:.1f} MB, too big for a content file "
                                    f"(the limit is {MAX_CONTENT_BYTES / 1e6:.0f} MB)")
        data = path.read_bytes()
    except OSError as exc:
        raise ContentError(rel, f"cannot be read: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ContentError(rel, f"not UTF-8 (invalid byte 0x{data[exc.start]:02X}); save the file as UTF-8",
                           line=line) from None
