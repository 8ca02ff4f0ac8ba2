"""Small measuring tools shared by the harness and its workers.

Percentiles use the nearest-rank method on the raw samples: with a few dozen
samples, interpolation would invent precision we do not have.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def percentile(samples: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (share in 0..1) of ``samples``; NaN when empty."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True, slots=True)
class Latency:
    """p50/p95/max of a list of durations, in milliseconds."""

    p50: float
    p95: float
    max: float
    count: int

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Latency:
        ms = [s * 1000 for s in seconds]
        return cls(percentile(ms, 0.5), percentile(ms, 0.95), max(ms) if ms else math.nan, len(ms))


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


def settle_disk() -> None:
    """Write out what earlier steps left in the page cache before a latency is timed.

    Why: a build, or the update step's copy of a 1.2 GB index, leaves dirty pages that
    the kernel writes back over the next half minute or more, on a core and a disk the
    next measurement needs; a keystroke timed meanwhile measured the writeback too.
    """
    with contextlib.suppress(OSError):
        os.sync()


def rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory in MB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(who).ru_maxrss / 1024


def dir_size_mb(path: Path) -> float:
    total = 0
    for folder, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(folder, name)).st_size
    return total / (1 << 20)


class WorkerFailed(RuntimeError):
    """A worker subprocess exited badly; the message carries the end of its stderr."""


@dataclass(frozen=True, slots=True)
class WorkerRun:
    result: dict[str, Any]
    wall: float
    peak_rss_mb: float  # the worker, or its largest descendant, from wait4()

    @property
    def main_rss_mb(self) -> float:
        return float(self.result.get("rss_self_mb", math.nan))

    @property
    def child_rss_mb(self) -> float:
        """The largest helper process (Whoosh's multiprocessing writers); 0 when none ran."""
        return float(self.result.get("rss_children_mb", 0.0))


def run_worker(command: str, args: dict[str, Any], timeout: float = 7200) -> WorkerRun:
    """Run ``python -m bench.worker COMMAND ARGS`` and return its JSON answer.

    The child is reaped with wait4(), which returns that child's own rusage:
    RUSAGE_CHILDREN would be a running maximum over every earlier worker, so
    a small run after a big one would report the big one's memory.
    """
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.worker", command, json.dumps(args)],
            cwd=ROOT,
            stdout=out,
            stderr=err,
            text=True,
            start_new_session=True,  # its own process group, so a timeout also ends its helpers
        )
        expired = threading.Event()

        def kill() -> None:
            expired.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _pid, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if expired.is_set():
        raise WorkerFailed(f"worker {command} timed out after {timeout:.0f} s")
    if process.returncode != 0:
        tail = "\n".join(stderr.strip().splitlines()[-12:])
        raise WorkerFailed(f"worker {command} exited with {process.returncode}:\n{tail}")
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise WorkerFailed(f"worker {command} printed no result")
    return WorkerRun(json.loads(lines[-1]), wall, usage.ru_maxrss / 1024)


def worker_rss() -> dict[str, float]:
    """What a worker reports about its own memory: itself, and its largest reaped child."""
    return {"rss_self_mb": rss_mb(resource.RUSAGE_SELF), "rss_children_mb": rss_mb(resource.RUSAGE_CHILDREN)}
