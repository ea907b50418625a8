"""A rebuild with nothing changed skips the model and the pages, but only when the output is
exactly as the last build left it."""
from __future__ import annotations

import pytest

from tests.test_incremental import SEEDS, Project, contents


@pytest.fixture
def built(tmp_path) -> Project:
    project = Project(tmp_path / "p")
    for seed in SEEDS[:2]:
        project.add_seed(seed)
    project.build()
    return project


def test_nothing_changed_renders_nothing_and_touches_nothing(built, capsys):
    before = contents(built.public)
    capsys.readouterr()
    built.build()
    out = capsys.readouterr().out
    assert "0 pages rendered" in out and "0 files written" in out and "0 removed" in out
    assert contents(built.public) == before


def test_a_deleted_or_edited_output_file_is_rebuilt(built, capsys):
    before = contents(built.public)
    page = next(rel for rel in before if rel.startswith("issues/") and not rel.endswith("index.html"))
    (built.public / page).unlink()
    (built.public / "index.html").write_text("changed by hand", encoding="utf-8")
    built.build()
    assert contents(built.public) == before


def test_a_file_that_is_not_the_sites_is_noticed(built, capsys):
    before = contents(built.public)
    (built.public / "issues" / "stray.html").write_text("x", encoding="utf-8")
    capsys.readouterr()
    built.build()
    out = capsys.readouterr().out
    assert "removed issues/stray.html" in out
    assert contents(built.public) == before


def test_an_edited_content_file_is_rendered(built, capsys):
    article = sorted((built.content / SEEDS[0].stem).glob("*.md"))[0]
    article.write_text(article.read_text(encoding="utf-8").replace("title: ", "title: 改过的", 1), encoding="utf-8")
    capsys.readouterr()
    built.build()
    out = capsys.readouterr().out
    assert "0 pages rendered" not in out
    assert any("改过的".encode() in data for data in contents(built.public).values())


def test_the_sites_own_data_is_an_input_of_the_build(tmp_path):
    from generator import render, sitedata
    from generator.config import SiteConfig
    from generator.content import load_content

    (tmp_path / "content").mkdir()
    content = load_content(tmp_path / "content")
    sitedata.use_site_data(tmp_path)
    before = render.inputs_digest(content, SiteConfig())
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "units.yml").write_text("units:\n  - {name: 某某派出所, kind: station}\n", encoding="utf-8")
    sitedata.use_site_data(tmp_path)
    try:
        assert render.inputs_digest(content, SiteConfig()) != before
    finally:
        sitedata.use_site_data(None)


def test_a_file_the_user_keeps_beside_the_site_changes_nothing(built, capsys):
    before = contents(built.public)
    (built.public / "CNAME").write_text("archive.example.org\n", encoding="utf-8")
    capsys.readouterr()
    built.build()
    out = capsys.readouterr().out
    assert "0 pages rendered" in out and "0 files written" in out and "0 removed" in out
    assert contents(built.public) == {**before, "CNAME": b"archive.example.org\n"}
