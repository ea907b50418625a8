"""Render stage: content/ -> public/ through a Jinja theme.

Entry point: `build_site(content_dir, output_dir, config, theme_dirs=None) -> RenderReport`.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ..config import SiteConfig
from ..content import load_content
from ..search import build_search_files
from .feeds import atom_feed, robots_txt, sitemap
from .pages import SEARCH_PAGE, plan_pages, render_page, search_docs
from ..enrich.units import UnitRegistry
from .site import build_model
from .theme import has_template, make_environment, static_files, theme_chain
from .writer import write_output

ASSETS_DIR = "assets"
NOT_IN_SITEMAP = {"404.html", SEARCH_PAGE}


@dataclass
class RenderReport:
    pages_rendered: int = 0
    files_written: int = 0  # files whose bytes changed
    files_unchanged: int = 0
    articles: int = 0
    issues: int = 0
    errors: list[str] = field(default_factory=list)  # content files that could not be used
    notices: list[str] = field(default_factory=list)

    @property
    def files_total(self) -> int:
        return self.files_written + self.files_unchanged

    def print_summary(self, out: TextIO = sys.stdout) -> None:
        print(f"rendered {self.pages_rendered} pages ({self.issues} issues, {self.articles} articles); "
              f"wrote {self.files_written} files, {self.files_unchanged} unchanged", file=out)
        for notice in self.notices:
            print(f"note: {notice}", file=out)
        for error in self.errors:
            print(f"error: {error}", file=out)


def build_site(content_dir: Path, output_dir: Path, config: SiteConfig, *, theme_dirs=None) -> RenderReport:
    """Render every page of the content into output_dir; content errors are reported, not raised."""
    report = RenderReport()
    content = load_content(Path(content_dir))
    report.errors.extend(str(err) for err in content.errors)
    model = build_model(content, config, UnitRegistry.default())
    report.issues, report.articles = len(model.issues), len(model.articles)

    chain = theme_chain(config.theme, theme_dirs)
    env = make_environment(chain)
    outputs: dict[str, bytes] = {}
    pages = plan_pages(model, include_search=has_template(env, SEARCH_PAGE))
    for page in pages:
        outputs[page.url] = render_page(env, page, model)
    report.pages_rendered = len(pages)
    for rel, path in static_files(chain).items():
        outputs[f"{ASSETS_DIR}/{rel}"] = path.read_bytes()
    outputs.update(build_search_files(search_docs(model), config))
    outputs["robots.txt"] = robots_txt(model)
    if config.absolute_root:
        outputs["feed.xml"] = atom_feed(model)
        outputs["sitemap.xml"] = sitemap(model, [p.url for p in pages if p.url not in NOT_IN_SITEMAP])
    else:
        report.notices.append("no base URL (--base-url or base_url in site.yml): "
                              "Atom feed and sitemap.xml skipped")

    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    for rel in sorted(outputs):
        if write_output(output_dir, rel, outputs[rel]):
            report.files_written += 1
        else:
            report.files_unchanged += 1
    return report

