"""Every cache lives under --cache-dir: a build with its own cache folder writes nothing elsewhere."""
from __future__ import annotations

import shutil
from pathlib import Path

from generator.cli import main

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def test_a_build_keeps_every_cache_under_its_cache_dir(tmp_path, monkeypatch):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(sorted((PROJECT_ROOT / "seeds").glob("*.txt"))[0], seeds)
    project_cache = PROJECT_ROOT / ".cache"
    before = sorted(p for p in project_cache.rglob("*")) if project_cache.exists() else []
    monkeypatch.chdir(tmp_path)
    status = main(["--seeds", str(seeds), "--content", str(tmp_path / "content"), "--output", str(tmp_path / "public"),
                   "--cache-dir", str(tmp_path / "cache")])
    assert status == 0
    kinds = {p.name for p in (tmp_path / "cache").iterdir()}
    assert {"content", "enrich", "render", "search", "templates"} <= kinds, kinds
    after = sorted(p for p in project_cache.rglob("*")) if project_cache.exists() else []
    assert after == before, "the build wrote into the project's own .cache/"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "content", "public", "seeds"]
