"""Long C calls cut into slices, so that another thread gets its turn.

Why: Python hands the GIL to a waiting thread only between bytecodes, so one
call that runs in C for a second (counting forty million codes, encoding or
parsing a million strings as one JSON document, or freeing the millions of
records a function made when it returns) stops every other thread for that
second. The TUI derives events in a worker thread; at 100,000 articles such
calls froze its screen for 0.7-2.6 s at a time (a probe thread that sleeps
2 ms in a loop woke that late). Slices of ``SLICE`` items cost a few
milliseconds each, and the loop between them lets the TUI's thread in. The
results are the same as the one-call versions give.
"""

from __future__ import annotations

import json
import pickle
from collections import Counter, deque
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

SLICE = 10_000  # items per C call: a few milliseconds at most on this machine
BYTES = 1 << 20  # bytes of JSON per parse, for items of any size: about 10 ms

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


def count(values: Sequence[T], key: Callable[[Sequence[T]], Iterable[K]], start: int = 0) -> Counter[K]:
    """``Counter(key(values[start:]))``, counted a slice of ``values`` at a time."""
    counts: Counter[K] = Counter()
    for first in range(start, len(values), SLICE):
        counts.update(key(values[first : first + SLICE]))
    return counts


def let_go(*containers: list[Any] | dict[Any, Any]) -> None:
    """Empty each list or dict a slice at a time, freeing what only it held.

    Call it on a function's big temporaries just before it returns: freed
    with the function's frame, they would be freed in one C call. Emptying a
    container someone else still holds would change what they see, so only
    pass what the function made and does not return.
    """
    for container in containers:
        if isinstance(container, dict):
            keys = list(container)
            while keys:
                part = keys[-SLICE:]
                del keys[-SLICE:]
                deque(map(container.pop, part), maxlen=0)  # the values go here, the keys with ``part``
                del part
        else:
            while container:
                del container[-SLICE:]


def dump_list(items: Sequence[Any]) -> bytes:
    """``items`` as lines of compact JSON arrays of ``SLICE`` items each (UTF-8), for ``load_list``.

    Why lines: reading one JSON document is one C call however long it is
    (a second for the strings of a 100,000-article event table); each line
    is parsed on its own. Compact JSON never holds a raw newline.
    """
    return b"\n".join(
        json.dumps(items[first : first + SLICE], ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        for first in range(0, len(items), SLICE)
    )


def load_list(data: bytes) -> list[Any]:
    """The list ``dump_list`` wrote."""
    items: list[Any] = []
    for line in data.split(b"\n") if data else ():
        items.extend(json.loads(line))
    return items


def by_size(lines: Sequence[bytes]) -> Iterator[Sequence[bytes]]:
    """Consecutive runs of ``lines`` of about ``BYTES`` together (one line at least), to parse a run at a time."""
    first, size = 0, 0
    for number, line in enumerate(lines):
        size += len(line)
        if size >= BYTES:
            yield lines[first : number + 1]
            first, size = number + 1, 0
    if first < len(lines):
        yield lines[first:]


def unpickle(payload: bytes) -> Any:
    """``pickle.loads(payload)``, read through a Python method so that other threads get turns.

    The unpickler asks its file for one frame (about 64 KB) at a time, and a
    method written in Python gives the interpreter a moment to switch threads:
    the 40 MB entity state of 100,000 articles held the GIL 0.7-2 s in one
    ``pickle.loads``, the longest pause of an update in the TUI.
    """
    return pickle.load(_Frames(payload))


class _Frames:
    """``payload`` as the read-only file ``pickle.load`` wants (``read`` and ``readline``)."""

    def __init__(self, payload: bytes) -> None:
        self._payload = payload
        self._at = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._payload) if size < 0 else self._at + size
        piece = self._payload[self._at : end]
        self._at += len(piece)
        return piece

    def readline(self) -> bytes:
        end = self._payload.find(b"\n", self._at)
        return self.read(-1 if end < 0 else end + 1 - self._at)
