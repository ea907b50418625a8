"""Atom feed, sitemap.xml and robots.txt. Feed and sitemap need absolute URLs (a base URL)."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from .site import SiteModel, newest_first

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
UNKNOWN_DATE = "1970-01-01T00:00:00Z"


def atom_timestamp(date: str | None) -> str:
    """`2024`, `2024-04`, `2024-04-15` -> an RFC 3339 timestamp (first day of the period)."""
    if not date:
        return UNKNOWN_DATE
    parts = (date.split("-") + ["01", "01"])[:3]
    try:
        year, month, day = (int(p) for p in parts)
    except ValueError:
        return UNKNOWN_DATE
    return f"{year:04d}-{month:02d}-{day:02d}T00:00:00Z"


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


def atom_feed(model: SiteModel) -> bytes:
    base = model.config.absolute_root
    assert base, "the Atom feed needs a base URL"
    ET.register_namespace("", ATOM_NS)
    latest = sorted(model.articles, key=newest_first)[: model.config.feed_size]
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"xml:lang": "zh-CN"})
    ET.SubElement(feed, f"{{{ATOM_NS}}}title").text = model.config.title
    ET.SubElement(feed, f"{{{ATOM_NS}}}subtitle").text = model.config.subtitle
    ET.SubElement(feed, f"{{{ATOM_NS}}}id").text = base
    ET.SubElement(feed, f"{{{ATOM_NS}}}link", {"rel": "self", "href": base + "feed.xml"})
    ET.SubElement(feed, f"{{{ATOM_NS}}}link", {"rel": "alternate", "href": base + "index.html"})
    # The feed's time is its newest entry's, never the build time, so rebuilds are byte-identical.
    ET.SubElement(feed, f"{{{ATOM_NS}}}updated").text = atom_timestamp(latest[0].date if latest else None)
    author = ET.SubElement(feed, f"{{{ATOM_NS}}}author")
    ET.SubElement(author, f"{{{ATOM_NS}}}name").text = model.config.publisher
    for article in latest:
        entry = ET.SubElement(feed, f"{{{ATOM_NS}}}entry")
        ET.SubElement(entry, f"{{{ATOM_NS}}}title").text = article.title
        ET.SubElement(entry, f"{{{ATOM_NS}}}id").text = base + article.url
        ET.SubElement(entry, f"{{{ATOM_NS}}}link", {"rel": "alternate", "href": base + article.url})
        ET.SubElement(entry, f"{{{ATOM_NS}}}updated").text = atom_timestamp(article.date)
        for credit in article.credits:
            person = ET.SubElement(entry, f"{{{ATOM_NS}}}author")
            ET.SubElement(person, f"{{{ATOM_NS}}}name").text = credit.person.name
        if article.summary:
            ET.SubElement(entry, f"{{{ATOM_NS}}}summary").text = article.summary
        for tag in article.tags:
            ET.SubElement(entry, f"{{{ATOM_NS}}}category", {"term": tag.name})
    return _xml(feed)


def sitemap(model: SiteModel, page_urls: list[str]) -> bytes:
    base = model.config.absolute_root
    assert base, "sitemap.xml needs a base URL"
    ET.register_namespace("", SITEMAP_NS)
    root = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    for url in sorted(page_urls):
        entry = ET.SubElement(root, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(entry, f"{{{SITEMAP_NS}}}loc").text = base + url
    return _xml(root)


def robots_txt(model: SiteModel) -> bytes:
    lines = ["User-agent: *", "Allow: /"]
    if model.config.absolute_root:
        lines.append(f"Sitemap: {model.config.absolute_root}sitemap.xml")
    return ("\n".join(lines) + "\n").encode("utf-8")
