"""Atomic files (JSON, text, bytes): readers see the old file or the new one, never a torn one.

One module for the index, the entity and event tables and the caches beside them; it imports
nothing of ours, so the search command's start-up does not pay for the entity package.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import time
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def compact_json(value: Any) -> str:
    """JSON as the index folder's files hold it: compact separators, non-ASCII kept."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write_json_atomic(path: Path, data: Any, durable: bool = True) -> None:
    """Write ``data`` as JSON via a temporary file, fsync and rename; ``durable=False`` skips
    the fsyncs, for caches made again when lost.

    Why ``json.dumps`` and not ``json.dump``: only the former uses the C encoder; the index
    manifest of 100,000 articles took 0.1 s of each update through the latter."""
    write_bytes_atomic(path, compact_json(data).encode("utf-8"), durable)


def write_bytes_atomic(path: Path, payload: bytes, durable: bool = True) -> None:
    """Write ``payload`` via a temporary file, fsync and rename: readers see the old file or the new."""
    _write_atomic(path, (payload,), durable)


def write_text_atomic(path: Path, pieces: Iterable[str]) -> list[int]:
    """Write the text of ``pieces`` (UTF-8) like ``write_bytes_atomic``, one piece at a time;
    returns the file's [size, CRC-32] (``patching.file_sum``), counted on the way.

    Why: a large table written as one string was held twice more (as text, then as bytes)
    beside the objects it was made of.
    """
    return _write_atomic(path, (piece.encode("utf-8") for piece in pieces))


def write_chunks_atomic(path: Path, chunks: Iterable[bytes | memoryview]) -> list[int]:
    """Write the bytes of ``chunks`` like ``write_text_atomic``, one chunk at a time."""
    return _write_atomic(path, chunks)


def _write_atomic(path: Path, chunks: Iterable[bytes | memoryview], durable: bool = True) -> list[int]:
    """Why the sum is counted here: reading the 58 MB table back to count it took an update
    at 100,000 articles 0.05 s and as many fresh pages of memory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle_fd, tmp = temporary_file(path)
    try:
        with os.fdopen(handle_fd, "wb") as handle:
            counted = CountedWrites(handle)
            for chunk in chunks:
                counted.write(chunk)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    if durable:
        sync_folder(path.parent)
    return [counted.size, counted.crc]


def temporary_file(path: Path) -> tuple[int, Path]:
    """A new file to write ``path`` into before the rename (descriptor and path): hidden, named
    after this machine and process (``remove_abandoned`` reads them), and made exclusively, so
    that two threads writing one path never write into one file."""
    import tempfile  # here: `explorer search` starts without it unless it writes

    prefix = f"{_temporary_prefix(path)}{_host()}.{os.getpid()}."
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=".tmp")
    return fd, Path(name)


def remove_abandoned(path: Path, idle: float = 60.0) -> None:
    """Delete the temporary files of ``path`` left by processes of this machine that no longer run.

    A process that ends while writing (killed, or interrupted while a background save ran:
    ``search.deferred``) leaves its temporary file behind, half a gigabyte for an event
    table of 100,000 articles. The file it was replacing is whole; the leftover is not.
    Only files named after this machine whose process is gone and that nobody wrote to for
    ``idle`` seconds are removed: an index folder shared with another machine or a container
    has writers whose processes this one cannot see.
    """
    prefix = f"{_temporary_prefix(path)}{_host()}."
    now = time.time()
    try:
        entries = [entry for entry in os.scandir(path.parent) if entry.name.startswith(prefix)]
    except OSError:
        return
    for entry in entries:
        pid = entry.name[len(prefix) :].split(".", 1)[0]
        if not entry.name.endswith(".tmp") or not pid.isdigit() or _running(int(pid)):
            continue
        with contextlib.suppress(OSError):
            if now - entry.stat().st_mtime >= idle:
                os.unlink(entry.path)


def _temporary_prefix(path: Path) -> str:
    return f".{path.name}."


@functools.cache
def _host() -> str:
    """The machine's name as a file name may hold it (no dots: they part the name's fields)."""
    import socket

    return "".join(c if c.isalnum() or c in "-_" else "-" for c in socket.gethostname()) or "host"


def _running(pid: int) -> bool:
    if pid == os.getpid() or os.name != "posix":  # elsewhere, signal 0 is no mere question
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, but another user's
    return True


class CountedWrites:
    """A file's writes, with their total size and CRC-32 (what a manifest or a tag records of
    the file), counted on the way instead of reading the file back."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle
        self.size = 0
        self.crc = 0

    def write(self, data: Any) -> int:
        self._handle.write(data)
        self.size += len(data)
        self.crc = zlib.crc32(data, self.crc)
        return len(data)


def sync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every system allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_json(path: Path) -> Any:
    """Read a JSON file written by ``write_json_atomic``."""
    return json.loads(path.read_bytes().decode("utf-8"))
