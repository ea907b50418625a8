"""Page fingerprints: a page whose fingerprint did not change is not rendered again.

A fingerprint is made of three things (deps.py records the third while the page renders):
- the global digest: the site config, every file of the theme chain, the code that turns the
  model into HTML and the versions of the packages that do (Jinja2, Markdown, MarkupSafe), so
  changing any of them renders every page;
- the page's own identity: its URL, template, navigation section and the non-view parts of its
  context (which page of a list, which articles it lists);
- the digests of the views the page read while it rendered.

The whole fingerprint (`Fingerprints.of`) is the definition; a build never joins it. It stores,
with each page, the digest of its identity (the first two) and the keys it read, and beside the
records the digest of every key (the third); the next build keeps a page when its identity digest
is the same and none of its keys' digests changed (`still_valid`), which is the same decision
(tests/test_dependencies.py holds the two against each other). Without those stored digests
(a store that could not be written) there is nothing to compare with: every page is rendered.
"""
from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

from ..caches import package_versions, source_digest
from ..parallel import fork_map
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


# compare_with_last's work in parts, spread over the cores when there are enough of them (a small
# site is compared in-process: starting workers would cost more than they save).
DIGESTS_PER_PART = 8_000
IDENTITIES_PER_PART = 2_000
PARALLEL_MIN_PARTS = 4
# Dependencies no page names any more, kept in the stored digests until they are this share of
# those named (recorded_digests).
UNREFERENCED_SHARE = 0.1


def _compare_part(context: tuple, part: tuple[str, list]) -> list:
    """The dependencies in `part` whose digest changed, as (position, digest now), or the
    positions of the pages whose identity did (a worker sends back only these few)."""
    fingerprints, records = context
    kind, items = part
    if kind == "digests":
        digest_of, last = fingerprints.digests.of, fingerprints._last_digests
        return [(index, digest) for index, digest in enumerate(map(digest_of, items)) if digest != last[items[index]]]
    identity = fingerprints.identity
    return [index for index, page in enumerate(items) if identity(page) != records[page.url].identity]


class Fingerprints:
    """Fingerprints of the pages of one site model, from the keys each page read.

    `last_digests`: every dependency's digest as the last build's model gave it (stored with its
    output records). With them, whether a page's fingerprint is still the recorded one is told
    without recomputing it: its identity is the same and none of its dependencies changed (the
    fingerprint is a function of exactly those). That is a set test per page instead of joining
    a hundred digests per page for every page of the site."""

    def __init__(self, model, global_key: str, last_digests: dict | None = None):
        self.global_key = global_key
        self.digests = Digests(model.views_by_key(), model)
        self._canonical: dict = {}
        self._last_digests = last_digests
        self._changed: set | None = None  # set by compare_with_last
        self._moved: set[str] = set()  # URLs of pages whose identity changed (compare_with_last)
        self._compared: set[str] = set()  # URLs of the pages compare_with_last looked at

    def of(self, page, keys) -> str:
        """The page's whole fingerprint: what `still_valid` decides by, without joining it."""
        return self.digests.fingerprint(page_identity(page, self.global_key), keys)

    def identity(self, page) -> str:
        """The digest of a page's identity, stored with its output record."""
        return hashlib.sha1(page_identity(page, self.global_key).encode("utf-8")).hexdigest()

    def compare_with_last(self, records: dict, pages: list) -> None:
        """Before `still_valid` is asked about the pages: find the dependencies whose digest
        changed since the last build, and the pages whose identity did. On every core: at a
        thousand issues that is some 130,000 digests and 17,000 identities.

        The stored digests cover exactly the dependencies of `records` (they were saved together,
        `render.last_dependency_digests` checks that), so they are the list to go through."""
        if self._last_digests is None:
            return
        ordered = list(self._last_digests)
        known = [page for page in pages if page.url in records and records[page.url].identity is not None]
        parts = ([("digests", ordered[start:start + DIGESTS_PER_PART])
                  for start in range(0, len(ordered), DIGESTS_PER_PART)]
                 + [("identities", known[start:start + IDENTITIES_PER_PART])
                    for start in range(0, len(known), IDENTITIES_PER_PART)])
        now: dict = {}
        moved = set()
        for (kind, items), positions in zip(parts, fork_map(_compare_part, parts, (self, records),
                                                            min_items=PARALLEL_MIN_PARTS)):
            if kind == "digests":
                now.update((items[index], digest) for index, digest in positions)
            else:
                moved.update(items[index].url for index in positions)
        # Every stored dependency's digest is now known: the stored one where it did not change
        # (that is what was compared), the new one where it did. The pages rendered next read
        # mostly unchanged dependencies and need not compute their digests again.
        self.digests.adopt(self._last_digests)
        self.digests.adopt(now)
        self._changed, self._moved = set(now), moved
        self._compared = {page.url for page in known}
        self.digests.take_fresh()  # computed here, inherited by forked workers: none need send them back

    def still_valid(self, page, record) -> bool:
        """Would the page's fingerprint now be what it was when its record was written? Only
        known from the last build's stored digests (`compare_with_last`); without them, or for a
        record of an earlier version without its identity, the page is rendered again."""
        if self._changed is None or page.url not in self._compared:
            return False
        return page.url not in self._moved and self._changed.isdisjoint(record.dependencies)

    def recorded_digests(self, records: dict, last_exact: int | None = None) -> tuple[dict, int]:
        """The digest of every dependency the records name, for the next build's `last_digests`,
        and how many dependencies the records named when they were last counted exactly.

        After a comparison with the last build (`compare_with_last`), every digest known here
        covers them: the last build's dependencies (kept pages name no others) and whatever the
        pages rendered now read. Those are stored as they are, without going through every
        record's dependencies (some two million at a thousand issues); the few that no page
        names any more cost nothing but a comparison. Once they would be more than
        `UNREFERENCED_SHARE` of what the records named at the last exact count
        (`last_exact`), the records are gone through and only what they name is stored."""
        known = self.digests.computed
        if (self._changed is not None and isinstance(last_exact, int)
                and len(known) <= last_exact * (1 + UNREFERENCED_SHARE)):
            return dict(known), last_exact
        dependencies: set = set()
        for record in records.values():
            if record.dependencies:
                dependencies.update(record.dependencies)
        digest_of = self.digests.of
        last, changed = self._last_digests or {}, self._changed or set()
        recorded = {}
        for dependency in dependencies:
            digest = known.get(dependency)
            if digest is None:
                digest = last.get(dependency) if dependency not in changed else None
                if digest is None:
                    digest = digest_of(dependency)
            recorded[dependency] = digest
        return recorded, len(recorded)

    def of_value(self, value, keys) -> str:
        """The fingerprint of a generated file that is no page (a feed): `value` is what it is."""
        return self.digests.fingerprint(f"{self.global_key}\0{value_text(value)}", keys)

    def canonical(self, keys) -> tuple:
        """The keys as a sorted tuple of shared objects (the render state stores each key once)."""
        return self.shared(sorted(keys))

    def shared(self, keys) -> tuple:
        """Sorted keys as a tuple of shared objects (keys a worker sent are copies of their own)."""
        adopt = self._canonical.setdefault
        return tuple(map(adopt, keys, keys))
