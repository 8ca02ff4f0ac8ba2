"""Keeping Python's cyclic garbage collector off the objects the app holds for the whole session.

Why: a full collection (the oldest generation) walks every object the
collector tracks. With the 100,000-article index open, the app holds some
80,000 (Textual's screens, styles and caches, the index reader, the
vocabulary), and a full collection took 30-55 ms on this 2-core machine; it
comes every few dozen searches, on whichever thread happens to allocate, and
so now and then lands between a keystroke and its results (in one run of the
TUI latency benchmark, 48 ms of a query's 130 ms, the run's p95). What is
alive once the index is open and a first search has run stays alive until
the index changes, so it is moved out of the collector's sight
(``gc.freeze``): collections then walk only what came later, 5-10 ms.
Reference counting still frees frozen objects that are dropped; only
reference cycles among them would wait, which is why a changed index thaws
them (``release``) and the next search freezes again. The engine freezes
too (``search.gcpause.no_gc(lasting=True)``, after a table is made): that
takes every tracked object, garbage cycles the screen made meanwhile
included (thousands a second while Textual redraws), so without the thaw
they would pile up for the whole session. The price: the first search after
a re-index settles with a full collection (0.5 s at 100,000 articles with
the event table in memory).
"""

from __future__ import annotations

import gc

from search.gcpause import paused


class LongLived:
    """Freezes what is alive at a few moments of each index version; thaws it when the index changes."""

    def __init__(self) -> None:
        self.version: int | None = None  # the index version the frozen objects belong to
        self._settled: set[str] = set()  # the moments already settled for that version

    def settle(self, version: int, moment: str) -> None:
        """Collect, then freeze everything alive, unless ``moment`` was settled for ``version``.

        The moments are when big, lasting things have just been loaded: the
        searcher and vocabulary (``"search"``), the entity table an article
        brings (``"article"``: some 300,000 objects at 100,000 articles, a
        full collection of 0.3 s). Run it when nobody waits (after a frame):
        the collection walks only what is not frozen yet.
        """
        if version != self.version:
            self.release()
            self.version = version
        if moment in self._settled:
            return
        if paused():
            # A worker is making a table (events at 100,000 articles: minutes, millions of
            # objects not frozen yet): a full collection now would walk them all on the
            # screen's thread, seconds. The moment is settled at the next one instead.
            return
        gc.collect()
        gc.freeze()
        self._settled.add(moment)

    def release(self) -> None:
        """Hand the frozen objects back to the collector (the index changed, or the app ends).

        Whether or not a moment was settled: the engine freezes the tables it makes too
        (``search.gcpause.no_gc(lasting=True)``), and the old ones go with the old index.
        """
        gc.unfreeze()
        self.version = None
        self._settled = set()
