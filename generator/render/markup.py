"""Article bodies: Markdown to HTML with raw HTML off, so seed text that looks like markup stays text."""
from __future__ import annotations

import json
from dataclasses import dataclass

import markdown
from markdown.extensions.toc import TocExtension
from markupsafe import Markup

from ..slugs import slugify

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


def make_markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=[TocExtension(slugify=_heading_id, toc_depth="2-3")],
                           output_format="html")
    for name in _DISABLED_PREPROCESSORS:
        md.preprocessors.deregister(name)
    for name in _DISABLED_INLINE:
        md.inlinePatterns.deregister(name)
    return md


def render_body(body: str) -> RenderedBody:
    md = make_markdown()
    # The serializer leaves anything shaped like an entity alone (`&amp;` would show as `&`);
    # escaping every `&` first makes such text show exactly as written.
    html = md.convert(body.replace("&", "&amp;"))
    subheads = [(token["id"], token["name"]) for token in _flatten(md.toc_tokens)]
    return RenderedBody(Markup(html), subheads)


def _flatten(tokens: list[dict]) -> list[dict]:
    out = []
    for token in tokens:
        out.append(token)
        out.extend(_flatten(token.get("children", [])))
    return out


def json_for_script(data: object) -> Markup:
    """JSON safe inside <script>: `<`, `>` and `&` are escaped so `</script>` in data cannot end it."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1)
    text = (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    return Markup(text)
