"""Page fingerprints: a page whose fingerprint did not change is not rendered again.

A fingerprint is made of three things (deps.py records the third while the page renders):
- the global digest: the site config, every file of the theme chain, the code that turns the
  model into HTML and the versions of the packages that do (Jinja2, Markdown, MarkupSafe), so
  changing any of them renders every page;
- the page's own identity: its URL, template, navigation section and the non-view parts of its
  context (which page of a list, which articles it lists);
- the digests of the views the page read while it rendered.
"""
from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

from ..caches import package_versions, source_digest
from .deps import Digests, value_text

GENERATOR = Path(__file__).resolve().parent.parent
# The code whose output a page is: the renderer, the content format, slugs and the records.
RENDERER_CODE = (GENERATOR / "render", GENERATOR / "content", GENERATOR / "lang" / "slugs.py",
                 GENERATOR / "records.py")
RENDERING_PACKAGES = ("Jinja2", "Markdown", "MarkupSafe")


def global_digest(config, theme_chain: list[Path]) -> str:
    config_text = repr(sorted(dataclasses.asdict(config).items()))
    code = source_digest(*RENDERER_CODE)
    themes = source_digest(*theme_chain)
    versions = package_versions(*RENDERING_PACKAGES)
    return hashlib.sha1(f"{config_text}\0{code}\0{themes}\0{versions}".encode("utf-8")).hexdigest()


def page_identity(page, global_key: str) -> str:
    """What a page is apart from the views it reads: URL, template, section, its context."""
    context = ",".join(f"{name}={value_text(value)}" for name, value in sorted(page.context.items()))
    return f"{global_key}\0{page.url}\0{page.template}\0{page.section}\0{context}"


class Fingerprints:
    """Fingerprints of the pages of one site model, from the keys each page read."""

    def __init__(self, model, global_key: str):
        self.global_key = global_key
        self.digests = Digests(model.views_by_key(), model)
        self._canonical: dict = {}

    def of(self, page, keys) -> str:
        return self.digests.fingerprint(page_identity(page, self.global_key), keys)

    def of_value(self, value, keys) -> str:
        """The fingerprint of a generated file that is no page (a feed): `value` is what it is."""
        return self.digests.fingerprint(f"{self.global_key}\0{value_text(value)}", keys)

    def canonical(self, keys) -> tuple:
        """The keys as a sorted tuple of shared objects (the render state stores each key once)."""
        return self.shared(sorted(keys))

    def shared(self, keys) -> tuple:
        """Sorted keys as a tuple of shared objects (keys a worker sent are copies of their own)."""
        canonical = self._canonical
        return tuple(canonical.setdefault(key, key) for key in keys)
