"""Python's cycle collector and a build's large, long-lived data.

A build loads and makes millions of objects that live until it ends: the content, the site
model, the last build's render state. CPython runs a full collection each time the objects that
survived earlier collections grow by a quarter, and each goes over all of them: at a thousand
issues that was nine full collections, about 1.1 s of a rebuild after one new issue and 1.5 s
of a full build, all on the one core the parent process has. So:

- what a stage leaves behind is kept out of the collector's sight for the rest of the build
  (`keep_long_lived`, gc.freeze); garbage made later is still collected, and at the end of the
  build everything is handed back to the collector (`build_scope`), so that `serve`, which builds
  again and again in one process, frees each build's model;
- reading and writing the big stores (pickles of the render state, the import state's JSON)
  pauses the collector (`collector_paused`): decoding makes no garbage cycles to collect.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager

_open_scopes = [0]


@contextmanager
def build_scope():
    """One build (or import): objects kept out of the collector's sight during it are handed
    back when the outermost scope ends."""
    _open_scopes[0] += 1
    try:
        yield
    finally:
        _open_scopes[0] -= 1
        if _open_scopes[0] == 0:
            gc.unfreeze()


def keep_long_lived() -> None:
    """Inside a build: every object alive now is left alone by the collector until the build ends."""
    if _open_scopes[0]:
        gc.freeze()


@contextmanager
def frozen_for_fork():
    """Around forking workers: what the parent holds is moved out of the collector's sight, so
    that a collection in a worker does not touch (and so copy) every object it inherited. Outside
    a build the parent's objects are handed back to the collector afterwards; inside one, at the
    end of the build."""
    gc.freeze()
    try:
        yield
    finally:
        if not _open_scopes[0]:
            gc.unfreeze()


@contextmanager
def collector_paused():
    """No cycle collection inside the block (decoding or encoding a big store)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
