"""Dependencies recorded while rendering, as Lektor records the sources a build touches.

Every view of the site model (render/site.py) is `Tracked`: reading one of its fields while a
page renders adds `(view key, field)` — `(("unit", "市公安局"), "name")`, `(("model", "tags"),
…)` — to what that page depends on. Nothing is copied by hand from the templates: whatever a
template, a macro or the renderer's own code reads is what the page depends on, so any theme
builds incrementally and correctly.

A dependency's digest is the value of that field now (the content record it holds, a scalar, or
the keys of the views it links to). A page's fingerprint is the digest of its own identity (URL,
template, pager), the global digest (config, theme files, renderer code, package versions) and
the digests of its dependencies. On the next build a page is reused only when the dependencies
recorded last time still give the same fingerprint.

Values computed once and kept count as a whole: a `derived` method (a unit's articles with its
sub-units') by its result, a cached fragment (an article's card) by the dependencies recorded
while it was rendered, added to every page that uses it.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
from contextlib import contextmanager

# The dependency sets of the renderings in progress, innermost last (a fragment inside a page);
# only the innermost is written to.
_recording: list[set] = []


@contextmanager
def recording():
    """Collect every (view key, attribute) read inside the block. Reads go to the innermost
    recording only; when it ends, what it collected is added to the one around it (a fragment
    inside a page: the page depends on what the fragment read)."""
    keys: set = set()
    with tracking():
        _recording.append(keys)
        try:
            yield keys
        finally:
            _recording.pop()
            if _recording:
                _recording[-1].update(keys)


@contextmanager
def not_recording():
    """Reads inside the block are nobody's dependency (a kept value is one as a whole)."""
    saved = _recording[:]
    _recording.clear()
    try:
        yield
    finally:
        _recording[:] = saved


_tracking_depth = [0]


@contextmanager
def tracking():
    """Views record their reads only inside this block (the render stage): building the model,
    which reads views millions of times, pays nothing for it. The recording attribute access is
    installed on the class for the duration (CPython updates the subclasses' slots with it)."""
    _tracking_depth[0] += 1
    if _tracking_depth[0] == 1:
        Tracked.__getattribute__ = _recording_getattribute
    try:
        yield
    finally:
        _tracking_depth[0] -= 1
        if _tracking_depth[0] == 0:
            del Tracked.__getattribute__


def touch(keys) -> None:
    """Add dependencies read elsewhere (a cached fragment) to the rendering in progress."""
    if _recording:
        _recording[-1].update(keys)


INTERNAL = {"internal": True}  # field metadata: the model's own bookkeeping, never shown by a page


class Tracked:
    """A view whose field reads are recorded as `(dep_key, field name)` while a page renders.

    Properties and plain methods are not recorded themselves: the fields they read are. `derived`
    methods are recorded by name, their result counting as a whole."""

    __slots__ = ()
    _recorded_names: frozenset = frozenset()


def _recording_getattribute(self, name: str):
    """Tracked.__getattribute__ while `tracking()`."""
    if _recording and name in object.__getattribute__(self, "_recorded_names"):
        _recording[-1].add((object.__getattribute__(self, "dep_key"), name))
    return object.__getattribute__(self, name)


def tracked(cls):
    """Class decorator (above @dataclass): which attributes of the view are dependencies."""
    names = {f.name for f in dataclasses.fields(cls) if not f.metadata.get("internal")}
    names |= {name for name in dir(cls) if getattr(getattr(cls, name, None), "derived", False)}
    cls._recorded_names = frozenset(names)
    return cls


def derived(method):
    """A view method whose result is computed once per build and kept; a page that asks for it
    depends on the result (a list of views, say), not on how it was computed."""
    attribute = "_derived_" + method.__name__

    @functools.wraps(method)
    def wrapper(self):
        fields = object.__getattribute__(self, "__dict__")
        if attribute not in fields:
            with not_recording():
                fields[attribute] = method(self)
        return fields[attribute]

    wrapper.derived = True
    return wrapper


# --- digests -----------------------------------------------------------------------------------

_SCALARS = frozenset({str, int, float, bool, type(None)})


def value_text(value) -> str:
    """A stable text of a field's value: views by their key, everything else by its repr (the
    content records are dataclasses of text, numbers and lists: their repr is stable)."""
    kind = type(value)
    if kind in _SCALARS:  # most fields (this runs for every dependency of the site)
        return repr(value)
    if isinstance(value, Tracked):
        return _key_text(object.__getattribute__(value, "dep_key"))
    if isinstance(value, (list, tuple)):
        return _sequence_text(value)
    if _holds_views(value):  # a small record linking views (a credit: person and role)
        return kind.__name__ + "(" + ",".join(
            f"{name}={value_text(getattr(value, name))}" for name in _field_names(kind)) + ")"
    return repr(value)


# A view's key as text: the same views are named in thousands of lists.
_key_text = functools.lru_cache(maxsize=1 << 17)(repr)


def _sequence_text(value) -> str:
    """A list or tuple: its repr, unless it holds views (or lists or records holding them)."""
    views = 0
    for item in value:
        kind = type(item)
        if kind in _SCALARS:
            continue
        if isinstance(item, Tracked):
            views += 1
        elif isinstance(item, (list, tuple)) or _holds_views(item):
            break
    else:
        if not views:
            return repr(value)
        if views == len(value):  # a list of views, the most common (the same text, sooner)
            return "[" + ",".join([_key_text(object.__getattribute__(item, "dep_key")) for item in value]) + "]"
    return "[" + ",".join([value_text(item) for item in value]) + "]"


@functools.lru_cache(maxsize=None)
def _field_names(kind: type) -> tuple[str, ...]:
    """The fields of a dataclass type (empty for any other type)."""
    if not dataclasses.is_dataclass(kind):
        return ()
    return tuple(f.name for f in dataclasses.fields(kind))


def _holds_views(value) -> bool:
    for name in _field_names(type(value)):
        if isinstance(getattr(value, name), Tracked):
            return True
    return False


GONE = "gone"  # the digest of a dependency whose view is no longer in the model


class Digests:
    """The digest of every dependency `(view key, attribute)` of one site model, computed when
    first asked for: the attribute's value, linked views counting by their keys."""

    def __init__(self, views_by_key: dict, model):
        self._views = views_by_key
        self._model = model
        self._digests: dict = {}
        self._entries: dict = {}  # dependency -> its part of a fingerprint
        self._fresh: dict = {}  # computed since `take_fresh` last asked (a worker sends them home)

    def of(self, dependency) -> str:
        digest = self._digests.get(dependency)
        if digest is None:
            key, name = dependency
            holder = self._model if key[0] == "model" else self._views.get(key)
            if holder is None:
                digest = GONE
            else:
                value = object.__getattribute__(holder, name)
                if callable(value):  # a derived method
                    with not_recording():
                        value = value()
                digest = hashlib.sha1(value_text(value).encode("utf-8", "surrogatepass")).hexdigest()
            self._digests[dependency] = self._fresh[dependency] = digest
        return digest

    def take_fresh(self) -> dict:
        """The digests computed since the last call: a render worker returns them with its pages,
        so that the parent can store every dependency's digest without computing it again."""
        fresh, self._fresh = self._fresh, {}
        return fresh

    @property
    def computed(self) -> dict:
        """Every digest computed (or adopted) so far."""
        return self._digests

    def adopt(self, digests: dict) -> None:
        """Digests a worker computed from the same model (forked from this process)."""
        self._digests.update(digests)

    def fingerprint(self, identity: str, dependencies: tuple) -> str:
        """`dependencies` sorted (as `Fingerprints.canonical` keeps them)."""
        entries = self._entries
        parts = [identity.encode("utf-8")]
        for dependency in dependencies:
            entry = entries.get(dependency)
            if entry is None:
                entry = entries[dependency] = (repr(dependency) + "=" + self.of(dependency)).encode("utf-8")
            parts.append(entry)
        return hashlib.sha1(b"\0".join(parts)).hexdigest()
