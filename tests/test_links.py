"""Every internal link and asset reference in public/ resolves to a file, never to a bare directory."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit



class _References(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        if any(name == "data-root-probe" for name, _ in attrs):
            return  # the 404 page's guesses at the site root from any depth (tests/test_publish_browser.py)
        for name, value in attrs:
            if name in ("href", "src", "action") and value is not None:
                self.refs.append(value)
            if name == "id" and value:
                self.ids.add(value)


def broken_links(public: Path) -> list[str]:
    problems = []
    for page in sorted(public.rglob("*.html")):
        parser = _References()
        parser.feed(page.read_text(encoding="utf-8"))
        for ref in parser.refs:
            parts = urlsplit(ref)
            if parts.scheme or ref.startswith("//"):
                continue  # absolute URLs (only the 404 page with a base URL) are not files here
            if not parts.path:
                if parts.fragment and parts.fragment not in parser.ids:
                    problems.append(f"{page}: #{parts.fragment} has no target")
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if parts.path.endswith("/") or target.is_dir():
                problems.append(f"{page}: {ref} points to a directory")
            elif not target.is_file():
                problems.append(f"{page}: {ref} does not exist")
            elif public.resolve() not in target.parents:
                problems.append(f"{page}: {ref} leaves the site")
    return problems


def test_internal_links_resolve(any_built_site):
    assert broken_links(any_built_site.public) == []


def test_internal_links_resolve_with_base_url(built_site_with_base_url):
    assert broken_links(built_site_with_base_url.public) == []


def test_link_checker_finds_directory_and_missing_links(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "index.html").write_text('<a href="sub/">d</a><a href="missing.html">m</a><a href="#nope">f</a>')
    problems = broken_links(tmp_path)
    assert len(problems) == 3
