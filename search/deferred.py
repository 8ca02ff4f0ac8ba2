"""Work that must be done but that nobody should wait for: saving a derived table to disk.

Why: an event table is usable the moment it is made, and writing it (half a gigabyte at
100,000 articles: 5 s after an update of ten articles, 33 s after a derivation from cold)
only matters to the next process that opens the index. The events view used to wait for
the write; now it shows the table while a thread of its own writes it.

One job at a time, in the order they were started: a later table must never be
overwritten by an earlier one finishing last, and a job may change what the next one
reads (saving an event table keeps the compressed chunks it wrote, and the next update
copies them). The thread is a daemon so that an interrupted wait (Ctrl-C) lets the
process end; the file it was writing is then a temporary one that a later save on this
machine removes (``atomic.remove_abandoned``), and the previous file stays whole.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class Deferred:
    """Jobs run one after another on a background thread; ``wait`` hands back their error."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def start(self, job: Callable[[], None]) -> None:
        """Run ``job`` once the one before it has ended; an error of that one is kept for ``wait``."""
        with self._lock:
            before = self._thread
        if before is not None:
            before.join()
        thread = threading.Thread(target=self._run, args=(job,), name=self._name, daemon=True)
        with self._lock:  # started before it is seen: a ``wait`` in another thread may join it at once
            thread.start()
            self._thread = thread

    def pending(self) -> bool:
        """Whether a job is still running."""
        with self._lock:
            return self._thread is not None and self._thread.is_alive()

    def wait(self) -> None:
        """Until the running job ends; raises what it raised (once)."""
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join()
        with self._lock:
            if self._thread is thread:
                self._thread = None
            error, self._error = self._error, None
        if error is not None:
            raise error

    def _run(self, job: Callable[[], None]) -> None:
        try:
            job()
        except BaseException as error:  # handed to whoever waits next, in their thread
            with self._lock:
                self._error = error
