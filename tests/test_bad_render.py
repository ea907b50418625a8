"""Rendering bad input: markup in input never passes through templates, Markdown or the feed.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from hypothesis import given, settings, strategies as st

from generator.config import SiteConfig
from generator.content import ContentSet, escape_markdown, unescape_markdown
from generator.records import Article
from generator.render.feeds import atom_feed
from generator.render.markup import is_safe_url, render_body
from generator.render.site import build_model
from generator.render.templates import make_environment
from generator.render.theme import theme_chain

from tests.bad_input_support import BASE_URL, PROJECT_ROOT, PageScan

def test_jinja_autoescaping_is_on_and_no_template_turns_it_off():
    env = make_environment(theme_chain("default"))
    assert env.from_string("{{ x }}").render(x="<script>&") == "&lt;script&gt;&amp;"
    for template in (PROJECT_ROOT / "themes" / "default" / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"\|\s*safe\b|autoescape\s+false|\bMarkup\b", text), template.name


def test_the_feed_stays_well_formed_xml_even_with_characters_xml_cannot_hold():
    # Content validation keeps control characters out; the feed guards itself all the same.
    article = Article(title="标题\x0b\x1b<b>&", title_generated=False, kicker=None, unit=None, issue="x", order=1,
                      kind="brief", reporters=["王\x00"], correspondents=[], photographers=[], tags=["\ufffe标签"],
                      date="2024-04", source="", source_lines=[], body="正文\x0c。\n", path="x/01-x.md")
    model = build_model(ContentSet(articles=[article]), SiteConfig(base_url=BASE_URL))
    entry = ET.fromstring(atom_feed(model)).find("{http://www.w3.org/2005/Atom}entry")
    assert entry.findtext("{http://www.w3.org/2005/Atom}title") == "标题<b>&"


# --- properties: Markdown rendering lets no markup through ------------------------------------------

MARKUP = st.lists(st.sampled_from([
    "<script>", "</script>", "<img src=x onerror=alert(1)>", "<a href='javascript:alert(1)'>", "<b>", "</b>",
    "[x](javascript:alert(1))", "[x](JAVASCRIPT:alert(1))", "[x](java\tscript:x)", "[x](&#106;avascript:x)",
    "[x](<javascript:x>)", "[x][r]", "\n\n[r]: javascript:alert(1)\n\n", "![i](http://e/x.png)", "<http://e>",
    "**", "*", "_", "`", "```", "#", "## ", "\n", "\n\n", "    ", "> ", "- ", "1. ", "&", "&amp;", "&#60;", "&lt;",
    "{{ x }}", "{% x %}", "<!--", "-->", "<div>", "</div>", "<style>", "<iframe src=x>", "\\", "[", "]", "(", ")",
    "民警", "text", " ", "[TOC]", "<svg onload=alert(1)>", "\"", "'", "=",
]), max_size=25).map("".join)
ALLOWED_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "code", "pre", "a", "span", "ul", "ol",
                "li", "blockquote", "hr", "br", "div"}


@settings(max_examples=300, deadline=None)
@given(MARKUP)
def test_rendered_markdown_has_no_raw_html_and_no_unsafe_links(body):
    scan = PageScan(str(render_body(body).html))
    for tag, attributes in scan.tags:
        assert tag in ALLOWED_TAGS, (body, tag)
        assert set(attributes) <= {"href", "title", "id", "class"}, (body, attributes)
        if tag == "a":
            assert is_safe_url(attributes.get("href") or "")
        if tag == "div":
            assert attributes.get("class") == "toc"


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=60) | MARKUP)
def test_seed_text_escaped_for_markdown_renders_exactly_as_written(text):
    text = " ".join(text.split())  # a block of seed text is one line, trimmed
    if not text:
        return
    escaped = escape_markdown(text)
    assert unescape_markdown(escaped) == text
    assert " ".join(PageScan(str(render_body(escaped).html)).plain.split()) == text
