"""Render stage: the site model -> pages through a Jinja theme, only those whose inputs changed.

`prepare_site` builds the site model, the template environment and the list of pages;
`render_pages` renders the pages whose fingerprint changed since the last build (see
fingerprints.py) into the staged output, carrying the others over; `stage_site_files` adds the
theme's static files, robots.txt, the feeds and the sitemap; `stage_derived_files`, called last,
the offline zip, service worker and precompressed twins (publish.py). The pipeline commits.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from jinja2 import Environment

from ..caches import Caches
from ..config import SiteConfig
from ..content import ContentSet
from ..enrich.units import UnitRegistry
from ..lang.slugs import SLUG_MEMO
from ..output import StagedOutput
from ..parallel import fork_map
from ..report import RenderReport
from .feeds import atom_feed, feed_fingerprint, page_lastmod, robots_txt, site_feeds, sitemap
from .fingerprints import Fingerprints, global_digest
from .pages import SEARCH_PAGE, Page, plan_pages, render_page
from .publish import stage_publish_files
from .site import PINYIN_MEMO, SiteModel, build_model
from .theme import has_template, make_environment, static_files, theme_chain

ASSETS_DIR = "assets"
NOT_IN_SITEMAP = {"404.html", SEARCH_PAGE}
PARALLEL_MIN_PAGES = 400  # below this, starting a second process costs more than it saves

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


def prepare_site(content: ContentSet, config: SiteConfig, caches: Caches, *, theme_dirs=None) -> Site:
    caches.load_memo(SLUG_MEMO)
    caches.load_memo(PINYIN_MEMO)
    model = build_model(content, config, UnitRegistry.default())
    chain = theme_chain(config.theme, theme_dirs)
    env = make_environment(chain, caches.folder("templates"))
    pages = plan_pages(model, include_search=has_template(env, SEARCH_PAGE))
    return Site(model, config, chain, env, pages, Fingerprints(model, global_digest(config, chain)))


def render_pages(site: Site, output: StagedOutput, report: RenderReport, progress: Progress | None = None) -> None:
    report.issues, report.articles = len(site.model.issues), len(site.model.articles)
    todo: list[tuple[Page, str]] = []
    for page in site.pages:
        fingerprint = site.fingerprints.page(page)
        if output.reusable(page.url, fingerprint):
            output.keep(page.url)
            report.pages_reused += 1
        else:
            todo.append((page, fingerprint))
    for (page, fingerprint), html in zip(todo, _render_all(site, [p for p, _ in todo], progress)):
        output.put(page.url, html, fingerprint)
    report.pages_rendered = len(todo)


def stage_site_files(site: Site, output: StagedOutput, report: RenderReport) -> None:
    """The theme's static files, robots.txt, and (with a base URL) the Atom feed and sitemap."""
    for rel, path in static_files(site.chain).items():
        output.put(f"{ASSETS_DIR}/{rel}", path.read_bytes())
    output.put("robots.txt", robots_txt(site.model))
    if site.config.absolute_root:
        stage_feeds(site, output)
        output.put("sitemap.xml", sitemap(site.model, [(p.url, page_lastmod(p, site.model)) for p in site.pages
                                                       if p.url not in NOT_IN_SITEMAP]))
    else:
        report.notices.append("no base URL (--base-url or base_url in site.yml): "
                              "Atom feed and sitemap.xml skipped")


def stage_feeds(site: Site, output: StagedOutput) -> None:
    """The site's Atom feed and one per unit and tag; a feed whose articles did not change is kept."""
    for feed in site_feeds(site.model):
        fingerprint = feed_fingerprint(feed, site.fingerprints.card, site.fingerprints.global_key)
        if output.reusable(feed.path, fingerprint):
            output.keep(feed.path)
        else:
            output.put(feed.path, atom_feed(site.model, feed), fingerprint)


def stage_derived_files(site: Site, output: StagedOutput, report: RenderReport | None = None) -> None:
    """Last before the commit: the offline zip, the service worker and (precompress) .gz/.br."""
    notices = stage_publish_files(output, precompress=site.config.precompress)
    if report is not None:
        report.notices.extend(notices)


def save_memos(caches: Caches) -> None:
    caches.save_memo(SLUG_MEMO)
    caches.save_memo(PINYIN_MEMO)


# --- rendering pages, on every core when there are many ----------------------------------------

def _render_all(site: Site, pages: list[Page], progress: Progress | None) -> list[bytes]:
    report = (lambda done, total: progress("render", done, total)) if progress else None
    return fork_map(_render_one, pages, (site.env, site.model), min_items=PARALLEL_MIN_PAGES, chunk=50,
                    progress=report)


def _render_one(context: tuple, page: Page) -> bytes:
    env, model = context
    return render_page(env, page, model)
