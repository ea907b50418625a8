"""Rebuilding when new issues arrive: incremental, safe, deterministic (issue #7).

Every scenario runs `build.py` (generator.cli.main) on a copy of the real seeds, then checks the
incremental result against a clean full build of the same inputs: whatever the incremental
build skipped, its output must be byte for byte what a full build gives.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.cli import main
from generator.content import format_article, parse_article

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((PROJECT_ROOT / "seeds").glob("*.txt"))


class Project:
    """A scratch project: seeds/, content/, public/ and its own cache folder."""

    def __init__(self, root: Path):
        self.root = root
        self.seeds, self.content, self.public, self.cache = (root / n for n in ("seeds", "content", "public", "cache"))
        self.seeds.mkdir(parents=True, exist_ok=True)

    def args(self, *extra: str) -> list[str]:
        return ["--seeds", str(self.seeds), "--content", str(self.content), "--output", str(self.public),
                "--cache-dir", str(self.cache), *extra]

    def build(self, *extra: str, expect: int = 0) -> None:
        status = main(self.args(*extra))
        assert status == expect

    def add_seed(self, seed: Path) -> None:
        shutil.copy(seed, self.seeds / seed.name)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Relative path -> (bytes, inode, mtime_ns) of every file."""
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            stat = path.stat()
            files[path.relative_to(folder).as_posix()] = (path.read_bytes(), stat.st_ino, stat.st_mtime_ns)
    return files


def contents(folder: Path) -> dict[str, bytes]:
    return {rel: data for rel, (data, _, _) in snapshot(folder).items()}


def full_build_of(project: Project, tmp_path: Path, name: str) -> dict[str, bytes]:
    """What a clean build of the project's current content gives (fresh output and cache)."""
    clean = Project(tmp_path / name)
    status = main(["--seeds", str(clean.seeds), "--content", str(project.content), "--output", str(clean.public),
                   "--cache-dir", str(clean.cache), "--full"])
    assert status in (0, 1)
    return contents(clean.public)


def assert_same_tree(actual: dict[str, bytes], expected: dict[str, bytes]) -> None:
    assert sorted(actual) == sorted(expected), (set(actual) ^ set(expected))
    different = [rel for rel in expected if actual[rel] != expected[rel]]
    assert not different, different[:10]


@pytest.fixture
def project(tmp_path) -> Project:
    project = Project(tmp_path / "project")
    for seed in SEEDS[:-1]:
        project.add_seed(seed)
    project.build()
    return project


def test_two_clean_builds_are_byte_identical(tmp_path):
    trees = []
    for _ in range(2):  # the same place both times: content records its seed's path
        shutil.rmtree(tmp_path / "project", ignore_errors=True)
        project = Project(tmp_path / "project")
        for seed in SEEDS:
            project.add_seed(seed)
        project.build()
        trees.append((contents(project.content), contents(project.public)))
    assert_same_tree(trees[0][0], trees[1][0])
    assert_same_tree(trees[0][1], trees[1][1])


def test_a_rebuild_with_nothing_new_renders_and_writes_nothing(project, capsys):
    before = snapshot(project.public)
    capsys.readouterr()
    project.build()
    summary = capsys.readouterr().out
    assert snapshot(project.public) == before  # same bytes, same inodes, same times
    assert "0 files written" in summary and "0 removed" in summary
    assert "import: 0 issue(s) imported" in summary


def test_adding_an_issue_writes_only_files_whose_bytes_changed(project, tmp_path, capsys):
    before = snapshot(project.public)
    project.add_seed(SEEDS[-1])
    capsys.readouterr()
    project.build()
    summary = capsys.readouterr().out
    after = snapshot(project.public)
    assert_same_tree(contents(project.public), full_build_of(project, tmp_path, "full"))

    new_issue = SEEDS[-1].stem
    new_articles = [parse_article(p.read_text(encoding="utf-8"), p.name) for p in (project.content / new_issue).glob("*.md")]
    assert new_articles
    added = set(after) - set(before)
    assert any(rel.startswith("issues/") and rel.endswith("/index.html") for rel in added)
    assert len([rel for rel in added if rel.startswith("issues/") and not rel.endswith("index.html")]) == len(new_articles)
    for rel, (data, inode, mtime) in after.items():
        if rel in before and before[rel][0] == data:
            assert (inode, mtime) == before[rel][1:], f"{rel} was rewritten with the same bytes"
    unchanged_articles = [rel for rel in before if rel.startswith("issues/") and rel in after
                          and after[rel][1] == before[rel][1]]
    assert unchanged_articles, "no article page of the earlier issues was left alone"
    rendered = int(summary.split(" pages rendered")[0].rsplit(" ", 1)[-1])
    total_pages = len([rel for rel in after if rel.endswith(".html")])
    # A page rendered again has a reason: it is new, or its bytes changed. The recorded
    # dependencies are that precise, but for a field read whose change did not show (at most 2%).
    new_pages = [rel for rel in after if rel.endswith(".html") and rel not in before]
    changed_pages = [rel for rel in after if rel.endswith(".html") and rel in before and after[rel][0] != before[rel][0]]
    assert rendered <= len(new_pages) + len(changed_pages) + max(2, total_pages // 50), summary
    assert rendered < total_pages, summary


def test_an_edited_file_survives_a_reimport_and_shows_on_the_site(project, tmp_path, capsys):
    issue = SEEDS[0].stem
    edited, also_tagged = sorted((project.content / issue).glob("*.md"))[1:3]
    article = parse_article(edited.read_text(encoding="utf-8"), edited.name)
    article.title = "编辑改过的标题"
    article.tags = ["编辑加的标签", *article.tags]
    edited.write_text(format_article(article), encoding="utf-8")
    # A tag that is no curated topic has a page once two articles use it (issue 21).
    other = parse_article(also_tagged.read_text(encoding="utf-8"), also_tagged.name)
    other.tags = ["编辑加的标签", *other.tags]
    also_tagged.write_text(format_article(other), encoding="utf-8")
    # The seed changes too (a corrected export): the issue is imported again.
    seed = project.seeds / SEEDS[0].name
    seed.write_text(seed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    capsys.readouterr()
    project.build()
    summary = capsys.readouterr().out

    assert parse_article(edited.read_text(encoding="utf-8"), edited.name).title == "编辑改过的标题"
    assert (edited.parent / (edited.name + ".new")).exists()
    assert "kept editor's version" in summary
    pages = [p.read_text(encoding="utf-8") for p in (project.public / "issues").rglob("*.html")]
    assert any("<h1 class=\"article-title\">编辑改过的标题</h1>" in page for page in pages)
    tag_pages = [p for p in (project.public / "tags").rglob("index.html") if "编辑加的标签" in p.read_text(encoding="utf-8")]
    assert tag_pages
    store = "".join(p.read_text(encoding="utf-8") for p in (project.public / "search").rglob("*.js"))
    assert "编辑改过的标题" in store
    assert_same_tree(contents(project.public), full_build_of(project, tmp_path, "full"))


def test_a_deleted_content_file_leaves_the_site(project, tmp_path, capsys):
    issue = SEEDS[0].stem
    victim = sorted((project.content / issue).glob("*.md"))[0]
    title = parse_article(victim.read_text(encoding="utf-8"), victim.name).title
    page_name = victim.name.removesuffix(".md") + ".html"
    assert list(project.public.rglob(page_name))
    victim.unlink()
    capsys.readouterr()
    project.build()
    summary = capsys.readouterr().out
    assert not list(project.public.rglob(page_name))
    assert "removed issues/" in summary
    for path in project.public.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".js", ".xml"):
            assert page_name not in path.read_text(encoding="utf-8"), path
    assert not any(title in p.read_text(encoding="utf-8") for p in (project.public / "search").rglob("*.js"))
    assert_same_tree(contents(project.public), full_build_of(project, tmp_path, "full"))


def test_deleting_a_seed_never_deletes_content(project):
    before = contents(project.content)
    (project.seeds / SEEDS[0].name).unlink()
    project.build()
    assert contents(project.content) == before


@pytest.mark.parametrize("change", ["config", "theme", "issue date", "unit"])
def test_incremental_output_equals_a_full_build_after_other_changes(project, tmp_path, change):
    extra: list[str] = []
    if change == "config":
        config = tmp_path / "site.yml"
        config.write_text("title: 济宁公安档案\npage_size: 2\nrelated_count: 2\n", encoding="utf-8")
        extra = ["--config", str(config)]
    elif change == "theme":
        theme = tmp_path / "themes" / "mine"
        (theme / "templates").mkdir(parents=True)
        (theme / "templates" / "issue.html").write_text(
            '{% extends "default/issue.html" %}{% block title %}期：{{ issue.heading }}{% endblock %}', encoding="utf-8")
        extra = ["--theme", str(theme)]
    elif change == "issue date":
        meta = project.content / SEEDS[1].stem / "issue.yml"
        meta.write_text(meta.read_text(encoding="utf-8").replace("date_inferred: true", "date_inferred: false"),
                        encoding="utf-8")
    elif change == "unit":
        edited = sorted((project.content / SEEDS[2].stem).glob("*.md"))[0]
        article = parse_article(edited.read_text(encoding="utf-8"), edited.name)
        article.unit = "市公安局交警支队"
        edited.write_text(format_article(article), encoding="utf-8")
    project.build(*extra)
    clean = Project(tmp_path / "clean")
    assert main(["--seeds", str(clean.seeds), "--content", str(project.content), "--output", str(clean.public),
                 "--cache-dir", str(clean.cache), "--full", *extra]) == 0
    assert_same_tree(contents(project.public), contents(clean.public))


def test_a_failing_build_leaves_the_previous_site(project, monkeypatch):
    before = snapshot(project.public)
    calls = {"n": 0}
    from generator.render import pages as pages_module
    real = pages_module.render_page

    def failing(env, page, model):
        calls["n"] += 1
        if calls["n"] > 3:
            raise RuntimeError("disk full (simulated)")
        return real(env, page, model)

    import generator.render.stage as render_module
    monkeypatch.setattr(render_module, "render_page", failing)
    monkeypatch.setattr(render_module, "PARALLEL_MIN_PAGES", 10 ** 9)
    with pytest.raises(RuntimeError):
        main(project.args("--full"))
    assert snapshot(project.public) == before
    assert not [p for p in project.public.parent.iterdir() if p.name.startswith(".public")]


def test_a_killed_build_leaves_the_previous_site_and_the_next_build_recovers(project, tmp_path):
    before = contents(project.public)
    config = tmp_path / "retitled.yml"
    config.write_text("title: 改过标题的档案\n", encoding="utf-8")  # every page changes
    command = [sys.executable, str(PROJECT_ROOT / "build.py"), *project.args("--config", str(config))]
    staging = project.public.parent / ".public.staging"
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not (staging.is_dir() and any(staging.rglob("*.html"))):
            assert process.poll() is None, "the build finished before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.005)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait()
    assert contents(project.public) == before
    project.build()
    assert not staging.exists()
    assert contents(project.public) == before


def test_an_interrupted_swap_is_repaired(project):
    before = contents(project.public)
    retired = project.public.parent / ".public.previous"
    os.rename(project.public, retired)  # killed between the two renames of a swap
    project.build()
    assert contents(project.public) == before
    assert not retired.exists()


@pytest.mark.parametrize("where", ["project root", "content", "a folder of other files"])
def test_an_output_folder_that_is_not_a_site_is_refused(project, tmp_path, where, capsys):
    if where == "project root":
        output = project.root
    elif where == "content":
        output = project.content
    else:
        output = tmp_path / "documents"
        output.mkdir()
        (output / "notes.txt").write_text("keep me", encoding="utf-8")
    before = contents(output)
    args = project.args()
    args[args.index("--output") + 1] = str(output)
    assert main(args) == 2
    assert "choose another --output" in capsys.readouterr().err
    assert contents(output) == before


def test_a_name_arriving_later_never_takes_a_published_url():
    from generator.render.urls import assign_unique_slugs
    from generator.lang.slugs import slugify

    first_seen = {"章策": 0, "张策": 1}  # 章策 was published first; 张策 sorts first (张 < 章)
    before = assign_unique_slugs(["章策"], lambda n: slugify(n, compact=True))
    after = assign_unique_slugs(["章策", "张策"], lambda n: slugify(n, compact=True), seniority=first_seen.get)
    assert before["章策"] == after["章策"] == "zhangce"
    assert after["张策"].startswith("zhangce-")


def test_person_urls_are_stable_when_a_namesake_arrives_in_a_new_issue(project):
    from generator.config import SiteConfig
    from generator.content import load_content
    from generator.render.site import build_model

    def credit(view, name):
        path = project.content / view.article.path
        article = parse_article(path.read_text(encoding="utf-8"), view.article.path)
        article.reporters = [*article.reporters, name]
        path.write_text(format_article(article), encoding="utf-8")

    model = build_model(load_content(project.content), SiteConfig())
    oldest, newest = model.issues[0], model.issues[-1]
    credit(oldest.articles[0], "章策")  # published first
    project.build()
    assert "<h1>章策</h1>" in (project.public / "people" / "zhangce" / "index.html").read_text(encoding="utf-8")
    credit(newest.articles[-1], "张策")  # same pinyin, arrives later, sorts first (张 < 章)
    project.build()
    assert "<h1>章策</h1>" in (project.public / "people" / "zhangce" / "index.html").read_text(encoding="utf-8")
    newcomer = list((project.public / "people").glob("zhangce-*/index.html"))
    assert len(newcomer) == 1 and "<h1>张策</h1>" in newcomer[0].read_text(encoding="utf-8")


def test_a_commit_interrupted_halfway_is_rolled_back(project, tmp_path, monkeypatch):
    from generator import output as writer

    before = contents(project.public)
    edited = sorted((project.content / SEEDS[0].stem).glob("*.md"))[0]
    article = parse_article(edited.read_text(encoding="utf-8"), edited.name)
    article.title = "提交途中被打断的标题"
    edited.write_text(format_article(article), encoding="utf-8")

    real_rename, calls = os.rename, {"n": 0}

    def dying_rename(source, target):
        calls["n"] += 1
        if calls["n"] > 3:
            raise KeyboardInterrupt  # the process is stopped in the middle of the commit
        real_rename(source, target)

    monkeypatch.setattr(writer.os, "rename", dying_rename)
    with pytest.raises(KeyboardInterrupt):
        main(project.args())
    monkeypatch.setattr(writer.os, "rename", real_rename)
    assert calls["n"] > 3 and writer.journal_path(project.public).exists()
    writer.recover(project.public)
    assert contents(project.public) == before
    project.build()
    assert "提交途中被打断的标题" in "".join(p.read_text(encoding="utf-8") for p in project.public.rglob("*.html"))
    assert_same_tree(contents(project.public), full_build_of(project, tmp_path, "full"))


def test_dependency_digests_that_could_not_be_saved_never_keep_a_changed_page(project, tmp_path, monkeypatch):
    """The digests a build compares with are stored beside its output records. When a build
    could write its records but not the digests, the next build must not compare with the
    older digests (they may lack what the newer records depend on): it renders every page
    instead, and its output is what a full build gives."""
    from generator.caches import Caches

    article = next(project.content.glob("*/*.md"))
    text = article.read_text(encoding="utf-8")
    parsed = parse_article(text, article.relative_to(project.content).as_posix())
    article.write_text(text.replace(parsed.title, parsed.title + "（修订）", 1), encoding="utf-8")
    save = Caches.save

    def save_all_but_digests(self, name, version, data, **kwargs):
        if not name.endswith(".digests"):
            save(self, name, version, data, **kwargs)

    monkeypatch.setattr(Caches, "save", save_all_but_digests)
    project.build()
    monkeypatch.setattr(Caches, "save", save)
    article.write_text(text, encoding="utf-8")  # back to what the older digests describe
    project.build()
    assert_same_tree(contents(project.public), full_build_of(project, tmp_path, "full"))
    project.add_seed(SEEDS[-1])
    project.build()
    assert_same_tree(contents(project.public), full_build_of(project, tmp_path, "full-2"))
