"""Spread pure-Python work (segmentation, splitting, rendering) over every core.

Workers are forked, so they inherit what the parent already loaded (jieba's dictionary, the site
model, the template environment) instead of pickling it; only the items and the results travel.
Where fork is not available, or the work is too small to be worth a process, it runs in-process.
"""
from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
from typing import Any, Callable, Iterable, Iterator, TypeVar

from .heap import frozen_for_fork

T = TypeVar("T")
R = TypeVar("R")

_CONTEXT: tuple[Callable, Any, list] | None = None


def worker_count() -> int:
    try:
        return max(1, min(len(os.sched_getaffinity(0)), 8))
    except AttributeError:
        return max(1, min(os.cpu_count() or 1, 8))


def fork_map(function: Callable[[Any, T], R], items: Iterable[T], context: Any = None, *,
             min_items: int = 2, chunk: int = 1, progress: Callable[[int, int], None] | None = None,
             prepare: Callable[[], object] | None = None) -> list[R]:
    """[function(context, item) for item in items], in order, on every core when worthwhile."""
    return list(fork_imap(function, items, context, min_items=min_items, chunk=chunk, progress=progress,
                          prepare=prepare))


def fork_imap(function: Callable[[Any, T], R], items: Iterable[T], context: Any = None, *,
              min_items: int = 2, chunk: int = 1, progress: Callable[[int, int], None] | None = None,
              prepare: Callable[[], object] | None = None) -> Iterator[R]:
    """fork_map's results one by one, in order, as the workers finish them: the caller can use
    (and let go of) each before the last is done, instead of holding them all (every page of a
    site, say).

    `prepare` loads, before forking, what the work would otherwise load lazily in every worker (a
    dictionary, a tagger, templates): loaded once, inherited by all. Not called when the work runs
    in-process, where lazy loading already loads it at most once."""
    global _CONTEXT
    items = list(items)
    workers = min(worker_count(), len(items))
    if (len(items) < min_items or workers < 2 or "fork" not in multiprocessing.get_all_start_methods()
            or _CONTEXT is not None):  # one fan-out at a time: work started while another runs stays here
        yield from _serial(function, items, context, progress)
        return
    if prepare is not None:
        prepare()
    # Items stay in the parent and are inherited too: only index ranges are sent, since items
    # such as pages hold the whole (cyclic) site model and would be slow or impossible to pickle.
    _CONTEXT = (function, context, items)
    chunks = [(start, min(start + chunk, len(items))) for start in range(0, len(items), chunk)]
    done = 0
    # What the parent holds is moved out of the collector's sight before forking (heap.py).
    try:
        with frozen_for_fork():
            try:
                pool = multiprocessing.get_context("fork").Pool(workers)
            except OSError:  # no processes to be had (a sandbox, a process limit)
                pool = None
            if pool is not None:
                with pool:
                    for part in pool.imap(_run_chunk, chunks):
                        for result in part:
                            done += 1
                            yield result
                        if progress:
                            progress(done, len(items))
    except OSError:  # the processes failed on the way: the rest is done here
        pass
    finally:
        _CONTEXT = None
    if done < len(items):
        yield from _serial(function, items[done:], context, progress, offset=done, total=len(items))


def _run_chunk(bounds: tuple[int, int]) -> list:
    function, context, items = _CONTEXT
    return [function(context, item) for item in items[bounds[0]:bounds[1]]]


def _serial(function, items, context, progress, offset: int = 0, total: int | None = None) -> Iterator:
    total = len(items) if total is None else total
    for index, item in enumerate(items, offset + 1):
        yield function(context, item)
        if progress and (index % 100 == 0 or index == total):
            progress(index, total)


class Forked:
    """`function(*args)` computed in a forked child while the caller goes on; `result()` waits
    for it. Where no child can be had, the function runs in-process when its result is asked
    for. For work made of system calls (listing and stat'ing thousands of files): a thread would
    hold Python's lock for all that lies between them, a child runs on the other core."""

    def __init__(self, function: Callable[..., R], *args):
        self._call = (function, args)
        self._pid: int | None = None
        self._pipe: int | None = None
        if "fork" not in multiprocessing.get_all_start_methods() or worker_count() < 2:
            return
        try:
            read_end, write_end = os.pipe()
        except OSError:
            return
        try:
            pid = os.fork()
        except OSError:  # no processes to be had
            os.close(read_end)
            os.close(write_end)
            return
        if pid == 0:  # the child: compute, send, and leave without running the parent's exit code
            os.close(read_end)
            try:
                try:
                    outcome = (True, function(*args))
                except Exception as exc:
                    outcome = (False, exc)
                with os.fdopen(write_end, "wb") as out:
                    pickle.dump(outcome, out)
            finally:
                os._exit(0)
        os.close(write_end)
        self._pid, self._pipe = pid, read_end

    def result(self):
        """The function's result, or its exception raised again here. A child that died or sent
        nothing usable is not trusted: the function is run again in-process."""
        function, args = self._call
        if self._pid is None:
            return function(*args)
        try:
            with os.fdopen(self._pipe, "rb") as data:
                sent = data.read()
        finally:
            self._pipe = None
            self._reap()
        try:
            succeeded, value = pickle.loads(sent)
        except Exception:
            return function(*args)
        if not succeeded:
            raise value
        return value

    def cancel(self) -> None:
        """Not needed after all: the child is stopped and reaped (`result()` would now compute
        in-process)."""
        if self._pid is None:
            return
        try:
            os.kill(self._pid, signal.SIGKILL)
        except OSError:
            pass
        if self._pipe is not None:
            os.close(self._pipe)
            self._pipe = None
        self._reap()

    def _reap(self) -> None:
        pid, self._pid = self._pid, None
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass

    def __enter__(self) -> "Forked":
        return self

    def __exit__(self, *exc) -> None:
        self.cancel()
