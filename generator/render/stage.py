"""Render stage: the site model -> pages through a Jinja theme, only those whose inputs changed.

`prepare_site` builds the site model, the template environment and the list of pages;
`render_pages` renders the pages whose fingerprint changed since the last build (what a page
depends on is recorded while it renders: deps.py, fingerprints.py) into the staged output,
carrying the others over; `stage_site_files` adds the
theme's static files, robots.txt, the feeds and the sitemap; `stage_derived_files`, called last,
the offline zip, service worker and precompressed twins (publish.py). The pipeline commits.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from jinja2 import Environment

from ..caches import Caches
from ..config import SiteConfig
from ..content import ContentSet
from ..enrich.units import UnitRegistry
from ..lang.slugs import SLUG_MEMO
from ..output import StagedOutput
from ..parallel import fork_imap
from ..report import RenderReport
from .deps import recording, tracking
from .feeds import atom_feed, page_lastmod, robots_txt, site_feeds, sitemap
from .fingerprints import Fingerprints, global_digest
from .issue_urls import IssueUrls
from .pages import SEARCH_PAGE, Page, plan_pages, render_page
from .photos import attach_images
from .publish import stage_publish_files
from .site import PINYIN_MEMO, SiteModel, build_model
from .templates import has_template, load_templates, make_environment
from .theme import static_files, theme_chain
from .uptodate import listing_digest

ASSETS_DIR = "assets"
NOT_IN_SITEMAP = {"404.html", SEARCH_PAGE}
PARALLEL_MIN_PAGES = 100  # below this, starting a second process costs more than it saves

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class Site:
    """What the render stage works from: the model, the theme and every page of the site."""

    model: SiteModel
    config: SiteConfig
    chain: list[Path]  # theme folders, most specific first
    env: Environment
    pages: list[Page]
    fingerprints: Fingerprints
    issue_urls: IssueUrls
    content_root: Path | None = None
    image_files: dict[str, bytes] | None = None  # resized pictures: site path -> bytes
    image_problems: list[str] | None = None  # pictures skipped, with file and reason


def prepare_site(content: ContentSet, config: SiteConfig, caches: Caches, *, theme_dirs=None,
                 published: Path | None = None, last_digests: dict | None = None) -> Site:
    """`published`: the output folder, whose issue pages keep their URLs (see issue_urls.py);
    `last_digests`: the dependency digests stored by the last build (`dependency_digests`)."""
    caches.load_memo(SLUG_MEMO)
    caches.load_memo(PINYIN_MEMO)
    issue_urls = IssueUrls.load(content.root)
    model = build_model(content, config, UnitRegistry.default(), issue_urls=issue_urls, published=published)
    image_files, image_problems = attach_images(model, content.root, caches)
    chain = theme_chain(config.theme, theme_dirs)
    env = make_environment(chain, caches.folder("templates"))
    pages = plan_pages(model, include_search=has_template(env, SEARCH_PAGE))
    return Site(model, config, chain, env, pages, Fingerprints(model, global_digest(config, chain), last_digests), issue_urls,
                content.root, image_files, image_problems)


def record_issue_urls(site: Site, report: RenderReport) -> None:
    """After the output is committed, the issue URLs it published are kept for good."""
    if site.issue_urls.problem:
        report.notices.append(site.issue_urls.problem)
    try:
        site.issue_urls.save(site.content_root)
    except OSError as exc:
        report.errors.append(f"{site.content_root}/.urls.json: cannot be written ({exc.strerror or exc}); "
                             "issue URLs of new issues may change on the next build")


def render_pages(site: Site, output: StagedOutput, report: RenderReport, progress: Progress | None = None) -> None:
    """Render the pages whose fingerprint changed; carry the others over.

    A page is carried over when the views it read last time (recorded with its output) still
    give the same fingerprint and its file is untouched."""
    report.issues, report.articles = len(site.model.issues), len(site.model.articles)
    fingerprints = site.fingerprints
    fingerprints.compare_with_last(output.previous, site.pages)
    todo: list[Page] = []
    for page in site.pages:
        record = output.previous.get(page.url)
        if (record is not None and record.dependencies is not None and fingerprints.still_valid(page, record)
                and output.reusable(page.url, record.fingerprint)):
            output.keep(page.url)
            report.pages_reused += 1
        else:
            todo.append(page)
    with tracking():  # on in the forked workers too
        # Each page is staged as it arrives: the parent never holds the whole site's HTML.
        for page, (html, keys, identity, digests) in zip(todo, _render_all(site, todo, progress)):
            fingerprints.digests.adopt(digests)
            # The record's fingerprint is the identity's digest: with the digests of the keys the
            # page read (stored beside the records), that is what the next build compares.
            output.put(page.url, html, identity, dependencies=fingerprints.shared(keys), identity=identity)
    report.pages_rendered = len(todo)


def stage_site_files(site: Site, output: StagedOutput, report: RenderReport) -> None:
    """The theme's static files, robots.txt, and (with a base URL) the Atom feed and sitemap."""
    for rel, path in static_files(site.chain).items():
        output.put(f"{ASSETS_DIR}/{rel}", path.read_bytes())
    for rel, data in (site.image_files or {}).items():
        output.put(rel, data)
    report.errors.extend(site.image_problems or [])
    output.put("robots.txt", robots_txt(site.model))
    if site.config.absolute_root:
        stage_feeds(site, output)
        output.put("sitemap.xml", sitemap(site.model, [(p.url, page_lastmod(p, site.model)) for p in site.pages
                                                       if p.url not in NOT_IN_SITEMAP]))
    else:
        report.notices.append("no base URL (--base-url or base_url in site.yml): "
                              "Atom feed and sitemap.xml skipped")


def dependency_digests(site: Site, records: dict, last_stored: dict | None = None) -> dict:
    """What the next build compares its model with (`last_digests`): every dependency the output
    records name with its digest now (Fingerprints.recorded_digests), and a digest of the records
    themselves, which binds the two. `last_stored`: what the last build stored (this build's
    `last_digests` came from it), or None."""
    digests, exact = site.fingerprints.recorded_digests(records, (last_stored or {}).get("exact"))
    return {"records": _records_token(records), "digests": digests, "exact": exact}


def last_dependency_digests(stored: dict, records: dict) -> dict | None:
    """The stored digests, when they were saved with these very records (else None: every page
    is then rendered again). Saved with other records (a store that could not be written, a state
    from another build), they might lack a dependency the records name, and a page would be kept
    although what it shows changed."""
    digests = stored.get("digests")
    if not isinstance(digests, dict) or stored.get("records") != _records_token(records):
        return None
    return digests


def _records_token(records: dict) -> str:
    """Every record's path, fingerprint, time and size: the records of another build differ."""
    return listing_digest({rel: (record.fingerprint, record.mtime_ns, record.size) for rel, record in records.items()})


def stage_feeds(site: Site, output: StagedOutput) -> None:
    """The site's Atom feed and one per unit and tag. Like a page, a feed records the views it
    reads while it is written, and is carried over when none of them changed."""
    fingerprints = site.fingerprints
    with tracking():
        for feed in site_feeds(site.model):
            keys = output.previous_dependencies(feed.path)
            if keys is not None and output.reusable(feed.path, fingerprints.of_value(feed, keys)):
                output.keep(feed.path)
                continue
            with recording() as read:
                data = atom_feed(site.model, feed)
            keys = fingerprints.canonical(read)
            output.put(feed.path, data, fingerprints.of_value(feed, keys), dependencies=keys)


def stage_derived_files(site: Site, output: StagedOutput, report: RenderReport | None = None) -> None:
    """Last before the commit: the offline zip, the service worker and (precompress) .gz/.br."""
    notices = stage_publish_files(output, precompress=site.config.precompress)
    if report is not None:
        report.notices.extend(notices)


def save_memos(caches: Caches) -> None:
    caches.save_memo(SLUG_MEMO)
    caches.save_memo(PINYIN_MEMO)


# --- rendering pages, on every core when there are many ----------------------------------------

def _render_all(site: Site, pages: list[Page], progress: Progress | None) -> Iterator[tuple[bytes, tuple, str, dict]]:
    report = (lambda done, total: progress("render", done, total)) if progress else None
    return fork_imap(_render_one, pages, (site.env, site.model, site.fingerprints), min_items=PARALLEL_MIN_PAGES,
                     chunk=50, progress=report, prepare=lambda: load_templates(site.env))


def _render_one(context: tuple, page: Page) -> tuple[bytes, tuple, str, dict]:
    """One page's bytes, the keys of the views it read (sorted), the digest of its identity,
    and the digests of those keys, in a worker process (the digests are computed there too, on
    every core) or here."""
    env, model, fingerprints = context
    with recording() as read:
        html = render_page(env, page, model)
    keys = tuple(sorted(read))
    digest_of = fingerprints.digests.of
    for key in keys:
        digest_of(key)
    return html, keys, fingerprints.identity(page), fingerprints.digests.take_fresh()
