"""The cycle collector during a build: long-lived data is kept out of its sight, and handed back
when the build ends (so that `serve`, building again and again in one process, frees each build)."""
from __future__ import annotations

import gc
import weakref

from generator import heap
from generator.caches import Caches
from generator.config import SiteConfig
from generator.pipeline import build_site
from tests.fixtures_site import write_sample_content


class _Node:
    def __init__(self):
        self.me = self  # a cycle: only the cycle collector frees it


def test_what_a_build_kept_is_collected_once_the_build_ends():
    with heap.build_scope():
        node = _Node()
        gone = weakref.ref(node)
        heap.keep_long_lived()
        del node
        gc.collect()
        assert gone() is not None  # kept out of the collector's sight inside the build
        with heap.build_scope():  # an inner scope (build_site inside run_build) hands back nothing
            pass
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert gone() is None


def test_outside_a_build_keeping_is_a_no_op_and_forking_hands_everything_back():
    heap.keep_long_lived()
    assert gc.get_freeze_count() == 0
    with heap.frozen_for_fork():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


def test_the_collector_is_paused_only_inside_the_block():
    assert gc.isenabled()
    with heap.collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with heap.collector_paused():
            pass
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()


def test_a_build_leaves_nothing_frozen_and_its_model_collectable(tmp_path):
    content = tmp_path / "content"
    write_sample_content(content)
    for _ in range(2):  # as `serve` does: build after build in one process
        build_site(content, tmp_path / "public", SiteConfig(page_size=3), caches=Caches(tmp_path / "cache"))
        assert gc.get_freeze_count() == 0
        assert gc.isenabled()
