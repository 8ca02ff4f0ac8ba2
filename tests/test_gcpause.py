"""Pauses of the cyclic collector: counted across threads, freezing only what a pause that ended well asks for."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest

from search.gcpause import no_gc


class _Node:
    """Weakly referenceable, so a test can see whether a cycle of them was collected."""

    other: _Node | None = None


def _cycle() -> weakref.ref[_Node]:
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return weakref.ref(a)


@pytest.fixture(autouse=True)
def collector_on() -> None:
    gc.enable()
    gc.collect()
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.enable()


def test_the_last_pause_to_end_in_any_thread_turns_the_collector_back_on() -> None:
    """A table loaded in a worker while events derive in another must not resume it under them."""
    started, release = threading.Event(), threading.Event()

    def derive() -> None:
        with no_gc(lasting=True):
            started.set()
            release.wait()

    worker = threading.Thread(target=derive)
    with no_gc():  # a load begun before the derivation, ending while it runs
        worker.start()
        started.wait()
    still_off = not gc.isenabled()
    frozen_early = gc.get_freeze_count()
    release.set()
    worker.join()
    assert still_off and frozen_early == 0
    assert gc.isenabled() and gc.get_freeze_count() > 0  # the derivation's pause froze, then resumed


def test_a_pause_that_raised_freezes_nothing() -> None:
    with pytest.raises(RuntimeError), no_gc(lasting=True):
        raise RuntimeError("the run failed")
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_pause_begun_with_the_collector_off_leaves_it_off_and_unfrozen() -> None:
    gc.disable()
    with no_gc(lasting=True):
        pass
    assert not gc.isenabled() and gc.get_freeze_count() == 0


def test_cycles_frozen_by_a_lasting_pause_are_collected_once_thawed() -> None:
    """The freeze takes garbage cycles made meanwhile (the TUI's); the TUI thaws on index changes."""
    with no_gc(lasting=True):
        dropped = _cycle()
    gc.collect()
    assert dropped() is not None  # frozen: out of the collector's sight
    gc.unfreeze()
    gc.collect()
    assert dropped() is None
