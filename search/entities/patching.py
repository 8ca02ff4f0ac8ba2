"""An incrementally clustered entity table, saved as the last table's file with only the
entities the update made again written anew.

Why: building every entity from its names and writing all of them took about 3 s of
an update at 100,000 articles (about 60,000 entities, 58 MB), while an incremental
clustering makes a few hundred entities again (``partition``). Every other entity is
exactly as the last table has it, so its line of that file is copied as it is: the
table keeps one entity a line (``table.EntityTable.save``), and its entities stay in
the table's order (most articles first), which no kept entity changes.

A kept entity keeps its id; an entity made again gets the id its name gives, taken
against the kept ones (``table._unique_id``), so an id never moves to another entity
while that entity is kept.

The expansion subset (``table.EntityTable.expansion_table``) is patched the same way,
kept entities' lines copied, and so is its look-up file (``lookup.patch_lookup``): parsing
the 19,000 kept entities of the last subset, writing them again and their look-up rows
took 0.6 s of an update at 100,000 articles.
"""

from __future__ import annotations

import json
import zlib
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..analysis import fold
from ..atomic import compact_json, write_chunks_atomic
from ..gcpause import no_gc
from .model import Entity

TOKEN = "partition"  # the stats entry naming the partition a table was made with

Sums = dict[str, list[int]]  # file name -> [size, CRC-32], as the entity files were written


class SavedTableDamaged(Exception):
    """A line of the saved table cannot be read after all: the update clusters every name."""


def file_sum(payload: bytes) -> list[int]:
    """[size, CRC-32] of a file's bytes: what ``SavedLines.read`` checks before trusting them."""
    return [len(payload), zlib.crc32(payload)]


def _entity_lines(
    raw: bytes, name: str, token: str, sums: Sums
) -> tuple[list[bytes], list[list[str]]] | None:
    """A saved table file's entities, one JSON line each (each but the first led by the comma
    that joins them: ``_Lines``), and their name keys; None when the bytes are not those
    ``sums`` names, the table was not made with the partition ``token``, or it is not laid
    out one entity a line."""
    if file_sum(raw) != sums.get(name):
        return None
    lines = raw.rstrip().split(b"\n")
    del raw
    if len(lines) < 2:
        return None  # saved as one line, before entities had lines of their own
    try:
        header = json.loads(lines[0] + b"]}")
        tail = json.loads(b'{"entities":[' + lines[-1])
        keys = tail["keys"]
        stats = header["stats"]
    except (ValueError, TypeError, KeyError):
        return None
    entities = lines[1:-1]
    if not isinstance(stats, dict) or stats.get(TOKEN) != token or len(keys) != len(entities):
        return None
    if not all(isinstance(names, list) and names and isinstance(names[0], str) for names in keys):
        return None
    return entities, keys


class _Lines:
    """Entity lines as read (``_entity_lines``), each given without its leading comma, with
    their name keys and the line of each first key.

    Why the commas are not cut off as the lines are read: that copied the 58 MB table line
    by line in every update at 100,000 articles, and a kept line is only written out again."""

    def __init__(self, lines: list[bytes], keys: list[list[str]]) -> None:
        self._lines = lines
        self.keys = keys  # each a non-empty list (``_entity_lines`` checks)
        self.position = {names[0]: number for number, names in enumerate(keys)}

    def line(self, number: int) -> memoryview:
        """The entity's JSON, as it is written out again (a view, not a copy)."""
        return memoryview(self._lines[number])[1 if number else 0 :]

    def text(self, number: int) -> bytes:
        """The entity's JSON, to parse."""
        line = self._lines[number]
        return line[1:] if number else line

    def id(self, number: int) -> str:
        """The entity's id, read from the start of its line (``Entity.as_dict`` puts it first)."""
        line = self._lines[number]
        at = 1 if number else 0  # after the leading comma
        if line.startswith(b'{"id":"', at):
            end = line.find(b'"', at + 7)
            if end > 0 and b"\\" not in line[at + 7 : end]:
                return line[at + 7 : end].decode("utf-8")
        return str(self._parsed(number)["id"])

    def _parsed(self, number: int) -> dict[str, Any]:
        try:
            data = json.loads(self.text(number))
        except ValueError as error:
            raise SavedTableDamaged(f"entity line {number + 1}: {error}") from None
        if not isinstance(data, dict):
            raise SavedTableDamaged(f"entity line {number + 1} is not an entity")
        return data


class SavedSubset(_Lines):
    """The saved expansion subset's entities as lines, by the first name key of each, and the
    look-up stamp of its file (what the look-up file made from it is tagged with)."""

    def __init__(self, lines: list[bytes], keys: list[list[str]], stamp: str) -> None:
        super().__init__(lines, keys)
        self.stamp = stamp


class SavedLines(_Lines):
    """A saved table's entities as the lines of its file, each parsed only when asked; with
    those of its expansion subset (``subset``)."""

    def __init__(self, lines: list[bytes], keys: list[list[str]], subset: SavedSubset) -> None:
        super().__init__(lines, keys)
        self.subset = subset

    @classmethod
    def read(cls, path: Path, expansions_path: Path, token: str, sums: Sums) -> SavedLines | None:
        """The table saved at ``path`` and its expansion subset (``EntityTable.expansion_table``)
        at ``expansions_path``, when both were made with the partition ``token`` and are the
        bytes ``sums`` says were written; None when not, or when they cannot be read (the
        update then clusters every name and writes the whole table: a damaged line copied
        forward would stay damaged until the next full clustering)."""
        from . import lookup

        try:
            subset_stamp = lookup.stamp(expansions_path)
            subset = _entity_lines(expansions_path.read_bytes(), expansions_path.name, token, sums)
            table = None if subset is None else _entity_lines(path.read_bytes(), path.name, token, sums)
        except OSError:
            return None
        if subset is None or table is None or subset_stamp is None:
            return None
        return cls(*table, SavedSubset(*subset, subset_stamp))

    def sort_key(self, number: int) -> tuple[int, str, str]:
        """``table.sort_key`` of the entity on this line."""
        data = self._parsed(number)
        try:
            return -len(data["articles"]), fold(data["name"]), self.keys[number][0]
        except (KeyError, TypeError) as error:
            raise SavedTableDamaged(f"entity line {number + 1}: {error}") from None


class PatchedTable:
    """The table an incremental clustering made: kept entities as lines of the last table's
    file (``SavedLines``), the others as ``Entity`` records, in the table's order.

    It is written and made current like an ``EntityTable`` (``save``, ``expansion_table``);
    readers load the saved file."""

    def __init__(
        self,
        saved: _Lines,
        items: list[int | Entity],
        keys: list[list[str]],
        stats: dict[str, Any],
        conflicts: Sequence[str],
    ) -> None:
        self._saved = saved
        self._items = items  # a kept entity's line number in ``saved``, or a new entity
        self.keys = keys
        self.stats = stats
        self.conflicts = list(conflicts)
        self.articles: Any = None  # as ``EntityTable.articles``: set by the store, read by no one here

    def __len__(self) -> int:
        return len(self._items)

    def save(self, path: Path) -> list[int]:
        """Write the table as ``EntityTable.save`` would have written it; returns its ``file_sum``."""
        with no_gc():
            return write_chunks_atomic(Path(path), self._pieces())

    def _pieces(self) -> Iterator[bytes | memoryview]:
        from .table import FORMAT, VERSION

        dump = compact_json
        head = f'{{"format":{dump(FORMAT)},"version":{dump(VERSION)},"stats":{dump(self.stats)}'
        yield (head + f',"conflicts":{dump(self.conflicts)},"entities":[').encode("utf-8")
        saved = self._saved
        for number, item in enumerate(self._items):
            yield b"\n," if number else b"\n"
            yield saved.line(item) if isinstance(item, int) else dump(item.as_dict()).encode("utf-8")
        yield f'\n],"keys":{dump(self.keys)}}}'.encode()

    @property
    def items(self) -> list[int | Entity]:
        """Each entity in the table's order: its line number in the saved file, or made now."""
        return self._items

    @property
    def saved_stamp(self) -> str | None:
        """The look-up stamp of the saved subset this one patches (None: it patches a table)."""
        return self._saved.stamp if isinstance(self._saved, SavedSubset) else None

    def saved_id(self, number: int) -> str:
        """The id of the entity on that line of the saved file this table patches."""
        return self._saved.id(number)

    def expansion_table(self) -> PatchedTable:
        """``EntityTable.expansion_table``, patched: the kept entities' lines of the last subset,
        the entities made now as that subset keeps them (``table.expansion_of``)."""
        from .table import expansion_of

        saved = self._saved
        assert isinstance(saved, SavedLines)  # a subset has no subset of its own
        subset = saved.subset
        items: list[int | Entity] = []
        keys: list[list[str]] = []
        for item, item_keys in zip(self._items, self.keys, strict=True):
            if isinstance(item, Entity):
                if len(item.spellings) > 1:
                    items.append(expansion_of(item))
                    keys.append(item_keys)
                continue
            kept = subset.position.get(item_keys[0])
            if kept is not None:
                items.append(kept)
                keys.append(subset.keys[kept])
        return PatchedTable(subset, items, keys, dict(self.stats), ())


def merge_in(
    saved: SavedLines,
    kept: list[int],
    drafts: list[tuple[tuple[int, str, str], Any]],
) -> list[int | Any]:
    """The kept line numbers (in the saved order, which is the table's) and the drafts
    (sorted by the same key), merged in the table's order: each draft is placed by a binary
    search, parsing only the lines it compares with."""
    order: list[int | Any] = []
    cache: dict[int, tuple[int, str, str]] = {}

    def key(number: int) -> tuple[int, str, str]:
        found = cache.get(number)
        if found is None:
            found = cache[number] = saved.sort_key(number)
        return found

    start = 0
    for draft_key, draft in drafts:
        at = bisect_left(kept, draft_key, lo=start, key=key)
        order.extend(kept[start:at])
        order.append(draft)
        start = at
    order.extend(kept[start:])
    return order


__all__ = [
    "TOKEN",
    "PatchedTable",
    "SavedLines",
    "SavedSubset",
    "SavedTableDamaged",
    "Sums",
    "file_sum",
    "merge_in",
]
