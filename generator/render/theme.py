"""Themes: a named theme folder overrides some templates and static files; the default supplies the rest.

Finding the theme folders needs no Jinja: a build with nothing to do reads them for its digest
(templates.py makes the Jinja environment from them)."""
from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_THEME_DIRS = (PROJECT_ROOT / "themes",)
DEFAULT_THEME = "default"


class ThemeError(Exception):
    pass


def theme_chain(name: str, theme_dirs=None) -> list[Path]:
    """Theme folders from most to least specific: the chosen theme, then the default theme.

    `name` is a folder name looked up in `theme_dirs` (then in the project's themes/), or a path.
    """
    search = [Path(d) for d in (theme_dirs or ())] + list(DEFAULT_THEME_DIRS)
    default = _find(DEFAULT_THEME, search)
    if default is None:
        raise ThemeError(f"default theme not found in {', '.join(map(str, search))}")
    chosen = Path(name) if name and Path(name).is_dir() and ("/" in name or "\\" in name) else _find(name, search)
    if chosen is None:
        available = sorted({p.name for d in search if d.is_dir() for p in d.iterdir() if p.is_dir()})
        raise ThemeError(f"theme {name!r} not found in {', '.join(map(str, search))}; "
                         f"available: {', '.join(available)}")
    return [chosen] if chosen.resolve() == default.resolve() else [chosen, default]


def _find(name: str, search: list[Path]) -> Path | None:
    for directory in search:
        candidate = directory / name
        if (candidate / "templates").is_dir() or (candidate / "static").is_dir():
            return candidate
    return None


def static_files(chain: list[Path]) -> dict[str, Path]:
    """Relative path under static/ -> file, the more specific theme winning."""
    files: dict[str, Path] = {}
    for theme in reversed(chain):
        static = theme / "static"
        if static.is_dir():
            for path in sorted(static.rglob("*")):
                if path.is_file():
                    files[path.relative_to(static).as_posix()] = path
    return dict(sorted(files.items()))
