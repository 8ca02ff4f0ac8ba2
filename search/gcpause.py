"""Pausing Python's cyclic garbage collector around work on many small objects.

Why: hundreds of thousands (at 100,000 articles, millions) of small records
alive at once make every full collection walk them all again, and such work
triggers collections often; none of these records form cycles, so reference
counting frees them anyway.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def no_gc(lasting: bool = False) -> Iterator[None]:
    """Pause cyclic garbage collection for the block (nested pauses keep it paused).

    ``lasting``: what the block made and left alive lives on (a table kept
    until the index changes), so the outermost pause freezes it (``gc.freeze``)
    before the collector comes back. Why: everything made during a pause is
    still in the youngest generation, and the first allocation after it starts
    a collection that walks it all while holding the GIL: 0.6 s after events
    were derived from Reuters, 6.6 s at 100,000 articles, during which no other
    thread (the TUI's) ran a line. Freezing is a list splice. Reference
    counting still frees frozen objects when they are dropped; only cycles
    among them wait for a ``gc.unfreeze``.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            if lasting:
                gc.freeze()
            gc.enable()


def collect_young() -> None:
    """Collect the reference cycles made since collection was paused, while they are few.

    Why: a cycle made inside a paused block is freed only when the collector runs
    again, and frees nothing it reaches before. Whoosh's ``FileStorage.create``
    keeps the exception it ignores (the writer's temporary folder already exists)
    in a local: a cycle through the frame of every caller, up to the index run, so
    everything the run held stayed alive to its end, and the first collection after
    it walked it all (1.6 s at 100,000 articles). Collected right after the writer
    is made, the cycle costs the youngest generation's few objects.
    """
    gc.collect(0)
