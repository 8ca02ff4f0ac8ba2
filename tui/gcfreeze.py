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
reference cycles among them wait, until the app ends (``release``).

A changed index used to thaw everything, for the old reader's cycles to be
collected, and the next search's collection then walked all that was alive:
0.5 s at 100,000 articles with the event table in memory, right after the
first search. Measured on Reuters (tracemalloc), those cycles were 99 small
objects holding no memory worth a megabyte: the reader's data is freed by
reference counting. So the frozen objects stay frozen; each index version
settles what is new (the collection then walks only that).
"""

from __future__ import annotations

import gc


class LongLived:
    """Freezes what is alive at a few moments of each index version; thaws it all when the app ends."""

    def __init__(self) -> None:
        self.version: int | None = None  # the index version whose moments ``_settled`` lists
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
            self.version = version
            self._settled = set()
        if moment in self._settled:
            return
        gc.collect()
        gc.freeze()
        self._settled.add(moment)

    def release(self) -> None:
        """Hand the frozen objects back to the collector (the app ends; the process may go on).

        Whether or not a moment was settled: the engine freezes the tables it makes too
        (``search.gcpause.no_gc(lasting=True)``).
        """
        gc.unfreeze()
        self.version = None
        self._settled = set()
