"""The word-keyed look-up file of the expansion table (``entity_words.sqlite``), written here.

Why a file of its own: a search needs only the few entities whose spellings
contain its name words, while the expansion table holds every multi-spelling
entity (5.3 MB of JSON at 100,000 articles, 0.15 s to load in every `explorer
search` that names one). The file is
tagged with the size and modification time of the table file it came from
(``stamp``), so a reader (``search.entity_words``) knows when it is stale. The
index run writes it beside the table it comes from, while its writer processes
finish (``store.EntityUpdate``); a reader rebuilds it when it finds it stale.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..atomic import temporary_file
from .model import Entity
from .names import name_tokens

if TYPE_CHECKING:
    from .table import EntityTable

LOOKUP_FILE = "entity_words.sqlite"
FORMAT = 1


def stamp(table_file: Path, written_as: Path | None = None) -> str | None:
    """The tag of the table file at ``table_file`` (None when there is none). ``written_as``:
    the file is still under that name, to be renamed to ``table_file`` (a rename keeps the
    size and modification time the tag is made of)."""
    try:
        stat = (written_as or table_file).stat()
    except OSError:
        return None
    return f"{FORMAT}:{table_file.name}:{stat.st_size}:{stat.st_mtime_ns}"


def write_lookup(path: Path, table: EntityTable, table_stamp: str) -> bool:
    """Write the look-up file of ``table`` atomically; False when the folder cannot be written."""
    rows: list[tuple[int, str]] = []
    tokens: dict[str, list[int]] = {}
    for number, entity in enumerate(table):
        rows.append((number, _data(entity)))
        _add_tokens(tokens, entity, number)
    return _write(path, rows, tokens, table_stamp)


def patch_lookup(
    path: Path,
    last: Path,
    last_stamp: str,
    items: Sequence[int | Entity],
    table_stamp: str,
    kept_id: Callable[[int], str],
) -> bool:
    """Write the look-up file of a patched expansion subset (``patching.PatchedTable``) from the
    look-up file ``last`` of the subset it patches: each kept entity's row (``items`` gives its
    number in the last subset, ``kept_id`` its id there) and tokens are taken from there,
    renumbered; only the entities made now are written anew. False when ``last`` is not the
    look-up file of that subset (tagged ``last_stamp``, and each kept row the entity of that
    id: a search process that could not read the subset writes the whole table's rows under
    its tag) or cannot be read, or the file cannot be written."""
    import sqlite3

    try:
        with contextlib.closing(sqlite3.connect(f"{last.absolute().as_uri()}?mode=ro", uri=True)) as db:
            stamp = db.execute("SELECT value FROM meta WHERE key = 'stamp'").fetchone()
            if stamp is None or stamp[0] != last_stamp:
                return False
            kept_rows = dict(db.execute("SELECT number, data FROM entities"))
            kept_tokens = db.execute("SELECT token, numbers FROM tokens").fetchall()
    except sqlite3.Error:
        return False
    renumbered: dict[int, int] = {}
    rows: list[tuple[int, str]] = []
    new_tokens: dict[str, list[int]] = {}
    for number, item in enumerate(items):
        if isinstance(item, Entity):
            rows.append((number, _data(item)))
            _add_tokens(new_tokens, item, number)
        else:
            data = kept_rows.get(item)
            # A row starts with its entity's id as ``_data`` wrote it.
            if data is None or not data.startswith(f"[{json.dumps(kept_id(item), ensure_ascii=False)},"):
                return False
            rows.append((number, data))
            renumbered[item] = number
    tokens: dict[str, list[int]] = {}
    try:
        for token, numbers in kept_tokens:
            # Kept entities keep their order, so their renumbered list stays ascending.
            found = (
                [renumbered[n] for n in map(int, numbers.split(",")) if n in renumbered] if numbers else []
            )
            if found:
                tokens[token] = found
    except (ValueError, AttributeError):
        return False
    for token, numbers in new_tokens.items():
        found = tokens.get(token)
        tokens[token] = numbers if found is None else sorted(found + numbers)
    return _write(path, rows, tokens, table_stamp)


def _data(entity: Entity) -> str:
    """An entity's row: what a search reads of it (``entity_words._mini_table``)."""
    return json.dumps(
        [entity.id, entity.name, entity.kind, list(entity.spellings.items())],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _add_tokens(tokens: dict[str, list[int]], entity: Entity, number: int) -> None:
    """List the entity (its ``number``) under each name token of its spellings, once."""
    seen: set[str] = set()
    for spelling in entity.spellings:
        for token in name_tokens(spelling):
            if token not in seen:
                seen.add(token)
                tokens.setdefault(token, []).append(number)


def _write(path: Path, rows: list[tuple[int, str]], tokens: dict[str, list[int]], table_stamp: str) -> bool:
    import sqlite3  # most searches, and every process that never writes this, need no sqlite3

    try:
        handle, tmp = temporary_file(path)  # one per writer, as every atomic write of ours
    except OSError:
        return False
    os.close(handle)  # sqlite opens it by name (an empty file is an empty database)
    try:
        with contextlib.closing(sqlite3.connect(tmp)) as db:
            db.execute("PRAGMA journal_mode=OFF")
            db.execute("PRAGMA synchronous=OFF")
            db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            db.execute("CREATE TABLE entities (number INTEGER PRIMARY KEY, data TEXT)")
            db.execute("CREATE TABLE tokens (token TEXT PRIMARY KEY, numbers TEXT)")
            db.executemany("INSERT INTO entities VALUES (?, ?)", rows)
            db.executemany(
                "INSERT INTO tokens VALUES (?, ?)",
                ((t, ",".join(map(str, n))) for t, n in tokens.items()),
            )
            db.execute("INSERT INTO meta VALUES ('stamp', ?)", (table_stamp,))
            db.commit()
        os.replace(tmp, path)
        return True
    except (OSError, sqlite3.Error):
        with contextlib.suppress(OSError):
            tmp.unlink()
        return False
