"""Every generated HTML page parses without a single error in html5lib's strict mode."""
from __future__ import annotations

import html5lib



def parse_errors(public) -> list[str]:
    problems = []
    for page in sorted(public.rglob("*.html")):
        parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
        try:
            parser.parse(page.read_bytes())
        except html5lib.html5parser.ParseError as exc:
            problems.append(f"{page}: {exc}")
    return problems


def test_html_parses_strictly(any_built_site):
    assert parse_errors(any_built_site.public) == []


def test_html_parses_strictly_with_base_url(built_site_with_base_url):
    assert parse_errors(built_site_with_base_url.public) == []


def test_strict_parser_catches_errors(tmp_path):
    (tmp_path / "bad.html").write_text("<p>no doctype</span>")
    assert parse_errors(tmp_path)
