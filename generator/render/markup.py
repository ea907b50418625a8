"""Article bodies: Markdown to HTML with raw HTML off, so seed text that looks like markup stays text."""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element

import markdown
from markdown.extensions.toc import TocExtension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from ..lang.slugs import slugify

# Seeds are plain text: anything that looks like HTML, an entity or an autolink must show as
# written. Images are off too, since an image URL would make the page fetch from the network.
_DISABLED_PREPROCESSORS = ("html_block",)
_DISABLED_INLINE = ("html", "entity", "autolink", "automail", "image_link", "image_reference",
                    "short_image_ref")


@dataclass(frozen=True)
class RenderedBody:
    html: Markup
    subheads: list[tuple[str, str]]  # (anchor id, text) of each `## ` heading


def _heading_id(value: str, separator: str) -> str:
    return "h-" + slugify(value, fallback="section")


# Links editors write by hand may point at a page or a site, never run code: `javascript:`,
# `vbscript:`, `data:` and any other scheme than these make the link plain text.
_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.I)
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f-\x9f]+")  # browsers skip these, even inside a scheme


def is_safe_url(url: str) -> bool:
    scheme = _SCHEME.match(_IGNORED_IN_URL.sub("", url))
    return scheme is None or scheme.group(1).lower() in _SAFE_SCHEMES


class _TextOnly(Treeprocessor):
    """The last tree step: every `&` is escaped and unsafe links become plain text.

    Python-Markdown's serializer leaves `&` alone where it starts something shaped like an entity
    (`&amp;`, `&#106;`), so text holding one would show decoded, and `&#106;avascript:` in a link
    would become a script URL in the browser. Escaping `&` here, after every other step, makes
    text and attributes show exactly as written. Code elements hold already-escaped text.

    It also records each subhead's id and plain text: the TOC extension's names are HTML, which
    a template would escape a second time.
    """

    def __init__(self, md):
        super().__init__(md)
        self.subheads: list[tuple[str, str]] = []

    def run(self, root: Element) -> None:
        self.subheads = []
        for element in root.iter():
            if element.tag in _SUBHEAD_TAGS and element.get("id"):
                self.subheads.append((element.get("id"), _plain_text(element)))
            if element.tag == "a" and not is_safe_url(element.get("href", "")):
                element.tag = "span"
                element.attrib.clear()
            if element.text and element.tag != "code":
                element.text = _escape_amp(element.text)
            if element.tail:
                element.tail = _escape_amp(element.tail)
            for name, value in list(element.attrib.items()):
                element.set(name, value.replace("&", "&amp;"))


_SUBHEAD_TAGS = ("h2", "h3")  # the TOC extension's toc_depth


def _plain_text(element: Element) -> str:
    """Text of an element before `&` is escaped; code text is HTML-escaped already."""
    parts = [html.unescape(element.text) if element.tag == "code" else element.text or ""]
    for child in element:
        parts.append(_plain_text(child))
        parts.append(child.tail or "")
    return "".join(p or "" for p in parts).strip()


def _escape_amp(text: str) -> str:
    # Keep the string type: an AtomicString must stay one.
    return type(text)(text.replace("&", "&amp;")) if "&" in text else text


_TEXT_ONLY = "text_only"


def make_markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=[TocExtension(slugify=_heading_id, toc_depth="2-3")],
                           output_format="html")
    for name in _DISABLED_PREPROCESSORS:
        md.preprocessors.deregister(name)
    for name in _DISABLED_INLINE:
        md.inlinePatterns.deregister(name)
    md.treeprocessors.register(_TextOnly(md), _TEXT_ONLY, -100)
    return md


# One converter per process, reset before each body: building one (its patterns, its extensions)
# cost as much as converting a short article. reset() clears what a conversion leaves behind
# (references, the HTML stash, the table of contents), so each body converts as if alone.
_converter: list[markdown.Markdown] = []


def render_body(body: str) -> RenderedBody:
    if not _converter:
        _converter.append(make_markdown())
    md = _converter[0].reset()
    converted = md.convert(body)
    return RenderedBody(Markup(converted), list(md.treeprocessors[_TEXT_ONLY].subheads))


def json_for_script(data: object) -> Markup:
    """JSON safe inside <script>: `<`, `>` and `&` are escaped so `</script>` in data cannot end it."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1)
    text = (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    return Markup(text)
