"""Pausing Python's cyclic garbage collector around work on many small objects.

Why: hundreds of thousands (at 100,000 articles, millions) of small records
alive at once make every full collection walk them all again, and such work
triggers collections often; none of these records form cycles, so reference
counting frees them anyway.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_depth = 0  # pauses under way, in every thread: the collector's switch is the process's
_resume = False  # whether the collector was on when the first of them began
_freeze = False  # whether one of them that ended well asked for ``lasting``


@contextlib.contextmanager
def no_gc(lasting: bool = False) -> Iterator[None]:
    """Pause cyclic garbage collection for the block; the last pause to end, in any thread, resumes it.

    The switch is the whole process's, so pauses are counted across threads: a
    table loaded in the TUI's preview worker while events derive in another
    must not turn the collector back on under the derivation.

    ``lasting``: what the block leaves alive lives on (a table kept until the
    index changes), so when the last pause ends everything the collector
    tracks is frozen (``gc.freeze``) before it is back on. Why: everything
    made during a pause is still in the youngest generation, and the first
    allocation after it starts a collection that walks it all while holding
    the GIL: 0.6 s after events were derived from Reuters, 6.6 s at 100,000
    articles, during which no other thread (the TUI's) ran a line. Freezing is
    a list splice, and takes every tracked object, in every thread, garbage
    cycles included: reference counting still frees what is dropped, and
    cycles wait for a ``gc.unfreeze`` (the TUI's ``gcfreeze`` thaws when the
    index changes). A block that raised asks for no freeze.
    """
    global _depth, _resume, _freeze
    with _lock:
        if _depth == 0:
            _resume, _freeze = gc.isenabled(), False
        _depth += 1
        gc.disable()
    ended_well = False
    try:
        yield
        ended_well = True
    finally:
        with _lock:
            _depth -= 1
            _freeze = _freeze or (lasting and ended_well)
            if _depth == 0 and _resume:
                if _freeze:
                    gc.freeze()
                gc.enable()


def paused() -> bool:
    """Whether a pause is under way in some thread (a table being made: see ``no_gc``)."""
    with _lock:
        return _depth > 0


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
