"""Importer: what it writes, that it never overwrites an editor's change, and bad seeds."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.pipeline import import_seeds
from generator.content import FRONT_MATTER_KEYS, load_content
from generator.content.format import OPTIONAL_FRONT_MATTER_KEYS

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEED = sorted((PROJECT_ROOT / "seeds").glob("*.txt"))[1]


@pytest.fixture
def project(tmp_path):
    (tmp_path / "seeds").mkdir()
    shutil.copy(SEED, tmp_path / "seeds" / SEED.name)
    return tmp_path


def run_import(project):
    return import_seeds(project / "seeds", project / "content", project_root=project)


def test_import_writes_articles_and_issue_metadata(project):
    report = run_import(project)
    assert report.imported == [SEED.stem] and not report.problems
    content = load_content(project / "content")
    assert not content.errors
    articles = content.issue_articles(SEED.stem)
    assert [a.order for a in articles] == list(range(1, len(articles) + 1))
    for article in articles:
        assert article.path.startswith(f"{SEED.stem}/{article.order:02d}-")
        assert article.source == f"seeds/{SEED.name}"
        text = (project / "content" / article.path).read_text(encoding="utf-8")
        keys = [line.split(":")[0] for line in text.split("---")[1].strip().splitlines() if not line.startswith(" ")]
        assert tuple(k for k in keys if k not in OPTIONAL_FRONT_MATTER_KEYS) == FRONT_MATTER_KEYS
    assert (project / "content" / SEED.stem / "issue.yml").exists()


def test_second_import_of_unchanged_seed_does_nothing(project):
    run_import(project)
    report = run_import(project)
    assert report.imported == [] and report.unchanged == [SEED.stem] and report.written == []


def test_changed_seed_keeps_editors_file_and_writes_fresh_import_beside_it(project):
    run_import(project)
    issue_dir = project / "content" / SEED.stem
    files = sorted(issue_dir.glob("*.md"))
    edited, untouched = files[0], files[1]
    edited.write_text(edited.read_text(encoding="utf-8").replace("title: ", "title: 编辑改过的", 1), encoding="utf-8")
    edited_text = edited.read_text(encoding="utf-8")
    untouched.unlink()  # a file deleted by hand is withdrawn: never imported again (issue 14)

    seed = project / "seeds" / SEED.name
    seed.write_text(seed.read_text(encoding="utf-8").replace("记者 曹梦溪", "记者 曹梦溪 通讯员 新名字", 1),
                    encoding="utf-8")
    report = run_import(project)
    assert edited.read_text(encoding="utf-8") == edited_text
    assert report.kept == [f"{SEED.stem}/{edited.name}"]
    fresh = Path(str(edited) + ".new")
    assert fresh.exists() and "新名字" in fresh.read_text(encoding="utf-8")
    assert not untouched.exists() and report.withdrawn == [f"{SEED.stem}/{untouched.name}"]

    report = run_import(project)  # nothing changed since: the edit still stands
    assert edited.read_text(encoding="utf-8") == edited_text and report.imported == []


def test_bad_seed_is_reported_and_the_others_still_import(project):
    (project / "seeds" / "broken.txt").write_bytes(b"\x00\x01\x02binary")
    report = run_import(project)
    assert report.imported == [SEED.stem]
    assert [p.path for p in report.problems] == ["seeds/broken.txt"]
    assert "binary" in report.problems[0].reason


def test_gb18030_seed_is_converted_and_noted(project):
    seed = project / "seeds" / SEED.name
    seed.write_bytes(seed.read_text(encoding="utf-8").encode("gb18030"))
    report = run_import(project)
    assert report.imported == [SEED.stem]
    assert any("GB18030" in note for note in report.notices)


def test_command_line_import_with_other_folders(project):
    result = subprocess.run([sys.executable, str(PROJECT_ROOT / "build.py"), "import", "--seeds",
                             str(project / "seeds"), "--content", str(project / "out"), "--cache-dir", str(project / "cache")],
                            capture_output=True, text=True, cwd=project)
    assert result.returncode == 0, result.stderr
    assert "1 issue(s) imported" in result.stdout
    assert (project / "out" / SEED.stem / "issue.yml").exists()


def test_command_line_build_ends_with_its_summary_and_report_complete(project):
    """build.py ends the process without freeing its memory object by object: the summary
    (stdout is a pipe here, so it is buffered) and the JSON report must be whole all the same."""
    report_json = project / "report.json"
    result = subprocess.run([sys.executable, str(PROJECT_ROOT / "build.py"), "--seeds", str(project / "seeds"),
                             "--content", str(project / "out"), "--output", str(project / "site"),
                             "--cache-dir", str(project / "cache"), "--report-json", str(report_json)],
                            capture_output=True, text=True, cwd=project,
                            env={k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip().splitlines()[-1].startswith("done in ")
    assert json.loads(report_json.read_text(encoding="utf-8"))["imported_issues"] == [SEED.stem]
