"""Spread pure-Python work (segmentation, splitting, rendering) over every core.

Workers are forked, so they inherit what the parent already loaded (jieba's dictionary, the site
model, the template environment) instead of pickling it; only the items and the results travel.
Where fork is not available, or the work is too small to be worth a process, it runs in-process.
"""
from __future__ import annotations

import multiprocessing
import os
from typing import Any, Callable, Iterable, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_CONTEXT: tuple[Callable, Any, list] | None = None


def worker_count() -> int:
    try:
        return max(1, min(len(os.sched_getaffinity(0)), 8))
    except AttributeError:
        return max(1, min(os.cpu_count() or 1, 8))


def fork_map(function: Callable[[Any, T], R], items: Iterable[T], context: Any = None, *,
             min_items: int = 2, chunk: int = 1, progress: Callable[[int, int], None] | None = None) -> list[R]:
    """[function(context, item) for item in items], in order, on every core when worthwhile."""
    items = list(items)
    workers = min(worker_count(), len(items))
    if len(items) < min_items or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return _serial(function, items, context, progress)
    global _CONTEXT
    # Items stay in the parent and are inherited too: only index ranges are sent, since items
    # such as pages hold the whole (cyclic) site model and would be slow or impossible to pickle.
    _CONTEXT = (function, context, items)
    chunks = [(start, min(start + chunk, len(items))) for start in range(0, len(items), chunk)]
    results: list[R] = []
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for part in pool.imap(_run_chunk, chunks):
                results.extend(part)
                if progress:
                    progress(len(results), len(items))
    except OSError:  # no processes to be had (a sandbox, a process limit)
        return _serial(function, items, context, progress)
    finally:
        _CONTEXT = None
    return results


def _run_chunk(bounds: tuple[int, int]) -> list:
    function, context, items = _CONTEXT
    return [function(context, item) for item in items[bounds[0]:bounds[1]]]


def _serial(function, items, context, progress) -> list:
    results = []
    for index, item in enumerate(items, 1):
        results.append(function(context, item))
        if progress and (index % 100 == 0 or index == len(items)):
            progress(index, len(items))
    return results
