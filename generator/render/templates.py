"""The Jinja environment over a theme chain (theme.py finds the chain's folders)."""
from __future__ import annotations

from pathlib import Path

from jinja2 import (ChoiceLoader, Environment, FileSystemBytecodeCache, FileSystemLoader, PrefixLoader,
                    StrictUndefined, TemplateError, pass_context)

from .deps import recording, touch
from .theme import DEFAULT_THEME


def make_environment(chain: list[Path], cache_dir: Path | None = None) -> Environment:
    """`cache_dir` keeps compiled templates between builds (Jinja checks each template's source)."""
    loaders = [FileSystemLoader(str(theme / "templates")) for theme in chain]
    # `{% extends "default/base.html" %}` lets an overriding template build on the default one.
    loaders.append(PrefixLoader({DEFAULT_THEME: FileSystemLoader(str(chain[-1] / "templates"))}))
    bytecode_cache = None
    if cache_dir is not None:
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        bytecode_cache = FileSystemBytecodeCache(str(cache_dir))
    env = Environment(loader=ChoiceLoader(loaders), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      bytecode_cache=bytecode_cache,
                      # One environment per build: its templates cannot change under it, so
                      # Jinja need not stat each one's source on every page (thousands of stats).
                      auto_reload=False)
    env.globals["cached"] = FragmentCache()
    return env


class FragmentCache:
    """`{% call cached(name, key…) %}…{% endcall %}`: the body is rendered once per key and
    page depth (`root`) for the whole build; for pieces repeated on many pages, such as an
    article's card in every list it appears in. The body must depend only on the key, `root`
    and the views it reads: those are recorded with the fragment and added to every page that
    uses it (deps.py)."""

    def __init__(self):
        self._rendered: dict[tuple, tuple[str, frozenset]] = {}

    @pass_context
    def __call__(self, context, *key, caller):
        full_key = (context.get("root"), *key)
        kept = self._rendered.get(full_key)
        if kept is None:
            with recording() as keys:
                html = caller()
            kept = self._rendered[full_key] = (html, frozenset(keys))
        touch(kept[1])
        return kept[0]


def load_templates(env: Environment) -> None:
    """Load (compile, or read from the bytecode cache) every template of the theme now: before
    the render workers fork, so that each does not load them again."""
    for name in env.loader.list_templates():
        if name.endswith((".html", ".xml", ".txt")):
            try:
                env.get_template(name)
            except TemplateError:
                pass  # reported where a page uses it, as without this step (an unused one is no error)


def has_template(env: Environment, name: str) -> bool:
    return name in env.loader.list_templates()
