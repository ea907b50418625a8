"""Work spread over forked workers: the same results, in order, as in-process."""
from __future__ import annotations

import multiprocessing
import os

import pytest

from generator import parallel
from generator.lang import segment
from generator.parallel import fork_imap, fork_map

needs_fork = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods() or parallel.worker_count() < 2,
                                reason="needs fork and two cores")


def _square_with_pid(offset: int, item: int) -> tuple[int, int]:
    return item * item + offset, os.getpid()


@needs_fork
def test_forked_results_are_in_order_and_from_workers():
    items = list(range(103))
    results = fork_map(_square_with_pid, items, 1, min_items=2, chunk=5)
    assert [value for value, _ in results] == [i * i + 1 for i in items]
    assert os.getpid() not in {pid for _, pid in results}


def test_small_work_runs_in_process_without_prepare():
    prepared = []
    results = fork_map(_square_with_pid, [1, 2, 3], 0, min_items=4, prepare=lambda: prepared.append(1))
    assert [value for value, _ in results] == [1, 4, 9]
    assert {pid for _, pid in results} == {os.getpid()}
    assert prepared == []  # lazy loading in-process loads at most once anyway


_LOADED: list[str] = []


def _reads_loaded(_, item: int) -> tuple[int, tuple[str, ...]]:
    return item, tuple(_LOADED)


@needs_fork
def test_prepare_runs_once_in_the_parent_and_workers_inherit_it():
    _LOADED.clear()
    calls = []

    def prepare():
        calls.append(os.getpid())
        _LOADED.append("dictionary")

    results = fork_map(_reads_loaded, range(20), None, min_items=2, chunk=3, prepare=prepare)
    assert calls == [os.getpid()]
    assert all(loaded == ("dictionary",) for _, loaded in results)


@needs_fork
def test_results_arrive_before_the_last_is_done():
    seen = []
    for value, _ in fork_imap(_square_with_pid, range(40), 0, min_items=2, chunk=4):
        seen.append(value)
        if len(seen) == 4:
            break  # the caller may stop early: the workers are let go
    assert seen == [0, 1, 4, 9]
    assert parallel._CONTEXT is None


def test_no_processes_to_be_had_runs_everything_in_process(monkeypatch):
    class NoProcesses:
        def Pool(self, workers):  # noqa: N802 - multiprocessing's name
            raise OSError("fork refused")

    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    monkeypatch.setattr(parallel.multiprocessing, "get_context", lambda method: NoProcesses())
    results = fork_map(_square_with_pid, range(10), 0, min_items=2)
    assert [value for value, _ in results] == [i * i for i in range(10)]


def test_released_cutters_load_again_and_cut_the_same():
    jieba = segment.get_jieba()
    before = jieba.lcut("电信网络诈骗宣传进社区", HMM=False)
    segment.release_loaded()
    assert jieba._python is not None  # loaded in-process, lazily: kept for the stages after
    jieba.load_for_workers()
    assert jieba.rust_lcut("电信网络诈骗宣传进社区") == before
    segment.release_loaded()
    assert jieba._python is None and jieba._fast is None
    assert jieba.lcut("电信网络诈骗宣传进社区", HMM=False) == before


@needs_fork
def test_work_started_while_results_are_coming_runs_in_process():
    outer = fork_imap(_square_with_pid, range(12), 0, min_items=2, chunk=3)
    first = next(outer)
    inner = fork_map(_square_with_pid, range(5), 0, min_items=2)
    assert [value for value, _ in inner] == [0, 1, 4, 9, 16]
    assert {pid for _, pid in inner} == {os.getpid()}
    assert [first[0]] + [value for value, _ in outer] == [i * i for i in range(12)]


def _pid_and(value):
    return os.getpid(), value


def _refuses(value):
    raise ValueError(f"bad value {value}")


_CALLS: list[int] = []


def _dies_in_the_child(value):
    if os.getpid() != _PARENT[0]:
        os._exit(3)  # a child that dies without a word
    _CALLS.append(value)
    return value * 2


_PARENT = [os.getpid()]


@needs_fork
def test_a_forked_call_runs_in_a_child_and_hands_back_its_result():
    forked = parallel.Forked(_pid_and, {"files": 23567})
    pid, value = forked.result()
    assert value == {"files": 23567} and pid != os.getpid()


@needs_fork
def test_a_forked_calls_exception_is_raised_in_the_caller():
    with pytest.raises(ValueError, match="bad value 7"):
        parallel.Forked(_refuses, 7).result()


@needs_fork
def test_a_child_that_dies_is_not_trusted_the_call_runs_in_process():
    _PARENT[0] = os.getpid()
    _CALLS.clear()
    assert parallel.Forked(_dies_in_the_child, 21).result() == 42
    assert _CALLS == [21]


@needs_fork
def test_a_cancelled_call_leaves_no_child_behind():
    forked = parallel.Forked(_pid_and, 1)
    pid = forked._pid
    forked.cancel()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped already


def test_without_fork_a_forked_call_runs_in_process_when_asked(monkeypatch):
    monkeypatch.setattr(parallel.multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    forked = parallel.Forked(_pid_and, "x")
    assert forked.result() == (os.getpid(), "x")
