"""The TUI's long-lived objects are frozen once per index version and handed back when the app ends."""

from __future__ import annotations

import gc

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
        kept = [object()]  # made after the freeze
        walked: list[int] = []

        def note(phase: str, info: dict[str, int]) -> None:
            if phase == "start":
                walked.append(sum(len(gc.get_objects(g)) for g in range(info["generation"] + 1)))

        gc.callbacks.append(note)
        try:
            long_lived.settle(2, "search")  # a new index version: what is new is frozen, nothing thawed
        finally:
            gc.callbacks.remove(note)
        # Its collection walked only what came after the freeze, not everything frozen (a full
        # collection of all that was alive: 0.5 s at 100,000 articles with the event table).
        assert walked and max(walked) < frozen / 2
        assert gc.get_freeze_count() > frozen
        assert not any(found is kept for found in gc.get_objects())
    finally:
        long_lived.release()
    assert gc.get_freeze_count() == 0


def test_the_app_hands_back_what_the_engine_froze_even_before_any_settling() -> None:
    """The engine freezes the tables it makes (``no_gc(lasting=True)``); an ending app thaws them too."""
    gc.freeze()
    try:
        assert gc.get_freeze_count() > 0
        LongLived().release()
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()
