"""Every template's output is held against a golden page (regenerate: python -m tests.golden_pages)."""
from __future__ import annotations

import difflib

import pytest

from tests.golden_pages import GOLDEN_DIR, golden_pages


@pytest.fixture(scope="module")
def pages() -> dict[str, bytes]:
    return golden_pages()


def test_every_template_has_a_golden_page(pages):
    assert sorted(pages) == sorted(p.name for p in GOLDEN_DIR.glob("*.html")), \
        "templates and golden pages differ: run `.venv/bin/python -m tests.golden_pages`"


@pytest.mark.parametrize("template", sorted(p.name for p in GOLDEN_DIR.glob("*.html")))
def test_page_matches_its_golden_page(pages, template):
    expected = (GOLDEN_DIR / template).read_text(encoding="utf-8")
    actual = pages.get(template, b"").decode("utf-8")
    diff = "\n".join(difflib.unified_diff(expected.splitlines(), actual.splitlines(), "golden", "built", lineterm=""))
    assert actual == expected, f"{template} differs from tests/golden/pages/{template}:\n{diff[:4000]}"
