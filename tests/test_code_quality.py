"""The code stays pyflakes-clean: no unused imports or names, no undefined names."""
from __future__ import annotations

import io
from pathlib import Path

from pyflakes.api import checkRecursive
from pyflakes.reporter import Reporter

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def test_pyflakes_finds_nothing():
    out, err = io.StringIO(), io.StringIO()
    found = checkRecursive([str(PROJECT_ROOT / d) for d in ("generator", "tests", "bench")], Reporter(out, err))
    assert found == 0, out.getvalue() + err.getvalue()
