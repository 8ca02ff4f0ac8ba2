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
def no_gc() -> Iterator[None]:
    """Pause cyclic garbage collection for the block (nested pauses keep it paused)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
