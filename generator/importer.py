"""Import stage: seeds/*.txt -> content/<issue>/<NN>-<slug>.md + issue.yml.

Only seeds that are new or changed since the last import are split. A file an editor changed is
never overwritten: the fresh import goes beside it as `<name>.new`. A seed that cannot be read or
split is reported with file, line and reason, and every other seed still imports.
"""
from __future__ import annotations

import bisect
import codecs
import os
import re
import sys
import unicodedata
from functools import lru_cache
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from . import bylines
from .content import (ISSUE_FILE, ContentError, ContentSet, blocks_to_markdown, format_article, format_issue,
                      load_content, parse_article, parse_issue, plain_blocks, remember_parsed)
from .enrich.dates import infer_issue_date, load_sidecar
from .cache import load_store, save_store
from .enrich.tags import Tagger, vocabulary_key
from .enrich.units import UnitRegistry
from .parallel import fork_map
from .model import Article, IssueMeta, SplitArticle, SplitIssue
from .slugs import slugify
from .split import SplitError, check_articles, split_seed
from .text import non_space
from .state import ImportState, IssueState, sha256_bytes, sha256_file, write_atomic

NEW_SUFFIX = ".new"
SEED_SUFFIX = ".txt"
# A seed is one printed issue page, about 20 KB of text. A file a hundred times that size is not
# one issue (a whole archive exported into one file, a log, a disk image): it is reported rather
# than split, which would also take minutes.
MAX_SEED_BYTES = 2_000_000


@dataclass
class Problem:
    """A seed that was skipped: the file, the line that stopped it (None: the whole file), why."""

    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        # A file name may hold a line break or a control character: shown escaped, so that the
        # summary keeps one line per problem.
        path = _NAME_CONTROL.sub(lambda m: repr(m.group())[1:-1], self.path)
        return f"{path}:{self.line}: {self.reason}" if self.line else f"{path}: {self.reason}"


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)  # issue ids split and written
    unchanged: list[str] = field(default_factory=list)  # issue ids whose seed did not change
    written: list[str] = field(default_factory=list)  # content files created or updated
    kept: list[str] = field(default_factory=list)  # editor's files kept, fresh import written as .new
    removed: list[str] = field(default_factory=list)  # importer's own files no longer produced
    notices: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # seeds skipped
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage: split, enrich

    def print_summary(self, out: TextIO = sys.stdout) -> None:
        print(f"import: {len(self.imported)} issue(s) imported, {len(self.unchanged)} unchanged; "
              f"{len(self.written)} file(s) written, {len(self.kept)} edited file(s) kept, "
              f"{len(self.removed)} removed", file=out)
        for path in self.kept:
            print(f"  kept editor's version of content/{path}; fresh import in content/{path}{NEW_SUFFIX}",
                  file=out)
        for notice in self.notices:
            print(f"  note: {notice}", file=out)
        if self.problems:
            print(f"  {len(self.problems)} seed(s) skipped, not imported (the other seeds were):", file=out)
        for problem in self.problems:
            print(f"  skipped {problem}", file=out)


@dataclass
class _SeedFile:
    path: Path
    issue_id: str
    source: str
    data: bytes
    text: str = ""


def import_seeds(seeds_dir: Path, content_dir: Path, project_root: Path | None = None,
                 cache_dir: Path | None = None, progress=None) -> ImportReport:
    """Import new and changed seeds; `progress(stage, done, total)` hears about long stages."""
    seeds_dir, content_dir = Path(seeds_dir), Path(content_dir)
    project_root = Path(project_root or Path.cwd())
    report = ImportReport()
    state = ImportState.load(content_dir)
    changed: list[_SeedFile] = []
    if not seeds_dir.is_dir():
        report.notices.append(f"no seeds folder at {seeds_dir}; nothing to import"
                              if not seeds_dir.exists() else f"{seeds_dir} is not a folder; nothing to import")
    issue_ids: dict[str, str] = {}  # normalised issue id -> seed that claimed it first
    for path in sorted(seeds_dir.iterdir()) if seeds_dir.is_dir() else []:
        if not path.name.lower().endswith(SEED_SUFFIX):
            continue
        source = _relative_source(path, project_root)
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
        seed = _SeedFile(path, issue_id, source, data)
        previous = state.issues.get(seed.issue_id)
        if previous and previous.seed_sha256 == sha256_bytes(seed.data):
            report.unchanged.append(seed.issue_id)
            continue
        changed.append(seed)
    if not changed:
        return report

    started = time.perf_counter()
    split_issues: list[tuple[_SeedFile, SplitIssue]] = []
    for seed, (outcome, notices) in zip(changed, fork_map(_split_one, changed, min_items=4, chunk=4,
                                                                progress=_stage_progress(progress, "split"))):
        report.notices.extend(notices)
        if isinstance(outcome, Problem):
            report.problems.append(outcome)
        else:
            seed.text, issue = outcome
            split_issues.append((seed, issue))
    report.timings["split"] = time.perf_counter() - started
    if not split_issues:
        return report

    started = time.perf_counter()
    existing = load_content(content_dir, cache_dir)
    _resolve_run_together_names(split_issues, existing)
    enricher = _Enricher(existing, [issue for _, issue in split_issues], cache_dir)
    enriched = fork_map(_enrich_one, split_issues, enricher, min_items=4, chunk=2,
                        progress=_stage_progress(progress, "enrich"))
    parsed: dict[str, object] = {}
    for (seed, _), (files, notices, parsed_files) in zip(split_issues, enriched):
        report.notices.extend(notices)
        written_before = len(report.written)
        _write_issue(content_dir, seed, files, state, report)
        parsed.update((rel, parsed_files[rel]) for rel in report.written[written_before:] if rel in parsed_files)
        report.imported.append(seed.issue_id)
    state.save(content_dir)
    # What was just written need not be parsed again by the renderer.
    remember_parsed(content_dir, cache_dir, parsed)
    report.timings["enrich"] = time.perf_counter() - started
    return report


def _stage_progress(progress, stage: str):
    return (lambda done, total: progress(stage, done, total)) if progress else None


def _split_one(_, seed: _SeedFile) -> tuple[tuple[str, SplitIssue] | Problem, list[str]]:
    """Decode and split one seed (in a worker process): ((text, issue) or the problem, notices)."""
    notes = ImportReport()
    try:
        text = decode_seed(seed.data, notes, seed.source)
        issue = split_seed(text, seed.issue_id, seed.source)
        check_articles(issue)
        return (text, issue), notes.notices
    except SplitError as err:
        return Problem(seed.source, err.line, err.reason), notes.notices
    except ValueError as err:
        return Problem(seed.source, getattr(err, "line", None), str(err)), notes.notices
    except (RecursionError, MemoryError, LookupError, TypeError, ArithmeticError) as err:
        # A splitter bug must cost one seed, not the build: report it like any bad seed.
        return Problem(seed.source, None, f"could not be split ({type(err).__name__}: {err}); "
                                          "please report this seed"), notes.notices


def _enrich_one(enricher: "_Enricher", item: tuple[_SeedFile, SplitIssue]
                ) -> tuple[dict[str, str], list[str], dict[str, object]]:
    """Every content file of one split issue (in a worker process), notices about it, and the
    files parsed back as the renderer will read them (articles and the issue's metadata)."""
    notes = ImportReport()
    files = _issue_files(item[0], item[1], enricher, notes)
    parsed: dict[str, object] = {}
    for rel, text in files.items():
        try:
            if rel.endswith("/" + ISSUE_FILE):
                parsed[rel] = parse_issue(text, rel, item[1].issue_id)
            else:
                parsed[rel] = parse_article(text, rel)
        except ContentError:
            pass  # the renderer reads it and reports the error
    return files, notes.notices, parsed


def _relative_source(path: Path, project_root: Path) -> str:
    """The seed's path relative to the project root; an absolute path for a seed outside it."""
    absolute = Path(os.path.abspath(path))  # not resolve(): a symlinked seed keeps its own name
    try:
        return absolute.relative_to(Path(os.path.abspath(project_root))).as_posix()
    except ValueError:
        return absolute.as_posix()


_NAME_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


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


def decode_seed(data: bytes, report: ImportReport, source: str) -> str:
    """Seed bytes -> text; anything that is not one issue's text raises SplitError with the line.

    UTF-8 (with or without BOM) is read as is. UTF-16 (Windows "Unicode" exports), GB18030/GBK
    and Big5 are detected, converted and noted. Stray control characters (PDF extraction leaves
    some where a glyph had no mapping) are removed and noted; a file full of them is binary.
    """
    text, note = _decode_bytes(data)
    if note:
        report.notices.append(f"{source}: {note}")
    controls = list(_CONTROL.finditer(text))
    if controls:
        breaks = [m.end() for m in _LINE_BREAK.finditer(text)]
        lines = sorted({bisect.bisect_right(breaks, m.start()) + 1 for m in controls})
        first_line = lines[0]
        visible = len(text) - len(re.findall(r"\s", text))
        if len(controls) > max(8, visible // 50):
            raise SplitError(first_line, f"binary data, not a text export ({len(controls)} control "
                                         f"characters, the first U+{ord(controls[0].group()):04X})")
        codes = sorted({f"U+{ord(m.group()):04X}" for m in controls})
        report.notices.append(f"{source}: removed {len(controls)} control character(s) ({', '.join(codes)}) "
                              f"on line(s) {', '.join(map(str, lines[:10]))}{' …' if len(lines) > 10 else ''}")
        text = _CONTROL.sub("", text)
    if not non_space(text):
        lines = len(_LINE_BREAK.split(text))
        raise SplitError(1, "empty file: no text" if not text else
                         f"no text: only whitespace or control characters on {lines} line(s)")
    return text


# C0/C1 control characters other than tab and line/page breaks, and the two non-characters that
# are invalid in XML: nothing printable, and invalid in the HTML and feed they would end up in.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_UTF16_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
               (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


# Lines are counted as the splitter counts them: CRLF, lone CR and LF each end one.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE_BREAK_BYTES = re.compile(rb"\r\n|\r|\n")


def _line_at(data: bytes, offset: int) -> int:
    return len(_LINE_BREAK_BYTES.findall(data, 0, offset)) + 1


def _decode_bytes(data: bytes) -> tuple[str, str | None]:
    """(text, a note saying how it was converted when it was not UTF-8)."""
    for bom, encoding in _UTF16_BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), f"decoded as {encoding.upper()} (not UTF-8)"
            except UnicodeDecodeError as err:
                raise SplitError(_line_at(data, err.start), f"not valid {encoding.upper()} text "
                                                            f"(it starts with a {encoding.upper()} byte order mark)") from None
    if b"\x00" in data:
        nul = data.index(b"\x00")
        text = _bomless_utf16(data)
        if text is not None:
            return text, "decoded as UTF-16 without byte order mark (not UTF-8)"
        raise SplitError(_line_at(data, nul), f"binary data, not a text export (NUL byte at offset {nul})")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        first_bad = utf8_error.start
    else:
        repaired = _repair_mojibake(text)
        return (repaired, "repaired mojibake: GBK text that had been saved as UTF-8 through Latin-1") \
            if repaired else (text, None)
    # Not UTF-8. GB18030 (a superset of GBK and GB2312) and Big5 decode almost any byte string
    # without an error, so the candidate whose text is made of the common characters of Chinese
    # wins; UTF-8 with a few damaged bytes also stays UTF-8 (and is reported, not mis-decoded).
    candidates = [("UTF-8", data.decode("utf-8-sig", errors="replace"))]
    for encoding in ("gb18030", "big5"):
        try:
            candidates.append((encoding.upper(), data.decode(encoding)))
        except UnicodeDecodeError:
            pass
    encoding, text = max(candidates, key=lambda c: _plausibility(c[1]))
    if encoding == "UTF-8":
        line = _line_at(data, first_bad)
        column = first_bad - max(data.rfind(b"\n", 0, first_bad), data.rfind(b"\r", 0, first_bad))
        raise SplitError(line, f"not UTF-8 text (invalid byte 0x{data[first_bad]:02X} at byte {column} of the "
                               f"line), and not GB18030 or Big5 either; save the file as UTF-8")
    return text, f"decoded as {encoding} (not UTF-8)"


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a byte order mark (line feeds are `0A 00` or `00 0A`), or None.

    Only a decoding made of common characters counts: binary data with NULs decodes too, into
    rare ideographs and noise.
    """
    if len(data) % 2 or (b"\n\x00" not in data and b"\x00\n" not in data):
        return None
    decoded = []
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            decoded.append((_plausibility(text), text))
    best = max(decoded, default=None, key=lambda d: d[0])
    return best[1] if best and best[0] >= 0.9 else None


_LATIN1_MOJIBAKE = re.compile(r"[\u00a1-\u00ff]")


def _repair_mojibake(text: str) -> str | None:
    """GBK bytes once read as Latin-1/cp1252 and saved as UTF-8 (`ÃñÈº`): the repaired text, or None.

    Repaired only when the text has no Chinese at all, is mostly Latin-1 letters, and turns
    losslessly into common Chinese characters; anything else is taken as written.
    """
    letters = _LATIN1_MOJIBAKE.findall(text[:200_000])
    if len(letters) < 20 or _plausibility(text) > 0.3:
        return None
    for latin in ("cp1252", "latin-1"):
        try:
            repaired = text.encode(latin).decode("gb18030")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if _plausibility(repaired) >= 0.9:
            return repaired
    return None


@lru_cache(maxsize=1)
def _common_characters() -> frozenset[str]:
    """The characters most Chinese text is made of: the 3,755 level-1 hanzi of GB2312, the 5,401
    common hanzi of Big5, and both standards' punctuation and full-width forms."""
    chars: set[str] = set()

    def add(encoding: str, leads, trails) -> None:
        for lead in leads:
            for trail in trails:
                try:
                    chars.add(bytes((lead, trail)).decode(encoding))
                except UnicodeDecodeError:
                    pass

    add("gb2312", [0xA1, 0xA3, *range(0xB0, 0xD8)], range(0xA1, 0xFF))
    add("big5", range(0xA1, 0xC7), [*range(0x40, 0x7F), *range(0xA1, 0xFF)])
    return frozenset(chars)


def _plausibility(text: str) -> float:
    """Share of the non-ASCII characters of `text` that are common in Chinese text (1.0: all)."""
    sample = [c for c in text[:200_000] if ord(c) > 0x7F and not c.isspace()]
    if not sample:
        return 1.0 if "\ufffd" not in text else 0.0
    common = _common_characters()
    return sum(c in common for c in sample) / len(sample)


def _resolve_run_together_names(split_issues: list[tuple[_SeedFile, SplitIssue]], existing: ContentSet) -> None:
    known = bylines.plausible_single_names(a.byline for _, issue in split_issues for a in issue.articles)
    for article in existing.articles:
        known.update(n for n in article.reporters + article.correspondents + article.photographers
                     if 2 <= len(n) <= 3)
    for _, issue in split_issues:
        for article in issue.articles:
            article.byline = bylines.resolve_names(article.byline, known)


class _Enricher:
    """Units, tags and dates for new articles, with IDF computed over the whole archive."""

    FREQUENCIES_STORE = "enrich/document-frequencies.pickle"

    def __init__(self, existing: ContentSet, new_issues: list[SplitIssue], cache_dir: Path | None = None):
        self.units = UnitRegistry.default()
        replaced = {issue.issue_id for issue in new_issues}
        documents = [_plain_text(plain_blocks(a.body)) for a in existing.articles if a.issue not in replaced]
        documents += [_plain_text(a.blocks) for issue in new_issues for a in issue.articles]
        # Word counts of the articles imported before are kept in the cache, so that one new
        # issue does not mean segmenting the whole archive again.
        store = Path(cache_dir) / self.FREQUENCIES_STORE if cache_dir else None
        version = vocabulary_key()
        frequencies = load_store(store, version).get("frequencies") if store else None
        self.tagger = Tagger(documents, frequencies)
        if store:
            save_store(store, version, {"frequencies": self.tagger.frequencies})

    def article_fields(self, article: SplitArticle) -> dict:
        body = _plain_text(article.blocks)
        units = self.units.article_units(article.kicker, article.title, body)
        return {
            "unit": self.units.main_unit(article.kicker, article.title, body),
            "units": units,
            "tags": self.tagger.tags(article.title, body, units),
        }


def _plain_text(blocks) -> str:
    return "\n".join(block.text for block in blocks)


def _issue_files(seed: _SeedFile, issue: SplitIssue, enricher: _Enricher, report: ImportReport) -> dict[str, str]:
    """Every file of one issue: content-relative path -> text."""
    meta = IssueMeta(id=issue.issue_id, source=seed.source, noise=issue.noise)
    guess = infer_issue_date([_plain_text(a.blocks) for a in issue.articles])
    meta.date, meta.date_method = guess.date, guess.method
    try:
        sidecar = load_sidecar(seed.path)
    except ValueError as err:
        sidecar = None
        report.notices.append(f"{err}; the inferred date is used instead")
    if sidecar:
        meta.number, meta.title = sidecar.number, sidecar.title
        if sidecar.date:
            meta.date, meta.date_inferred, meta.date_method = sidecar.date, False, f"sidecar {seed.path.stem}.yml"
    files = {f"{issue.issue_id}/{ISSUE_FILE}": format_issue(meta)}
    width = max(2, len(str(len(issue.articles))))
    for split_article in issue.articles:
        article = Article(
            title=split_article.title, title_generated=split_article.title_generated,
            kicker=split_article.kicker, unit=None, issue=issue.issue_id, order=split_article.order,
            kind=split_article.kind, reporters=split_article.byline.reporters,
            correspondents=split_article.byline.correspondents,
            photographers=split_article.byline.photographers, tags=[], date=meta.date,
            source=seed.source, source_lines=[split_article.first_line, split_article.last_line],
            body=blocks_to_markdown(split_article.blocks),
        )
        for key, value in enricher.article_fields(split_article).items():
            setattr(article, key, value)
        name = f"{split_article.order:0{width}d}-{slugify(article.title)}.md"
        files[f"{issue.issue_id}/{name}"] = format_article(article)
    return files


_ORDER_PREFIX = re.compile(r"^(\d+)-")


def _position_key(rel: str) -> str:
    """Files of one issue are matched across imports by position (NN), not by slug."""
    name = rel.rsplit("/", 1)[-1]
    match = _ORDER_PREFIX.match(name)
    return str(int(match.group(1))) if match else name


def _write_issue(content_dir: Path, seed: _SeedFile, files: dict[str, str], state: ImportState,
                 report: ImportReport) -> None:
    previous = state.issues.get(seed.issue_id)
    written_before = dict(previous.files) if previous else {}
    issue_dir = content_dir / seed.issue_id
    on_disk = {f"{seed.issue_id}/{p.name}": p for p in issue_dir.glob("*") if p.is_file()} if issue_dir.is_dir() else {}
    on_disk_by_position: dict[str, list[str]] = {}
    for rel in on_disk:
        if not rel.endswith(NEW_SUFFIX):
            on_disk_by_position.setdefault(_position_key(rel), []).append(rel)
    new_state = IssueState(sha256_bytes(seed.data), seed.source)

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
            if current != digest:
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
                report.notices.append(f"content/{rel} no longer matches an article of {seed.source}; kept")
    state.issues[seed.issue_id] = new_state
