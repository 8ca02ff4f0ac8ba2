"""How long another thread is kept waiting while a step runs: what the TUI's screen feels.

The TUI runs slow engine work (deriving events, re-indexing) in worker
threads, so the screen answers keys only when the worker lets go of the
GIL. Python hands it over between bytecodes, every 5 ms, but never during
one call in C: a long one freezes the screen for its whole length. The
probe is a thread that sleeps 2 ms in a loop and notes how late it wakes;
its longest wait is how long the screen would have stood still. The probe
costs the step a little time (it takes the GIL about 400 times a second).
"""

from __future__ import annotations

import threading
import time
from types import TracebackType

TICK = 0.002  # seconds the probe sleeps each time


class GilProbe:
    """Run a step inside ``with GilProbe() as probe:``; then read ``probe.longest`` (seconds)."""

    def __init__(self) -> None:
        self.longest = 0.0
        self.waits_over_100ms = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="gil-probe", daemon=True)

    def __enter__(self) -> GilProbe:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        clock = time.perf_counter
        while not self._stop.is_set():
            began = clock()
            time.sleep(TICK)
            late = clock() - began - TICK
            if late > 0.1:
                self.waits_over_100ms += 1
            self.longest = max(self.longest, late)

    def note(self) -> str:
        """The figure as the benchmark table prints it."""
        return f"another thread waited up to {self.longest * 1000:,.0f} ms ({self.waits_over_100ms} waits over 100 ms)"
