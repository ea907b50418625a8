"""The search's synonym table: what readers type -> the forms articles print (电诈 -> 电信诈骗, …).

Applied on the query side only: the table ships in the search manifest and search.js searches each
form as well. `synonym_files(config)` lists the files read, in order (later files add forms and
override nothing); site-level data files belong there.
"""
from __future__ import annotations

from pathlib import Path

from ..content import load_yaml
from . import terms as T

DEFAULT_SYNONYMS = Path(__file__).resolve().parents[1] / "data" / "synonyms.yml"


class SynonymError(ValueError):
    """A synonym file that cannot be used (the message names the file and the key)."""


def synonym_files(config=None) -> list[Path]:
    """The synonym files of a site: the project's table (site data files are to be added here)."""
    return [DEFAULT_SYNONYMS]


def parse_synonyms(text: str, source: str) -> dict[str, list[str]]:
    """`synonyms: {key: [form, …]}` -> {normalised key: [normalised forms]}."""
    try:
        data = load_yaml(text) or {}
    except Exception as error:  # the YAML library's message has the line
        raise SynonymError(f"{source}: not valid YAML: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("synonyms", {}), dict):
        raise SynonymError(f"{source}: expected `synonyms:` mapping each query word to a list of forms")
    table: dict[str, list[str]] = {}
    for key, forms in (data.get("synonyms") or {}).items():
        if isinstance(forms, (str, int)):
            forms = [forms]
        if not isinstance(forms, list) or not all(isinstance(f, (str, int)) for f in forms):
            raise SynonymError(f"{source}: synonyms.{key}: expected a list of forms, e.g. [电信诈骗, 电信网络诈骗]")
        word = T.normalize(str(key)).strip()
        if not T.split_runs(word, query=True):
            raise SynonymError(f"{source}: synonyms.{key}: a key needs letters, digits or 汉字")
        found = table.setdefault(word, [])
        for form in forms:
            form = T.normalize(str(form)).strip()
            if form and form != word and form not in found:
                found.append(form)
    return table


def load_synonyms(paths: list[Path]) -> dict[str, list[str]]:
    """Every file's table merged (forms of a key listed in several files add up), keys sorted."""
    merged: dict[str, list[str]] = {}
    for path in paths:
        for key, forms in parse_synonyms(Path(path).read_text(encoding="utf-8"), str(path)).items():
            found = merged.setdefault(key, [])
            found.extend(f for f in forms if f not in found)
    return dict(sorted(merged.items()))
