"""Pages: what each page of the site is (URL, template, data) and how it turns into bytes.

`plan_pages` lists every page of a site model; `render_page` is a pure function of a page, the
model and the template environment, so a later incremental build can re-render only some pages.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment

from .markup import json_for_script, render_body
from .calendar import build_calendars
from .site import ArticleView, SiteModel, published_date
from .urls import page_url, relative_url, root_prefix

SEARCH_PAGE = "search.html"
NOT_FOUND_PAGE = "404.html"

# Every page's policy, in a <meta http-equiv>: scripts, styles, images and data only from the
# site itself, nothing inline (JSON-LD is data, not a script, and stays), no plugins, no <base>.
# (frame-ancestors and report-uri are ignored in a <meta>; a host may add them as headers.)
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "font-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; "
                           "object-src 'none'; base-uri 'none'; form-action 'self'")
# Without a base URL the 404 page looks for the site root this many folders up (see 404.html).
NOT_FOUND_PROBE_DEPTH = 6


PAGER_WINDOW = 2  # older pages linked on each side of the current one


@dataclass
class PagerLink:
    label: str  # "最新", a page number, or "…" for a gap
    url: str | None  # None for the current page and for a gap
    current: bool = False


@dataclass
class Pager:
    """One page of a newest-first list (see `paginate`): the newest page, or older page N.

    Navigation only names pages near this one, by their fixed numbers, so that an older page's
    navigation stays the same as new articles arrive (and the pages of a long list do not each
    link every other page)."""

    items: list
    number: int  # position, newest first: 1 is the list's index page
    urls: list[str]  # every page of the list, newest first

    def __repr__(self) -> str:
        # What a page shows of its list, which is its identity for incremental builds (deps.py):
        # its items, whether the list has pages, its own fixed number, its neighbours, the links
        # near it and the way back to the newest page. Not its position counted from the newest
        # page, which moves for every older page whenever a new page opens.
        shown = (self.items, self.total > 1, self.page_number, self.previous_url, self.next_url,
                 [(link.label, link.url, link.current) for link in self.links], self.urls[0])
        return f"Pager{shown!r}"

    @property
    def total(self) -> int:
        return len(self.urls)

    @property
    def page_number(self) -> int | None:
        """The older page's fixed number (1 holds the oldest articles); None for the newest page."""
        return None if self.number == 1 else self.total - self.number + 1

    @property
    def previous_url(self) -> str | None:
        """The page of newer articles."""
        return self.urls[self.number - 2] if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        """The page of older articles."""
        return self.urls[self.number] if self.number < self.total else None

    @property
    def links(self) -> list[PagerLink]:
        older_pages = self.total - 1
        here = self.page_number if self.page_number is not None else older_pages + 1
        numbers = [n for n in range(min(older_pages, here + PAGER_WINDOW), max(1, here - PAGER_WINDOW) - 1, -1)]
        links = [PagerLink("最新", None if self.number == 1 else self.urls[0], self.number == 1)]
        if numbers and numbers[0] < older_pages:
            links.append(PagerLink("…", None))
        for n in numbers:
            links.append(PagerLink(str(n), None if n == here else self.urls[self.total - n], n == here))
        if numbers and numbers[-1] > 1:
            if numbers[-1] > 2:
                links.append(PagerLink("…", None))
            links.append(PagerLink("1", self.urls[-1]))
        return links


@dataclass
class Page:
    url: str  # site-root-relative file path
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    section: str = ""  # which main navigation entry is current


def paginate(items: list, directory: str, size: int) -> list[Pager]:
    """Pages of a newest-first list whose older pages never move.

    Older pages are counted from the oldest article: `page-1.html` holds the oldest `size`
    articles, `page-2.html` the next, and so on, each always full; the list's `index.html` holds
    the rest, the newest (between `size` and 2 × `size` - 1 of them). A new article then changes
    only the index page (and, every `size` articles, opens one new page), so a rebuild renders
    and a sync uploads a page or two per list instead of every page of it, and a link to an
    older page keeps showing the same articles. Pagers are returned newest first."""
    fixed = max(0, len(items) // size - 1)
    newest_count = len(items) - fixed * size
    chunks = [items[:newest_count]]
    for number in range(fixed, 0, -1):  # page-N … page-1, newest to oldest
        start = newest_count + (fixed - number) * size
        chunks.append(items[start:start + size])
    urls = [f"{directory}/index.html"] + [page_url(directory, number) for number in range(fixed, 0, -1)]
    return [Pager(chunk, position, urls) for position, chunk in enumerate(chunks, 1)]


def plan_pages(model: SiteModel, *, include_search: bool) -> list[Page]:
    size = model.config.page_size
    pages = [Page("index.html", "home.html", {}, "home")]

    def paged(items, directory: str, template: str, context: dict, section: str) -> None:
        for pager in paginate(items, directory, size):
            pages.append(Page(pager.urls[pager.number - 1], template, {**context, "pager": pager}, section))

    for issue in model.issues:
        pages.append(Page(issue.url, "issue.html", {"issue": issue}, "archive"))
        for article in issue.articles:
            pages.append(Page(article.url, "article.html", {"article": article}, "archive"))
    pages.append(Page("archive/index.html", "archive.html", {}, "archive"))
    for calendar in build_calendars(model.issues):
        pages.append(Page(calendar.url, "calendar.html", {"calendar": calendar}, "archive"))
    for year in model.years:
        paged(year.articles, year.directory, "year.html", {"year": year}, "archive")
    pages.append(Page("units/index.html", "units.html", {}, "units"))
    for unit in model.units:
        # The unit's own articles and the articles that mention it are two lists, each paginated
        # from its oldest end: as one list (own first) every article of the unit's own would move
        # every older page of its mentions.
        paged(unit.main_articles, unit.directory, "unit.html", {"unit": unit, "scope": "own"}, "units")
        if unit.mention_articles:
            paged(unit.mention_articles, unit.mentions_directory, "unit.html",
                  {"unit": unit, "scope": "mentions"}, "units")
        if unit.children:
            paged(unit.articles_with_descendants(), unit.all_directory, "unit.html",
                  {"unit": unit, "scope": "all"}, "units")
    pages.append(Page("tags/index.html", "tags.html", {}, "tags"))
    for tag in model.tags:
        paged(tag.articles, tag.directory, "tag.html", {"tag": tag}, "tags")
    pages.append(Page("people/index.html", "people.html", {}, "people"))
    for person in model.people:
        paged(person.credits, person.directory, "person.html", {"person": person}, "people")
    pages.append(Page("404.html", "404.html", {}, ""))
    if include_search:
        pages.append(Page(SEARCH_PAGE, "search.html", {}, "search"))
    return pages


def render_page(env: Environment, page: Page, model: SiteModel) -> bytes:
    config = model.config
    # The 404 page is served for URLs at any depth, so with a known base URL its links are absolute.
    absolute = config.absolute_root if page.url == NOT_FOUND_PAGE else None
    root = absolute or root_prefix(page.url)
    probes = ["../" * up for up in range(NOT_FOUND_PROBE_DEPTH + 1)] if page.url == NOT_FOUND_PAGE and not absolute else []

    def href(target: str) -> str:
        return absolute + target if absolute else relative_url(page.url, target)

    context = dict(page.context)
    if "article" in context:
        article: ArticleView = context["article"]
        # With pictures, the captions they took are shown with them, not again in the body.
        context["body"] = render_body(article.photo.body if article.photo is not None else article.article.body)
        context["json_ld"] = json_for_script(article_json_ld(article, model))
    html = env.get_template(page.template).render(
        site=config, model=model, page=page, root=root, href=href, csp=CONTENT_SECURITY_POLICY,
        share=share_meta(page, model), root_probes=probes,
        feed_available=bool(config.absolute_root), **context)
    return html.encode("utf-8")


def absolute_url(model: SiteModel, url: str) -> str | None:
    return model.config.absolute_root + url if model.config.absolute_root else None


def article_image(article: ArticleView, model: SiteModel) -> str | None:
    """Absolute URL of the article's first image (front matter `images: [{file, caption}]`),
    published beside the article's page; None when it has none or there is no base URL."""
    if not model.config.absolute_root:
        return None
    if article.thumbnail is not None:  # the first picture, as the site publishes it (resized)
        return absolute_url(model, article.thumbnail.src.url)
    images = getattr(article.article, "images", None) or []
    first = images[0] if images else None
    name = first.get("file") if isinstance(first, dict) else getattr(first, "file", None)
    if not name or not model.config.absolute_root:
        return None
    folder = article.url.rsplit("/", 1)[0]
    return model.config.absolute_root + folder + "/" + str(name).lstrip("/")


def share_meta(page: Page, model: SiteModel) -> dict | None:
    """Canonical link and OpenGraph / card data of a page; None without a base URL (they need
    absolute URLs) and for the 404 page, which has no address of its own."""
    url = absolute_url(model, page.url)
    if url is None or page.url == NOT_FOUND_PAGE:
        return None
    article = page.context.get("article")
    if article is None:
        return {"url": url, "type": "website", "title": None, "image": None, "published": None}
    return {"url": url, "type": "article", "title": article.title, "image": article_image(article, model),
            "published": published_date(article)}


def article_json_ld(article: ArticleView, model: SiteModel) -> dict:
    config = model.config
    publisher = {"@type": "Organization", "name": config.publisher}
    authors = [{"@type": "Person", "name": c.person.name} for c in article.credits]
    issue = article.issue
    part_of: dict[str, Any] = {"@type": "PublicationIssue", "name": f"{config.title} {issue.heading}",
                               "isPartOf": {"@type": "Periodical", "name": config.title}}
    if issue.meta.number is not None:
        part_of["issueNumber"] = str(issue.meta.number)
    if issue.meta.date:
        part_of["datePublished"] = issue.meta.date
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "author": authors or [publisher],
        "publisher": publisher,
        "isPartOf": part_of,
        "inLanguage": "zh-CN",
    }
    alternatives = [t for t in (article.pretitle, article.subtitle) if t]
    if alternatives:
        data["alternativeHeadline"] = " ".join(alternatives)
    if published_date(article):
        data["datePublished"] = published_date(article)
    # Keywords are the article's own tags, also those too rare for a tag page of their own.
    keywords = [t.strip() for t in article.article.tags if t.strip()]
    if keywords:
        data["keywords"] = list(dict.fromkeys(keywords))
    image = article_image(article, model)
    if image:
        data["image"] = image
    if absolute_url(model, article.url):
        data["url"] = absolute_url(model, article.url)
        part_of["url"] = absolute_url(model, issue.url)
    return data
