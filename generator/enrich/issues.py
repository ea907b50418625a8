"""Enrich stage: the content files of newly split issues, with units, tags and dates.

Tags need document frequencies over the whole archive: the articles already in content/ count
too (their word counts are kept in the cache, so one new issue does not re-segment the archive).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..caches import Caches
from ..content import ISSUE_FILE, ContentError, ContentSet, blocks_to_markdown, format_article, format_issue
from ..content import parse_article, parse_issue, plain_blocks
from ..ingest import bylines
from ..ingest.seeds import SeedFile
from ..ingest.split import looks_like_unit
from ..lang.segment import get_jieba
from ..lang.slugs import load_slug_tools, slugify
from ..parallel import fork_map
from ..records import Article, Doubt, IssueMeta, SplitArticle, SplitIssue
from ..report import ImportReport
from .dates import infer_issue_date, load_sidecar
from .seednames import parse_seed_name
from .tags import Tagger, vocabulary_key
from .units import UnitRegistry


@dataclass
class EnrichedIssue:
    """Every content file of one imported issue, and the files parsed back as the renderer reads them."""

    seed: SeedFile
    files: dict[str, str]  # content-relative path -> text
    parsed: dict[str, object] = field(default_factory=dict)  # content-relative path -> Article/IssueMeta


def enrich_issues(split_issues: list[tuple[SeedFile, SplitIssue]], existing: ContentSet, caches: Caches,
                  report: ImportReport, progress=None) -> list[EnrichedIssue]:
    """Units, tags and dates for every article of the split issues (on every core)."""
    resolve_run_together_names(split_issues, existing)
    enricher = _Enricher(existing, [issue for _, issue in split_issues], caches)
    enriched = []
    for (seed, _), (files, notices, parsed) in zip(split_issues, fork_map(_enrich_one, split_issues, enricher,
                                                                            min_items=4, chunk=2, progress=progress,
                                                                            prepare=load_for_workers)):
        report.notices.extend(notices)
        enriched.append(EnrichedIssue(seed, files, parsed))
    return enriched


def _enrich_one(enricher: "_Enricher", item: tuple[SeedFile, SplitIssue]
                ) -> tuple[dict[str, str], list[str], dict[str, object]]:
    """Every content file of one split issue (in a worker process), notices about it, and the
    files parsed back as the renderer will read them (articles and the issue's metadata)."""
    notices: list[str] = []
    files = _issue_files(item[0], item[1], enricher, notices)
    parsed: dict[str, object] = {}
    for rel, text in files.items():
        try:
            if rel.endswith("/" + ISSUE_FILE):
                parsed[rel] = parse_issue(text, rel, item[1].issue_id)
            else:
                parsed[rel] = parse_article(text, rel, [])
        except ContentError:
            pass  # the renderer reads it and reports the error
    return files, notices, parsed


def resolve_run_together_names(split_issues: list[tuple[SeedFile, SplitIssue]], existing: ContentSet) -> None:
    known = bylines.plausible_single_names(a.byline for _, issue in split_issues for a in issue.articles)
    for article in existing.articles:
        known.update(n for n in article.reporters + article.correspondents + article.photographers
                     if 2 <= len(n) <= 3)
    for _, issue in split_issues:
        for article in issue.articles:
            resolved = bylines.resolve_names(article.byline, known)
            if resolved.names() != article.byline.names():
                issue.doubts.append(Doubt(article.byline_line or article.last_line, article.order,
                                          "byline names printed together were split with the help of names "
                                          f"seen elsewhere: {'、'.join(resolved.names())}"))
            article.byline = resolved


class _Enricher:
    """Units, tags and dates for new articles, with IDF computed over the whole archive."""

    FREQUENCIES_STORE = "enrich/document-frequencies.pickle"

    def __init__(self, existing: ContentSet, new_issues: list[SplitIssue], caches: Caches):
        self.units = UnitRegistry.default()
        replaced = {issue.issue_id for issue in new_issues}
        documents = [_plain_text(plain_blocks(a.body)) for a in existing.articles if a.issue not in replaced]
        documents += [_plain_text(a.blocks) for issue in new_issues for a in issue.articles]
        # Word counts of the articles imported before are kept in the cache, so that one new
        # issue does not mean segmenting the whole archive again.
        version = vocabulary_key()
        frequencies = caches.load(self.FREQUENCIES_STORE, version).get("frequencies")
        self.tagger = Tagger(documents, frequencies)
        caches.save(self.FREQUENCIES_STORE, version, {"frequencies": self.tagger.frequencies})

    def article_fields(self, article: SplitArticle) -> dict:
        body = _plain_text(article.blocks)
        units = self.units.article_units(article.kicker, article.title, body)
        return {
            "unit": self.units.main_unit(article.kicker, article.title, body),
            "units": units,
            "tags": self.tagger.tags(article.title, body, units),
        }


def load_for_workers() -> None:
    """What enriching an article loads on first use (jieba both ways, the slugs' own tokenizer,
    pypinyin), loaded before the workers fork so that each inherits it."""
    get_jieba().load_for_workers()
    load_slug_tools()


def _plain_text(blocks) -> str:
    return "\n".join(block.text for block in blocks)


def _issue_files(seed: SeedFile, issue: SplitIssue, enricher: _Enricher, notices: list[str]) -> dict[str, str]:
    """Every file of one issue: content-relative path -> text."""
    doubts = list(issue.doubts)
    for article in issue.articles:
        # A kicker is read from the layout alone; a unit's name confirms it, anything else may
        # be a headline line.
        if article.kicker and not looks_like_unit(article.kicker) and enricher.units.canonical(article.kicker) is None:
            doubts.append(Doubt(article.kicker_line or article.last_line, article.order,
                                f"read “{article.kicker}” as the kicker (unit line), but it is not a known unit"))
    meta = IssueMeta(id=issue.issue_id, source=seed.source, noise=issue.noise,
                     doubts=sorted(doubts, key=lambda d: (d.line, d.article)))
    # Precedence: the sidecar, then the file name, then what the text says (which is a guess).
    guess = infer_issue_date([_plain_text(a.blocks) for a in issue.articles])
    meta.date, meta.date_method, meta.date_evidence = guess.date, "inferred from the text: " + guess.method, \
        list(guess.evidence)
    named = parse_seed_name(seed.path.stem)
    notices.extend(f"{seed.source}: {problem}, the date is inferred from the text" for problem in named.problems)
    if named.date:  # an editor who names the file after its date has settled it
        meta.date, meta.date_inferred, meta.date_method = named.date, False, f"file name {seed.path.name}"
        meta.date_evidence = []
    meta.number = named.number
    try:
        sidecar = load_sidecar(seed.path)
    except ValueError as err:
        sidecar = None
        notices.append(f"{err}; the {'file name' if named.date else 'inferred'} date is used instead")
    pages = {}
    if sidecar:
        _note_overrides(seed, named, sidecar, notices)
        if sidecar.number is not None:
            meta.number = sidecar.number
        meta.title, pages = sidecar.title, sidecar.pages
        if sidecar.date:
            meta.date, meta.date_inferred, meta.date_method = sidecar.date, False, f"sidecar {seed.path.stem}.yml"
            meta.date_evidence = []  # settled by the editor
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
            body=blocks_to_markdown(split_article.blocks), subtitle=split_article.subtitle,
        )
        for key, value in enricher.article_fields(split_article).items():
            setattr(article, key, value)
        if split_article.order in pages:
            article.page, article.page_name = pages[split_article.order]
        name = f"{split_article.order:0{width}d}-{slugify(article.title)}.md"
        files[f"{issue.issue_id}/{name}"] = format_article(article)
    return files


def _note_overrides(seed: SeedFile, named, sidecar, notices: list[str]) -> None:
    """A sidecar that contradicts the file name wins, and the summary says so."""
    for key, from_name, from_sidecar in (("date", named.date, sidecar.date), ("number", named.number, sidecar.number)):
        if from_name is not None and from_sidecar is not None and from_name != from_sidecar:
            notices.append(f"{seed.source}: the file name says {key} {from_name}, the sidecar "
                           f"{seed.path.stem}.yml says {from_sidecar}; the sidecar's is used")
