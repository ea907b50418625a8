"""Atom feeds, sitemap.xml and robots.txt. Feeds and sitemap need absolute URLs (a base URL).

Feeds: `feed.xml` of the whole site (latest articles, full text), and one per unit and per tag
(`units/<slug>/feed.xml`, `tags/<slug>/feed.xml`: their latest articles, summary and link), so a
reader can follow "their" 派出所 or topic.

Dates are the issue's, at the precision it is known: Atom requires a full timestamp, so an issue
known only to the month is dated the first of that month (a year only: 1 January), midnight in
China (+08:00), and every entry's content starts with the issue's date as printed on the site
("2024年4月 第1期（推定）"), so the reader sees how precise it is. An undated article gets the Unix
epoch, which sorts it last, and shows "日期不详". The sitemap's `lastmod` keeps the precision as is
(W3C datetime allows `2024-04`).
"""
from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from .markup import render_body
from .site import ArticleView, SiteModel, newest_first, published_date

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_NS = "http://www.w3.org/XML/1998/namespace"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
UNKNOWN_DATE = "1970-01-01T00:00:00Z"
CHINA_OFFSET = "+08:00"
SITE_FEED = "feed.xml"


def atom_timestamp(date: str | None) -> str:
    """`2024`, `2024-04`, `2024-04-15` -> an RFC 3339 timestamp (the first day of the period,
    midnight in China); the epoch when there is no date."""
    if not date:
        return UNKNOWN_DATE
    parts = (date.split("-") + ["01", "01"])[:3]
    try:
        year, month, day = (int(p) for p in parts)
    except ValueError:
        return UNKNOWN_DATE
    return f"{year:04d}-{month:02d}-{day:02d}T00:00:00{CHINA_OFFSET}"


def feed_path(directory: str) -> str:
    """The feed of a unit's or tag's list, beside its index page."""
    return f"{directory}/{SITE_FEED}"


@dataclass
class Feed:
    """One Atom feed: its file, the page it follows, its title and its newest articles."""

    path: str
    page: str  # the list page the feed follows
    title: str
    articles: list[ArticleView]
    full_text: bool


def site_feeds(model: SiteModel) -> list[Feed]:
    """Every feed of the site: the site's, then each unit's and each tag's."""
    size, title = model.config.feed_size, model.config.title
    feeds = [Feed(SITE_FEED, "index.html", title, sorted(model.articles, key=newest_first)[:size], True)]
    for unit in model.units:
        # A unit's feed follows the unit and the units under it (a 县局's readers want its 派出所 too).
        feeds.append(Feed(feed_path(unit.directory), unit.url, f"{unit.name} · {title}",
                          unit.articles_with_descendants()[:size], False))
    for tag in model.tags:
        feeds.append(Feed(feed_path(tag.directory), tag.url, f"{tag.name} · {title}",
                          sorted(tag.articles, key=newest_first)[:size], False))
    return feeds


def feed_fingerprint(feed: Feed, card, global_key: str) -> str:
    """What the feed shows, as a digest: an unchanged feed is carried over, not rebuilt."""
    parts = [feed.path, feed.page, feed.title, feed.full_text]
    for article in feed.articles:
        parts.append((card(article), [t.name for t in article.tags]))
        if feed.full_text:
            parts.append(hashlib.sha1(article.article.body.encode("utf-8")).hexdigest())
    return hashlib.sha1((repr(parts) + "\0" + global_key).encode("utf-8")).hexdigest()


# Characters XML 1.0 cannot hold at all, not even escaped: one of them makes the whole feed
# unreadable to every feed reader. Content validation keeps them out; this is the last guard.
_NOT_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_safe(root: ET.Element) -> None:
    for element in root.iter():
        if element.text:
            element.text = _NOT_XML.sub("", element.text)
        if element.tail:
            element.tail = _NOT_XML.sub("", element.tail)
        for name, value in element.attrib.items():
            element.set(name, _NOT_XML.sub("", value))


def _xml(root: ET.Element) -> bytes:
    _xml_safe(root)
    ET.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8",
                                                                     xml_declaration=False) + b"\n"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _entry_html(article: ArticleView, url: str, full_text: bool) -> str:
    """The entry's content as HTML (escaped once more by ElementTree, as type="html" requires)."""
    meta = [article.issue.heading] + ([article.unit.name] if article.unit else [])
    head = f"<p>{_escape(' · '.join(meta))}</p>\n"
    if full_text:
        return head + str(render_body(article.article.body).html)
    summary = f"<p>{_escape(article.summary)}</p>\n" if article.summary else ""
    return head + summary + f'<p><a href="{_escape(url)}">阅读全文</a></p>'


def atom_feed(model: SiteModel, feed: Feed | None = None) -> bytes:
    """The Atom document of `feed` (default: the site's feed)."""
    base = model.config.absolute_root
    assert base, "Atom feeds need a base URL"
    feed = feed or site_feeds(model)[0]
    ET.register_namespace("", ATOM_NS)

    def sub(parent: ET.Element, name: str, text: str | None = None, **attrs) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{name}", attrs)
        if text is not None:
            element.text = text
        return element

    root = ET.Element(f"{{{ATOM_NS}}}feed", {f"{{{XML_NS}}}lang": "zh-CN"})
    sub(root, "title", feed.title)
    sub(root, "subtitle", model.config.subtitle)
    sub(root, "id", base + feed.path)
    sub(root, "link", rel="self", type="application/atom+xml", href=base + feed.path)
    sub(root, "link", rel="alternate", type="text/html", href=base + feed.page)
    # The feed's time is its newest entry's, never the build time, so rebuilds are byte-identical.
    sub(root, "updated", atom_timestamp(_newest(published_date(a) for a in feed.articles)))
    author = sub(root, "author")
    sub(author, "name", model.config.publisher)
    for article in feed.articles:
        url = base + article.url
        entry = sub(root, "entry")
        sub(entry, "title", article.title)
        sub(entry, "id", url)
        sub(entry, "link", rel="alternate", type="text/html", href=url)
        sub(entry, "published", atom_timestamp(published_date(article)))
        sub(entry, "updated", atom_timestamp(published_date(article)))
        for credit in article.credits:
            sub(sub(entry, "author"), "name", credit.person.name)
        for tag in article.tags:
            sub(entry, "category", term=tag.name)
        if article.summary:
            sub(entry, "summary", article.summary)
        content = sub(entry, "content", _entry_html(article, url, feed.full_text), type="html")
        content.set(f"{{{XML_NS}}}base", url)  # an editor's relative link resolves from the article
    return _xml(root)


def sitemap(model: SiteModel, pages: list) -> bytes:
    """`pages`: (url, lastmod or None) pairs; lastmod at the precision known (see page_lastmod)."""
    base = model.config.absolute_root
    assert base, "sitemap.xml needs a base URL"
    ET.register_namespace("", SITEMAP_NS)
    root = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    for url, lastmod in sorted((p if isinstance(p, tuple) else (p, None)) for p in pages):
        entry = ET.SubElement(root, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(entry, f"{{{SITEMAP_NS}}}loc").text = base + url
        if lastmod:
            ET.SubElement(entry, f"{{{SITEMAP_NS}}}lastmod").text = lastmod
    return _xml(root)


def _newest(dates) -> str | None:
    known = [d for d in dates if d]
    return max(known) if known else None


def page_lastmod(page, model: SiteModel) -> str | None:
    """When what a page shows last changed, as far as the archive knows: the newest issue date
    among its articles (an article page: its own). None when none of them is dated."""
    context = page.context
    if "article" in context:
        return published_date(context["article"])
    if "issue" in context:
        return context["issue"].meta.date
    if "pager" in context:
        items = context["pager"].items
        return _newest(published_date(item[0] if isinstance(item, tuple) else item) for item in items)
    # Site indexes show the latest issue (home) or lists of every issue.
    return _newest(issue.meta.date for issue in model.issues)


def robots_txt(model: SiteModel) -> bytes:
    lines = ["User-agent: *", "Allow: /"]
    if model.config.absolute_root:
        lines.append(f"Sitemap: {model.config.absolute_root}sitemap.xml")
    return ("\n".join(lines) + "\n").encode("utf-8")
