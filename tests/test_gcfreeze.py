"""The TUI's frozen long-lived objects go back to the collector when the index changes."""

from __future__ import annotations

import gc

from search.gcpause import no_gc
from tui.gcfreeze import LongLived


def test_settling_freezes_once_per_version_and_moment() -> None:
    long_lived = LongLived()
    gc.unfreeze()
    try:
        long_lived.settle(1, "search")
        frozen = gc.get_freeze_count()
        assert frozen > 0
        long_lived.settle(1, "search")  # settled already: no collection, no new freeze
        assert gc.get_freeze_count() == frozen
        long_lived.settle(2, "search")  # a new index version: thawed, collected, frozen again
        assert gc.get_freeze_count() > 0
    finally:
        long_lived.release()
    assert gc.get_freeze_count() == 0


def test_a_changed_index_hands_back_what_the_engine_froze_even_before_any_settling() -> None:
    """The engine freezes the tables it makes (``no_gc(lasting=True)``); they go with the old index."""
    gc.freeze()
    try:
        assert gc.get_freeze_count() > 0
        LongLived().release()
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()


def test_no_settling_while_a_worker_makes_a_table() -> None:
    """A full collection during a derivation would walk its millions of unfrozen objects on the
    screen's thread; the moment is settled by the next search instead."""
    long_lived = LongLived()
    gc.unfreeze()
    try:
        with no_gc():  # a table being made in some thread
            long_lived.settle(1, "search")
            assert gc.get_freeze_count() == 0
        long_lived.settle(1, "search")
        assert gc.get_freeze_count() > 0
    finally:
        long_lived.release()
