"""Nothing lost, nothing clobbered (issue 14): one writer at a time, articles known by what they
are, deletions that stay decisions, a site that never shrinks by accident, output folders that
are ours, exit statuses that mean what the README says, duplicates and links reported.

Every case runs `build.py` end to end (generator.cli.main, or the real script in a subprocess
where two processes are the point) on made-up seeds in the raw format, and checks the exit
status, the summary and the exact files of public/ and content/ before and after.
"""
from __future__ import annotations

import errno
import json
import os
import pickle
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main
from generator.content import parse_article
from generator.content.state import STATE_FILE
from generator.content.withdrawn import withdrawn_items
from generator.output import SITE_MARKER

PROJECT_ROOT = Path(__file__).resolve().parent.parent


# --- made-up seeds ----------------------------------------------------------------------------

ARTICLES = {
    "spring": ("春季巡逻 守护平安", "某某县公安局近日组织民警深入辖区开展春季巡逻活动，向群众讲解防范知识，"
               "发放宣传资料，受到群众好评。", "王小明"),
    "fraud": ("反诈宣传 进入校园", "某某派出所民警近日走进学校，为师生讲授防范电信诈骗知识，提高了师生的"
              "防骗意识和能力。", "李四"),
    "traffic": ("交通整治 初见成效", "某某交警大队开展道路交通秩序集中整治行动，查处各类交通违法行为，道路"
                "通行秩序明显好转。", "赵五"),
    "flood": ("防汛演练 筑牢防线", "某某公安分局联合多部门开展防汛应急演练，检验了队伍的快速反应能力和协同"
              "作战水平。", "钱七"),
}
BRIEF = "民警近日帮助走失老人回家，家属送来锦旗表示感谢，称赞民警热心为民、服务周到。"


def article_text(key: str) -> str:
    title, body, reporter = ARTICLES[key]
    return f"{body}\n\n记者 {reporter}\n\n某某县公安局\n\n{title}\n\n"


def seed_text(*keys: str, brief_first: bool = False, brief_last: bool = False) -> str:
    brief = f"{BRIEF} 通讯员 周六\n\n"
    return (brief if brief_first else "") + "".join(article_text(k) for k in keys) + (brief if brief_last else "")


class Project:
    """A scratch project: seeds/, content/, public/ and its own cache folder."""

    def __init__(self, root: Path):
        self.root = root
        self.seeds, self.content, self.public, self.cache = (root / n for n in ("seeds", "content", "public", "cache"))
        self.seeds.mkdir(parents=True, exist_ok=True)

    def args(self, *extra: str, content: Path | None = None, output: Path | None = None) -> list[str]:
        return ["--seeds", str(self.seeds), "--content", str(content or self.content),
                "--output", str(output or self.public), "--cache-dir", str(self.cache), *extra]

    def build(self, *extra: str, capsys, expect: int = 0, **paths) -> tuple[str, str]:
        capsys.readouterr()
        status = main(self.args(*extra, **paths))
        out, err = capsys.readouterr()
        assert status == expect, out + err
        return out, err

    def seed(self, name: str, text: str, newline: str = "\n") -> Path:
        path = self.seeds / name
        path.write_bytes(text.replace("\n", newline).encode("utf-8"))
        return path

    def articles(self, issue: str = "issue1") -> dict[str, object]:
        return {p.name: parse_article(p.read_text(encoding="utf-8"), p.name)
                for p in sorted((self.content / issue).glob("*.md"))}


def contents(folder: Path) -> dict[str, bytes]:
    """Relative path -> bytes of every file (links not followed)."""
    files = {}
    if not folder.exists():
        return files
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            files[path.relative_to(folder).as_posix()] = path.read_bytes()
    return files


def article_pages(public: Path) -> set[str]:
    return {p.relative_to(public).as_posix() for p in (public / "issues").rglob("*.html")}


def lines_with(summary: str, text: str) -> list[str]:
    return [line for line in summary.splitlines() if text in line]


@pytest.fixture
def project(tmp_path, capsys) -> Project:
    project = Project(tmp_path / "project")
    project.seed("issue1.txt", seed_text("spring", "fraud", "traffic", brief_last=True))
    project.build(capsys=capsys)
    return project


# --- 1. one writer at a time ------------------------------------------------------------------

HOLD_LOCK = """
import sys, time
from pathlib import Path
from generator.lock import BuildLock
with BuildLock([Path(sys.argv[1]), Path(sys.argv[2])], 0):
    print("locked", flush=True)
    time.sleep(120)
"""


def _hold_lock(project: Project) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(project.content), str(project.public)],
                              cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_1_a_second_build_refuses_while_another_holds_the_folders_and_names_it(project, capsys):
    public, content = contents(project.public), contents(project.content)
    project.seed("issue2.txt", seed_text("flood"))
    holder = _hold_lock(project)
    try:
        out, err = project.build("--lock-wait", "0", capsys=capsys, expect=2)
    finally:
        holder.kill()
        holder.wait()
    assert f"pid {holder.pid}" in err and "being written by another build" in err
    assert out == ""
    assert contents(project.public) == public and contents(project.content) == content


def test_1_a_lock_left_by_a_killed_build_is_cleared_with_a_note(project, capsys):
    holder = _hold_lock(project)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    project.seed("issue2.txt", seed_text("flood"))
    out, err = project.build("--lock-wait", "0", capsys=capsys)
    assert f"left by a build that was stopped (pid {holder.pid}" in err
    assert "1 issue(s) imported" in out
    assert "issue2" in {p.name for p in project.content.iterdir()}
    assert not list(project.root.glob(".*.lock"))  # a finished build leaves no lock file


def test_1_two_real_builds_at_once_both_finish_and_the_site_is_whole(project, tmp_path):
    project.seed("issue2.txt", seed_text("flood"))
    command = [sys.executable, str(PROJECT_ROOT / "build.py"), *project.args("--full")]
    first = subprocess.Popen(command, cwd=project.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    second = subprocess.Popen(command, cwd=project.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    results = [(p.wait(timeout=300), *p.communicate()) for p in (first, second)]
    assert [status for status, _, _ in results] == [0, 0], results
    clean = Project(tmp_path / "clean")
    assert main(["--seeds", str(clean.seeds), "--content", str(project.content), "--output", str(clean.public),
                 "--cache-dir", str(clean.cache), "--full"]) == 0
    assert contents(project.public) == contents(clean.public)
    assert not [p for p in project.root.iterdir() if p.name.startswith(".public.")]


# --- 2. articles known by what they are -------------------------------------------------------

def test_2_an_edited_article_and_a_brief_inserted_at_the_top_lose_nothing(project, capsys):
    before = project.articles()
    names = list(before)
    pages = article_pages(project.public)
    edited = project.content / "issue1" / names[2]  # the third article, 交通整治
    text = edited.read_text(encoding="utf-8").replace("title: 交通整治 初见成效", "title: 交通整治见成效（编辑改）")
    edited.write_text(text, encoding="utf-8")

    project.seed("issue1.txt", seed_text("spring", "fraud", "traffic", brief_first=True, brief_last=True))
    out, _ = project.build(capsys=capsys)

    after = project.articles()
    # Every old article keeps its file (and URL); the one new brief gets a new name of its own.
    assert set(names) < set(after) and len(after) == len(names) + 1
    (new_name,) = set(after) - set(names)
    assert after[new_name].order == 1 and after[new_name].kind == "brief"
    assert [after[n].title for n in names] == [before[n].title if n != names[2] else "交通整治见成效（编辑改）"
                                               for n in names]
    assert [after[n].order for n in names] == [2, 3, 4, 5]
    # The editor's file: the edit stands, only its position followed the seed.
    assert edited.read_text(encoding="utf-8") == text.replace("order: 3", "order: 4")
    assert (edited.parent / (edited.name + ".new")).exists()
    assert len(lines_with(out, f"content/issue1/{names[2]}: position 3 → 4")) == 1
    assert f"kept editor's version of {project.content}/issue1/" + names[2] in out
    # No title twice, none missing: the site shows five articles, the old URLs all still there.
    assert sorted(a.title for a in after.values()).count("交通整治见成效（编辑改）") == 1
    assert pages < article_pages(project.public)
    assert [p for p in article_pages(project.public) if p.endswith("/" + new_name.removesuffix(".md") + ".html")]


def test_2_removed_and_reordered_articles_keep_their_files(project, capsys):
    before = project.articles()
    by_title = {a.title: name for name, a in before.items()}
    project.seed("issue1.txt", seed_text("traffic", "spring", brief_last=True))  # fraud removed, two swapped
    out, _ = project.build(capsys=capsys)
    after = project.articles()
    assert set(after) == set(before) - {by_title["反诈宣传 进入校园"]}
    assert after[by_title["交通整治 初见成效"]].order == 1 and after[by_title["春季巡逻 守护平安"]].order == 2
    assert "1 removed" in out


def test_2_a_genuinely_new_article_never_takes_an_old_name(project, capsys):
    before = project.articles()
    fraud = next(name for name, a in before.items() if a.title == "反诈宣传 进入校园")
    project.seed("issue1.txt", seed_text("spring", "traffic", brief_last=True))  # fraud's file removed
    project.build(capsys=capsys)
    # A new article at fraud's old position and with fraud's title would get the same name: it must not.
    title, _, reporter = ARTICLES["fraud"]
    ARTICLES["other"] = (title, "某某派出所民警近日走访辖区企业，听取意见建议，帮助解决实际困难，企业负责人"
                                "连连称赞。", reporter)
    try:
        project.seed("issue1.txt", seed_text("spring", "other", "traffic", brief_last=True))
        project.build(capsys=capsys)
    finally:
        del ARTICLES["other"]
    after = project.articles()
    (new_name,) = set(after) - set(before)
    assert fraud not in after and new_name.removesuffix(".md").startswith(fraud.removesuffix(".md"))


def test_2_an_unsure_match_is_a_review_item_not_an_overwrite(project, capsys):
    content = contents(project.content)
    title, body, reporter = ARTICLES["fraud"]
    ARTICLES["fraud2"] = (title, body[:24] + "向家长发放告知书，提醒家长看管好孩子的手机，不给骗子可乘之机。", reporter)
    try:
        project.seed("issue1.txt", seed_text("spring", "fraud2", "traffic", brief_last=True))
        out, _ = project.build(capsys=capsys, expect=1)
    finally:
        del ARTICLES["fraud2"]
    fraud = next(name for name, data in content.items() if "反诈宣传" in data.decode() and name.endswith(".md"))
    (line,) = lines_with(out, "review: content/" + fraud)
    assert "may be the seed's article 「反诈宣传 进入校园」" in line
    after = contents(project.content)
    assert after[fraud] == content[fraud]  # not overwritten
    assert "告知书" in after[fraud + ".new"].decode()
    assert {k for k in after if not k.endswith(".new")} == set(content)


# --- 3. a deletion is a decision ---------------------------------------------------------------

def test_3_a_deleted_article_never_comes_back_and_restore_brings_it_back(project, capsys):
    victim = next(p for p in sorted((project.content / "issue1").glob("*.md")) if "反诈" in p.read_text("utf-8"))
    victim_text = victim.read_bytes()
    rel = f"issue1/{victim.name}"
    (page,) = [p for p in article_pages(project.public) if p.endswith("/" + victim.name.removesuffix(".md") + ".html")]
    victim.unlink()
    # The same seed, re-exported with CRLF line endings: its bytes changed, its articles did not.
    project.seed("issue1.txt", seed_text("spring", "fraud", "traffic", brief_last=True), newline="\r\n")
    out, _ = project.build(capsys=capsys)

    assert not victim.exists() and not (project.public / page).exists()
    assert len(lines_with(out, "withdrawn by the editor, not re-imported: content/" + rel)) == 1
    assert lines_with(out, "withdrawn by the editor") == lines_with(out, rel)
    state = json.loads((project.content / STATE_FILE).read_text(encoding="utf-8"))
    assert rel in state["withdrawn"]
    items = withdrawn_items(project.content)
    assert [(i["kind"], i["path"]) for i in items] == [("withdrawn", rel)]
    assert set(items[0]) == {"kind", "path", "line", "message", "detail"}

    content = contents(project.content)
    out, _ = project.build(capsys=capsys)  # and again: still withdrawn, nothing changes
    assert contents(project.content) == content

    capsys.readouterr()
    assert main(["restore", f"content/{rel}", *project.args()]) == 0
    out = capsys.readouterr().out
    assert victim.read_bytes() == victim_text and (project.public / page).exists()
    assert f"restored content/{rel}" in out
    assert withdrawn_items(project.content) == []


def test_3_an_article_moved_to_another_issue_is_not_imported_twice(project, capsys):
    project.seed("issue2.txt", seed_text("flood"))
    project.build(capsys=capsys)
    moved = next(p for p in sorted((project.content / "issue1").glob("*.md")) if "反诈" in p.read_text("utf-8"))
    target = project.content / "issue2" / moved.name
    target.write_text(moved.read_text("utf-8").replace("issue: issue1", "issue: issue2")
                      .replace("order: 2", "order: 9"), encoding="utf-8")
    moved.unlink()
    project.seed("issue1.txt", seed_text("spring", "fraud", "traffic", brief_last=True), newline="\r\n")
    out, _ = project.build(capsys=capsys)
    assert not moved.exists()
    (line,) = lines_with(out, "withdrawn by the editor")
    assert f"(moved to content/issue2/{moved.name})" in line
    titles = [parse_article(p.read_text("utf-8"), p.name).title for p in project.content.glob("*/*.md")]
    assert titles.count("反诈宣传 进入校园") == 1


def test_3_restore_of_something_never_withdrawn_is_refused(project, capsys):
    content = contents(project.content)
    assert main(["restore", "issue1/99-nothing.md", *project.args()]) == 2
    assert "is not a withdrawn article" in capsys.readouterr().err
    assert contents(project.content) == content


# --- 4. the site never shrinks by accident -----------------------------------------------------

@pytest.mark.parametrize("content_folder", ["missing", "empty"])
def test_4_a_missing_or_empty_content_folder_refuses_to_empty_the_site(project, capsys, tmp_path, content_folder):
    public = contents(project.public)
    typo = tmp_path / "contnet"
    if content_folder == "empty":
        typo.mkdir()
    empty_seeds = tmp_path / "no-seeds"
    empty_seeds.mkdir()
    args = ["--seeds", str(empty_seeds), "--content", str(typo), "--output", str(project.public),
            "--cache-dir", str(project.cache)]
    capsys.readouterr()
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "would shrink the site from 4 articles to 0" in err and "--allow-shrink" in err
    assert contents(project.public) == public
    assert typo.exists() == (content_folder == "empty")

    assert main([*args, "--allow-shrink"]) == 0
    assert not article_pages(project.public)


def test_4_far_fewer_articles_than_before_refuses(tmp_path, capsys):
    project = Project(tmp_path / "big")
    for number in range(12):
        project.seed(f"issue{number:02d}.txt", seed_text("spring", "fraud") + f"{number}\n")
    project.build(capsys=capsys)
    public = contents(project.public)
    articles = json.loads((project.public / SITE_MARKER).read_text(encoding="utf-8"))["articles"]
    left = len(list(project.content.glob("issue1*/*.md")))
    for folder in sorted(project.content.glob("issue0*")):
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
    (project.content / STATE_FILE).unlink()
    for seed in project.seeds.iterdir():
        seed.unlink()
    _, err = project.build(capsys=capsys, expect=2)
    assert f"would shrink the site from {articles} articles to {left} (2 issues)" in err
    assert contents(project.public) == public
    out, _ = project.build("--allow-shrink", capsys=capsys)
    assert f"render: 2 issues, {left} articles" in out


# --- 5. only our own output folders are cleaned -------------------------------------------------

def test_5_a_folder_with_index_html_that_is_not_ours_is_refused(project, capsys, tmp_path):
    foreign = tmp_path / "thesis"
    foreign.mkdir()
    (foreign / "index.html").write_text("<p>my page</p>", encoding="utf-8")
    (foreign / "thesis.docx").write_bytes(b"PK\x03\x04 my thesis")
    before = contents(foreign)
    _, err = project.build(capsys=capsys, expect=2, output=foreign)
    assert "was not built here" in err and "thesis.docx" in err
    assert contents(foreign) == before


def test_5_an_empty_folder_or_one_with_only_kept_files_is_used(project, capsys, tmp_path):
    worktree = tmp_path / "gh-pages"
    (worktree / ".git").mkdir(parents=True)
    (worktree / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n", encoding="utf-8")
    (worktree / "CNAME").write_text("archive.example.org\n", encoding="utf-8")
    project.build(capsys=capsys, output=worktree)
    assert (worktree / SITE_MARKER).is_file() and (worktree / "index.html").is_file()
    assert (worktree / ".git" / "HEAD").read_text(encoding="utf-8") == "ref: refs/heads/gh-pages\n"
    marker = json.loads((worktree / SITE_MARKER).read_text(encoding="utf-8"))
    assert marker["articles"] == 4 and marker["issues"] == 1


# --- 6. kept files survive every rebuild and swap ------------------------------------------------

@pytest.mark.parametrize("rebuild", [(), ("--full",)], ids=["incremental", "full-swap"])
def test_6_git_cname_nojekyll_and_the_keep_list_survive_rebuilds(project, capsys, tmp_path, rebuild):
    config = tmp_path / "site.yml"
    config.write_text("keep:\n  - downloads\n  - robots-extra.txt\n", encoding="utf-8")
    kept = {".git/HEAD": b"ref: refs/heads/gh-pages\n", ".git/objects/ab/cdef": b"\x00blob",
            "CNAME": b"archive.example.org\n", ".nojekyll": b"", "downloads/2024.pdf": b"%PDF-1.4",
            "robots-extra.txt": b"User-agent: *\n"}
    for rel, data in kept.items():
        (project.public / rel).parent.mkdir(parents=True, exist_ok=True)
        (project.public / rel).write_bytes(data)
    site = {rel: data for rel, data in contents(project.public).items() if rel not in kept}
    project.seed("issue2.txt", seed_text("flood"))
    project.build("--config", str(config), *rebuild, capsys=capsys)
    after = contents(project.public)
    assert {rel: after[rel] for rel in kept} == kept
    assert set(site) - {SITE_MARKER} <= set(after)
    # Without the keep list in site.yml, .git, CNAME and .nojekyll still stay; the others go.
    project.build("--full", capsys=capsys)
    after = contents(project.public)
    assert {rel for rel in kept if rel in after} == {".git/HEAD", ".git/objects/ab/cdef", "CNAME", ".nojekyll"}


def test_6_a_swap_killed_before_the_kept_files_moved_loses_none(project, capsys):
    from generator.output import recover, retired_dir
    (project.public / ".git").mkdir()
    (project.public / ".git" / "HEAD").write_bytes(b"ref\n")
    # What a build killed between its renames leaves: the new site in place, the old one
    # (with the kept files) retired beside it.
    retired = retired_dir(project.public)
    os.rename(project.public, retired)
    project.public.mkdir()
    (project.public / "index.html").write_bytes(b"new")
    recover(project.public)
    assert (project.public / ".git" / "HEAD").read_bytes() == b"ref\n" and not retired.exists()


# --- 8. exit status means what the README says ---------------------------------------------------

@pytest.mark.parametrize("broken", ["<<<<<<< HEAD\n{}\n=======\n{}\n>>>>>>> other\n", "[]",
                                    '{"version": 2, "issues": {"issue1": {"files": {}}}}'],
                         ids=["conflict-markers", "list", "missing-key"])
def test_8_a_broken_import_state_is_rebuilt_with_a_warning(project, capsys, broken):
    state = project.content / STATE_FILE
    state.write_text(broken, encoding="utf-8")
    articles = {k: v for k, v in contents(project.content).items() if k != STATE_FILE}
    public = contents(project.public)
    out, err = project.build(capsys=capsys)
    (line,) = lines_with(out, "warning:")
    assert f"content/{STATE_FILE} was unusable" in line and "rebuilt from content/ (1 issue(s))" in line
    assert "Traceback" not in out + err
    assert (project.content / (STATE_FILE + ".broken")).read_text(encoding="utf-8") == broken
    assert {k: v for k, v in contents(project.content).items() if k not in (STATE_FILE, STATE_FILE + ".broken")} \
        == articles
    assert contents(project.public) == public
    out, _ = project.build(capsys=capsys)  # the rebuilt state is a good one
    assert "warning" not in out


def test_8_a_bad_render_cache_is_rebuilt(project, capsys):
    public = contents(project.public)
    for store in (project.cache / "render").glob("*.pickle"):
        store.write_bytes(pickle.dumps(("render-1", {"index.html": "not a record"})))
    project.build(capsys=capsys)
    assert contents(project.public) == public


def test_8_a_full_disk_is_exit_2_and_leaves_no_temporary_file(project, capsys, monkeypatch):
    content, public = contents(project.content), contents(project.public)
    real = Path.write_bytes

    def full_disk(self, data):
        if self.name.startswith(".") and self.name.endswith(f".tmp{os.getpid()}"):  # write_atomic's file
            real(self, data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    project.seed("issue1.txt", seed_text("spring", "fraud", "traffic", "flood", brief_last=True))
    out, err = project.build(capsys=capsys, expect=2)
    assert "No space left on device" in err and "nothing was built" in err and "Traceback" not in err
    assert not [p for p in project.root.rglob("*") if ".tmp" in p.name]
    assert contents(project.public) == public
    assert {k: v for k, v in contents(project.content).items() if k != STATE_FILE} == \
        {k: v for k, v in content.items() if k != STATE_FILE}
    monkeypatch.undo()
    project.build(capsys=capsys)
    assert len(project.articles()) == 5


def test_8_a_read_only_output_is_exit_2(project, capsys, monkeypatch):
    public = contents(project.public)
    import generator.output as output_module

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(project.public))

    monkeypatch.setattr(output_module.os, "rename", read_only)
    project.seed("issue2.txt", seed_text("flood"))
    out, err = project.build("--full", capsys=capsys, expect=2)
    assert "Read-only file system" in err and "Traceback" not in err
    monkeypatch.undo()
    assert contents(project.public) == public


def test_8_output_under_a_regular_file_is_exit_2(project, capsys, tmp_path):
    regular = tmp_path / "notes.txt"
    regular.write_text("mine", encoding="utf-8")
    _, err = project.build(capsys=capsys, expect=2, output=regular / "public")
    assert f"{regular} is a file, not a folder" in err
    assert regular.read_text(encoding="utf-8") == "mine"


# --- 9. same bytes, new name ---------------------------------------------------------------------

def test_9_a_copy_of_a_seed_is_reported_and_not_imported_twice(project, capsys):
    content, public = contents(project.content), contents(project.public)
    (project.seeds / "issue1-copy.txt").write_bytes((project.seeds / "issue1.txt").read_bytes())
    out, _ = project.build(capsys=capsys, expect=1)
    (line,) = lines_with(out, "issue1-copy.txt")
    assert "has the same bytes as the seed of issue 'issue1'" in line and "not imported twice" in line
    assert contents(project.content) == content and contents(project.public) == public


def test_9_two_new_seeds_with_the_same_bytes_import_once(tmp_path, capsys):
    project = Project(tmp_path / "p")
    project.seed("a.txt", seed_text("spring"))
    project.seed("b.txt", seed_text("spring"))
    out, _ = project.build(capsys=capsys, expect=1)
    assert sorted(p.name for p in project.content.iterdir() if p.is_dir()) == ["a"]
    (line,) = lines_with(out, "  skipped ")
    assert "b.txt: has the same bytes as" in line and "a.txt" in line


def test_9_a_renamed_seed_is_not_a_second_issue(project, capsys):
    content = contents(project.content)
    (project.seeds / "issue1.txt").rename(project.seeds / "renamed.txt")
    out, _ = project.build(capsys=capsys, expect=1)
    assert "renamed.txt: has the same bytes as the seed of issue 'issue1'" in out
    assert contents(project.content) == content


# --- 10. links inside content/ --------------------------------------------------------------------

def test_10_links_to_content_itself_are_reported_not_followed(project, capsys):
    (project.content / "loop").symlink_to(".", target_is_directory=True)
    (project.content / "again").symlink_to(project.content, target_is_directory=True)
    public = contents(project.public)
    out, _ = project.build(capsys=capsys, expect=1)
    assert len(lines_with(out, "links are not followed")) == 2
    assert lines_with(out, "error: loop: is a link to the folder")
    assert "render: 1 issues, 4 articles" in out
    assert contents(project.public) == public


def test_3_restore_when_the_seed_no_longer_holds_the_article_keeps_it_withdrawn(project, capsys):
    victim = next(p for p in sorted((project.content / "issue1").glob("*.md")) if "反诈" in p.read_text("utf-8"))
    rel = f"issue1/{victim.name}"
    victim.unlink()
    project.build(capsys=capsys)
    project.seed("issue1.txt", seed_text("spring", "traffic", brief_last=True))
    project.build(capsys=capsys)
    capsys.readouterr()
    assert main(["restore", rel, *project.args()]) == 2
    assert "its seed no longer holds the article" in capsys.readouterr().err
    assert not victim.exists()
    assert [i["path"] for i in withdrawn_items(project.content)] == [rel]
