"""Golden files: every article of the five real issues, as reviewed by hand.

Each golden file lists, per article: title, kicker, unit, names by role, kind, subheads, and the
first and last sentence of the body. Regenerate with `python -m tests.golden_summary` and read the diff.
"""
from pathlib import Path

import pytest
import yaml

from tests.golden_summary import GOLDEN_DIR, summarise_issue

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_issue_matches_golden_file(imported_content, seed):
    golden = yaml.safe_load((GOLDEN_DIR / f"{seed.stem}.yml").read_text(encoding="utf-8"))
    actual = summarise_issue(imported_content, seed.stem)
    assert [a["title"] for a in actual] == [g["title"] for g in golden]
    for got, want in zip(actual, golden):
        assert got == want, f"article {want['order']} ({want['title']}) differs"


def test_every_seed_has_a_golden_file():
    assert SEEDS and all((GOLDEN_DIR / f"{seed.stem}.yml").exists() for seed in SEEDS)
