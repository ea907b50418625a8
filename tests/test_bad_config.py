"""Bad sidecars and site config: a notice or a ConfigError, never a crash.
"""
from __future__ import annotations

import shutil

import pytest

from generator.pipeline import import_seeds

from tests.bad_input_support import CORPUS

# --- handed to the lead: files outside this test's reach ------------------------------------------

@pytest.mark.parametrize("make", ["folder", "deep"])
def test_a_bad_sidecar_is_a_notice_not_a_crash(tmp_path, make):
    (tmp_path / "seeds").mkdir()
    shutil.copy(CORPUS / "seeds" / "baseline.txt", tmp_path / "seeds" / "x.txt")
    if make == "folder":
        (tmp_path / "seeds" / "x.yml").mkdir()
    else:
        (tmp_path / "seeds" / "x.yml").write_text("title: " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    report = import_seeds(tmp_path / "seeds", tmp_path / "content", project_root=tmp_path)
    assert report.imported == ["x"] and any("x.yml" in note for note in report.notices)


# `title: 2024-13-45` is text now (what the editor typed is what the site shows); a date-like
# value where a number belongs is still an error.
@pytest.mark.parametrize("text", ["page_size: 2024-13-45\n", "title: " + "[" * 3000 + "]" * 3000 + "\n"],
                         ids=["impossible-date", "deep"])
def test_a_bad_site_config_is_a_config_error(tmp_path, text):
    from generator.config import ConfigError, load_config

    (tmp_path / "site.yml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError):
        load_config(tmp_path / "site.yml")
