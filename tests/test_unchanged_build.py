"""A rebuild with nothing changed skips the model and the pages, but only when the output is
exactly as the last build left it."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def test_after_an_import_the_next_build_has_nothing_to_do(built, capsys):
    # The output and pictures are surveyed while the seeds are read; when the import then writes
    # into content/, that survey is stale and must not be stored as the state the site is in.
    built.add_seed(SEEDS[2])
    built.build()
    capsys.readouterr()
    before = contents(built.public)
    built.build()
    out = capsys.readouterr().out
    assert "0 pages rendered" in out and "0 files written" in out
    done = next(line for line in out.splitlines() if line.startswith("done in"))
    assert "model" not in done and "render" not in done  # stopped before the render stage
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
    from generator import sitedata
    from generator.render import uptodate
    from generator.config import SiteConfig
    from generator.content import load_content

    (tmp_path / "content").mkdir()
    content = load_content(tmp_path / "content")
    sitedata.use_site_data(tmp_path)
    before = uptodate.inputs_digest(content, SiteConfig())
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "units.yml").write_text("units:\n  - {name: 某某派出所, kind: station}\n", encoding="utf-8")
    sitedata.use_site_data(tmp_path)
    try:
        assert uptodate.inputs_digest(content, SiteConfig()) != before
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


def _tree_with_links(root):
    """Issue folders with pictures, hidden files, sub-folders, links (back up, across, dangling)."""
    (root / "0001" / "photos").mkdir(parents=True)
    (root / "0001" / "01-甲.md").write_text("a", encoding="utf-8")
    (root / "0001" / "photos" / "图①.jpg").write_bytes(b"jpg")
    (root / "0001" / ".#01-甲.md").write_text("lock", encoding="utf-8")
    (root / "0001" / ".hidden").mkdir()
    (root / "0001" / ".hidden" / "x.jpg").write_bytes(b"x")
    (root / "0002").mkdir()
    (root / "0002" / "issue.yml").write_text("date: 2020-01-01\n", encoding="utf-8")
    (root / "0002" / "up").symlink_to("..", target_is_directory=True)
    (root / "0002" / "same-photos").symlink_to(root / "0001" / "photos", target_is_directory=True)
    (root / "0002" / "gone.jpg").symlink_to(root / "nowhere.jpg")
    (root / "loop").symlink_to(".", target_is_directory=True)
    (root / "top.txt").write_text("not in an issue folder", encoding="utf-8")


def test_the_survey_walks_read_what_os_walk_reads(tmp_path):
    import hashlib
    import os

    from generator.caches import file_signature
    from generator.output import is_kept
    from generator.render import uptodate
    from generator.render.photos import pictures_signature

    content = tmp_path / "content"
    _tree_with_links(content)
    found, seen = [], set()  # the pictures as os.walk(followlinks=True) lists them
    for folder, dirs, files in os.walk(content, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen:
            dirs[:] = []
            continue
        seen.add(real)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel = os.path.relpath(folder, content).replace(os.sep, "/")
        found += [(f"{rel}/{name}", file_signature(os.path.join(folder, name)))
                  for name in sorted(files) if not name.startswith(".") and rel != "."]
    assert pictures_signature(content) == hashlib.sha1(repr(found).encode()).hexdigest()
    assert ("0001/photos/图①.jpg", file_signature(content / "0001/photos/图①.jpg")) in found

    public = tmp_path / "public"
    _tree_with_links(public)
    (public / ".git").mkdir()
    (public / ".git" / "HEAD").write_text("ref", encoding="utf-8")
    (public / "CNAME").write_text("example.org", encoding="utf-8")
    keep = (".git", "CNAME", "0001/photos/")
    listed = {}  # the output as os.walk (links to folders not followed) lists it, kept paths left out
    for folder, dirs, files in os.walk(public):
        base = os.path.relpath(folder, public).replace(os.sep, "/")
        for name in files:
            rel = name if base == "." else f"{base}/{name}"
            if not is_kept(rel, keep):
                listed[rel] = file_signature(os.path.join(folder, name)) or (-1, -1)
    assert "0002/gone.jpg" in listed and "0001/photos/图①.jpg" not in listed
    assert uptodate.output_listing(public, keep) == uptodate.listing_digest(listed)
    assert uptodate.survey(public, content, keep) == uptodate.Survey(uptodate.listing_digest(listed),
                                                                     pictures_signature(content))


_NAMES = st.sampled_from(["a", "b", ".git", "CNAME", "downloads", "x1", "c.pdf", "d.PDF", "", "ab"])


@settings(max_examples=300, deadline=None)
@given(rel=st.lists(_NAMES, min_size=1, max_size=4).map("/".join),
       keep=st.lists(st.sampled_from(["downloads", "*.pdf", "/a/b/", "x*/y?", "[ab]*/c", "*", "", "a/", ".git",
                                      "CNAME"]), max_size=4).map(tuple))
def test_a_path_is_kept_when_it_or_a_folder_above_it_matches_a_pattern(rel, keep):
    """is_kept (one compiled expression, asked of every file by several walks) decides as the
    definition: fnmatchcase of the path or any leading folder against any pattern."""
    import fnmatch

    from generator.output import is_kept

    parts = rel.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    assert is_kept(rel, keep) == any(fnmatch.fnmatchcase(prefix, pattern.strip("/"))
                                     for pattern in keep for prefix in prefixes)
