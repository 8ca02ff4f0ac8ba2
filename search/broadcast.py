"""One piece of slow work's progress, told to everyone waiting for its result.

Why: the event table is derived once, under the explorer's lock, for whichever caller
asked first; a second caller (the stories view opened while the events view's
derivation runs, or the events view again after it was closed) waits on the lock for
minutes at 100,000 articles. Each caller registers what it wants told for as long as
it waits, and hears the stage under way at once, so every waiting view can say what
the wait is for.
"""

from __future__ import annotations

import contextlib
import threading

from .models import ProgressCallback


class ProgressBroadcast:
    """A ``ProgressCallback`` that passes each report to every listener registered now."""

    def __init__(self) -> None:
        self._lock = threading.RLock()  # ``join`` tells under it, and a failing listener leaves
        self._listeners: list[ProgressCallback] = []
        self._last: tuple[int, int, str] | None = None  # the work under way's latest report

    def join(self, listener: ProgressCallback) -> None:
        """Tell ``listener`` every report from now on, starting with the latest one of the work under way.

        The latest is told under the lock, so no report made after it can reach the listener first.
        """
        with self._lock:
            self._listeners.append(listener)
            if self._last is not None:
                self._tell(listener, *self._last)

    def leave(self, listener: ProgressCallback) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def finished(self) -> None:
        """The work ended: a listener joining now hears nothing old."""
        with self._lock:
            self._last = None

    def __call__(self, done: int, total: int, stage: str) -> None:
        with self._lock:
            self._last = (done, total, stage)
            listeners = list(self._listeners)
        for listener in listeners:  # outside the lock: a listener may take its own
            self._tell(listener, done, total, stage)

    def _tell(self, listener: ProgressCallback, done: int, total: int, stage: str) -> None:
        """A listener that fails (a closed stderr, a view gone) is dropped; the work goes on.

        Why: the work is minutes of a derivation that other callers wait for too; a
        progress display must not be able to throw it away.
        """
        try:
            listener(done, total, stage)
        except Exception:
            with self._lock, contextlib.suppress(ValueError):
                self._listeners.remove(listener)
