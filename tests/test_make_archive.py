"""bench/make_archive.py: deterministic synthetic issues that the splitter reads back correctly."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from generator.enrich.dates import load_sidecar
from generator.ingest.split import split_seed

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def make_archive():
    spec = importlib.util.spec_from_file_location("make_archive", ROOT / "bench" / "make_archive.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_archive"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def issues(make_archive):
    return [make_archive.generate_issue(k) for k in range(40)]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_deterministic_and_prefix(make_archive, tmp_path):
    make_archive.write_archive(6, tmp_path / "a")
    make_archive.write_archive(6, tmp_path / "b")
    make_archive.write_archive(10, tmp_path / "c")
    a, b, c = _files(tmp_path / "a"), _files(tmp_path / "b"), _files(tmp_path / "c")
    assert a == b
    assert sorted(a) == [f"{k:04d}.{ext}" for k in range(6) for ext in ("txt", "yml")]
    assert all(c[name] == data for name, data in a.items())  # a larger archive extends a smaller one
    assert len({c[f"{k:04d}.txt"] for k in range(10)}) == 10


def test_start_writes_only_the_new_issues(make_archive, tmp_path):
    make_archive.write_archive(4, tmp_path / "full")
    make_archive.write_archive(3, tmp_path / "part")
    make_archive.main(["--start", "3", "4", str(tmp_path / "part")])
    assert _files(tmp_path / "part") == _files(tmp_path / "full")
    only = tmp_path / "only"
    make_archive.write_archive(4, only, start=3)
    assert sorted(p.name for p in only.iterdir()) == ["0003.txt", "0003.yml"]


def test_sidecars_date_the_issues_weekly(make_archive, tmp_path):
    make_archive.write_archive(3, tmp_path)
    dates = [load_sidecar(tmp_path / f"{k:04d}.txt").date for k in range(3)]
    assert dates == ["2006-01-06", "2006-01-13", "2006-01-20"]
    assert load_sidecar(tmp_path / "0002.txt").number == 3
    assert make_archive.issue_date(1000).year == 2025  # a 1000-issue archive spans twenty years


def test_splitter_reads_back_what_was_generated(issues):
    total = mismatched = 0
    kinds, two_line, appended, kickers = set(), 0, 0, 0
    for spec in issues:
        split = split_seed(spec.text, spec.stem, f"{spec.stem}.txt")  # raises if anything is lost
        assert abs(len(split.articles) - len(spec.articles)) <= 1, spec.stem
        if len(split.articles) != len(spec.articles):
            mismatched += len(spec.articles)
            continue
        for got, expected in zip(split.articles, spec.articles):
            total += 1
            same = (got.kind == expected.kind and got.kicker == expected.kicker
                    and got.headline_raw == expected.headline and got.byline.raw == expected.byline)
            mismatched += not same
            kinds.add(expected.kind)
            two_line += len(expected.headline) == 2
            kickers += expected.kicker is not None
        appended += sum(" 记者 " in line or " 通讯员 " in line or " ■" in line
                        for line in spec.text.splitlines())
    assert mismatched <= 0.05 * total
    # the format's variety is there
    assert kinds == {"article", "brief", "photo"}
    assert two_line > 20 and kickers > 100 and appended > 40


def test_issues_look_like_the_real_ones(issues):
    per_issue = [len(s.articles) for s in issues]
    chars = [sum(a.chars for a in s.articles) for s in issues]
    assert 8 <= sum(per_issue) / len(per_issue) <= 10.5
    assert 5500 <= sum(chars) / len(chars) <= 7500
    titles = {" ".join(a.headline) for s in issues for a in s.articles if a.headline}
    assert len(titles) > 0.9 * sum(1 for s in issues for a in s.articles if a.headline)
    people = {name for s in issues for a in s.articles for name in a.byline.split()[1:]}
    assert len(people) > 80
    widths = {max(len(line) for line in s.text.splitlines()) for s in issues}
    assert len(widths) > 5  # column widths vary
    # column breaks: a blank line after a line that does not end a sentence or an item
    assert sum("，\n\n" in s.text for s in issues) > 20
