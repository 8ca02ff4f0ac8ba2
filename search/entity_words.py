"""Entity expansion for search, from a small word-keyed file that opens in milliseconds.

Why: the saved expansion table holds every multi-spelling entity (5.3 MB of
JSON on 100,000 articles, 0.15 s to load in each new process), while a search only needs the few entities whose spellings contain
the query's name words. So that table also becomes a SQLite file in the
index folder (name token -> entity numbers; entity number -> id, name, kind,
spellings; ``entities.lookup``), tagged with the size and modification time of
the table it came from; searches, in this process or the next `explorer
search`, read only the rows for their words. The index run writes it with the
table; when it is missing or stale (an index of an earlier version), ``refresh``
or the first search that needs entities writes it. When the folder is
read-only the table is loaded and used as it is.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # sqlite3 is imported when first needed: most searches never ask the entities
    import sqlite3

    from .entities import EntityExpansion, EntityIndex, EntityTable

KEPT_ANSWERS = 1024  # phrases whose expansions are kept (forgotten all at once beyond)


class EntityWords:
    """``expand(phrase)`` as an EntityTable answers it, reading only the entities that can match."""

    def __init__(self, index_dir: Path, entity_index: Callable[[], EntityIndex]) -> None:
        from .entities.lookup import LOOKUP_FILE

        self.path = Path(index_dir) / LOOKUP_FILE
        self._entity_index = entity_index
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._db_stamp: str | None = None
        self._fallback: EntityTable | None = None  # when the look-up file cannot be written
        self._fallback_stamp: str | None = None
        self._answers: dict[str, list[EntityExpansion]] = {}  # phrase -> expansions, for one table
        self._answers_stamp: str | None = None

    def expand(self, phrase: str) -> list[EntityExpansion]:
        """Other spellings of the entities ``phrase`` names (see EntityTable.expand).

        A phrase of name particles and legal suffixes only (`Co`, `Inc`, `al`) names no
        one: every company's `Co` aligns with another's `Corp` or `Plc`, and `co` was
        searched as 63 companies' suffixes (140 ms on Reuters-21578, 1.3 s at 100,000
        articles). Answers are kept per phrase until the table changes, because the
        explorer searches the words already typed again at every key.
        """
        from .entities.names import is_optional, name_tokens

        tokens = name_tokens(phrase)
        if not tokens or all(is_optional(token) for token in tokens):
            return []
        with self._lock:
            source = self._source()
            stamp = source[1] if source is not None else None
            if stamp != self._answers_stamp or len(self._answers) >= KEPT_ANSWERS:
                self._answers, self._answers_stamp = {}, stamp
            answer = self._answers.get(phrase)
            if answer is None:
                table = self._table_for(tokens, source)
                answer = self._answers[phrase] = table.expand(phrase) if table is not None else []
        return list(answer)

    def refresh(self) -> None:
        """Rebuild the look-up file now if the table it comes from changed.

        Called after an index run or a correction, so that the first search after it, a
        keystroke in the explorer, does not pay for loading the table and writing SQLite.
        """
        with self._lock:
            source = self._source()
            if source is not None:
                self._open(source[1])

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
            self._db = None

    # -- the look-up file ----------------------------------------------------------

    def _source(self) -> tuple[Path, str] | None:
        """The expansion table file and its tag (size and mtime), or None when there is none."""
        from .entities import lookup

        index = self._entity_index()
        for path in (index.expansions_path, index.table_path):
            tag = lookup.stamp(path)
            if tag is not None:
                return path, tag
        return None

    def _table_for(self, tokens: tuple[str, ...], source: tuple[Path, str] | None) -> EntityTable | None:
        if source is None:
            return None
        _path, stamp = source
        if self._fallback is not None and self._fallback_stamp == stamp:
            return self._fallback
        db = self._open(stamp)
        if db is None:
            return self._fallback
        return _mini_table(db, tokens)

    def _open(self, stamp: str) -> sqlite3.Connection | None:
        if self._db is not None and self._db_stamp == stamp:
            return self._db
        if self._db is not None:
            self._db.close()
            self._db = None
        db = _connect(self.path, stamp)
        if db is None:
            table = self._entity_index().expansions()
            if not self._build(table, stamp):
                self._fallback, self._fallback_stamp = table, stamp
                return None
            db = _connect(self.path, stamp)
            if db is None:  # rewritten by another process meanwhile: use what we loaded
                self._fallback, self._fallback_stamp = table, stamp
                return None
        self._db, self._db_stamp = db, stamp
        return db

    def _build(self, table: EntityTable, table_stamp: str) -> bool:
        """Write the look-up file atomically; False when the folder cannot be written."""
        from .entities.lookup import write_lookup

        return write_lookup(self.path, table, table_stamp)


def _connect(path: Path, stamp: str) -> sqlite3.Connection | None:
    """The look-up file, read-only, if it exists and was made from the table tagged ``stamp``."""
    import sqlite3

    if not path.exists():
        return None
    try:
        db = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, check_same_thread=False)
        row = db.execute("SELECT value FROM meta WHERE key = 'stamp'").fetchone()
    except sqlite3.Error:
        return None
    if row is None or row[0] != stamp:
        db.close()
        return None
    return db


def _mini_table(db: sqlite3.Connection, tokens: tuple[str, ...]) -> EntityTable:
    """An EntityTable of only the entities holding every token, in their original order."""
    from .entities.model import Entity
    from .entities.table import EntityTable

    numbers: set[int] | None = None
    for token in dict.fromkeys(tokens):
        row = db.execute("SELECT numbers FROM tokens WHERE token = ?", (token,)).fetchone()
        found = {int(n) for n in row[0].split(",")} if row and row[0] else set()
        numbers = found if numbers is None else numbers & found
        if not numbers:
            return EntityTable.empty()
    chosen = sorted(numbers or ())
    entities = []
    for start in range(0, len(chosen), 500):  # SQLite's limit on bound parameters
        part = chosen[start : start + 500]
        marks = ",".join("?" * len(part))
        for _number, data in db.execute(
            f"SELECT number, data FROM entities WHERE number IN ({marks}) ORDER BY number", part
        ):
            entity_id, name, kind, spellings = json.loads(data)
            entities.append(
                Entity(
                    id=entity_id,
                    name=name,
                    kind=kind,
                    spellings=dict(spellings),
                    sources={},
                    articles=(),
                )
            )
    return EntityTable(entities, [[] for _ in entities])
