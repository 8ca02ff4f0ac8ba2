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
import threading
from pathlib import Path
from typing import TYPE_CHECKING

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
    import sqlite3  # most searches, and every process that never writes this, need no sqlite3

    tokens: dict[str, list[int]] = {}
    rows = []
    for number, entity in enumerate(table):
        data = [entity.id, entity.name, entity.kind, list(entity.spellings.items())]
        rows.append((number, json.dumps(data, ensure_ascii=False, separators=(",", ":"))))
        seen: set[str] = set()
        for spelling in entity.spellings:
            for token in name_tokens(spelling):
                if token not in seen:
                    seen.add(token)
                    tokens.setdefault(token, []).append(number)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
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
