"""Shared fixtures: the real seeds imported once per test session into a temporary content tree."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import settings

# No hypothesis deadline: a property must not fail because the machine is busy (speed belongs
# in the benchmark, not in tests).
settings.register_profile("project", deadline=None)
settings.load_profile("project")

# The made-up and real test sites (built_site, sample_content, …) for every test module.
pytest_plugins = ["tests.fixtures_site"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_ROOT / "seeds"


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def imported_content(tmp_path_factory) -> Path:
    """content/ as `python build.py import` writes it from the real seeds."""
    from generator.pipeline import import_seeds

    root = tmp_path_factory.mktemp("project")
    shutil.copytree(SEEDS_DIR, root / "seeds")
    report = import_seeds(root / "seeds", root / "content", project_root=root)
    assert not report.problems, report.problems
    return root / "content"


CHROMIUM = "/usr/bin/chromium"  # Debian's package, installed by `make test`; Playwright never downloads one
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright, shared by every browser test."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: `make test` installs Debian's chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    """A 1280×900 page of the shared Chromium; any script error on it fails the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, errors


def pytest_collection_modifyitems(items):
    """Every test that uses the Chromium fixture is a browser test (`-m browser` / `-m "not browser"`)."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
