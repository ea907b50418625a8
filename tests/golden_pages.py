"""Golden pages: one page of every template of the default theme, built from the made-up site of
tests/fixtures_site.py, kept under tests/golden/pages/ and compared byte for byte by
tests/test_golden_pages.py (as Pelican keeps golden output trees).

After an intended change to a template or the renderer, look at the diff, then regenerate:

    .venv/bin/python -m tests.golden_pages
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from generator.config import SiteConfig
from generator.pipeline import build_site
from generator.render.stage import prepare_site
from generator.caches import Caches
from generator.content import load_content
from tests.fixtures_site import write_sample_content

GOLDEN_DIR = Path(__file__).resolve().parent / "golden" / "pages"
CONFIG = SiteConfig(page_size=3, base_url="https://example.org/jining/")


def golden_pages() -> dict[str, bytes]:
    """Template name -> the bytes of the first page (by URL) rendered from it."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_sample_content(root / "content")
        build_site(root / "content", root / "public", CONFIG)
        site = prepare_site(load_content(root / "content"), CONFIG, Caches(None))
        chosen: dict[str, str] = {}
        for page in sorted(site.pages, key=lambda p: p.url):
            chosen.setdefault(page.template, page.url)
        return {template: (root / "public" / url).read_bytes() for template, url in sorted(chosen.items())}


def main() -> int:
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    pages = golden_pages()
    for old in GOLDEN_DIR.glob("*.html"):
        if old.name not in pages:
            old.unlink()
    for template, data in pages.items():
        (GOLDEN_DIR / template).write_bytes(data)
    print(f"wrote {len(pages)} golden pages to {GOLDEN_DIR}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
