"""Which articles changed since the event table was derived, so it is updated, not rebuilt.

Events are derived lazily (``Explorer.events_table``): the first request
after the index changed pays for them. Regrouping a 100,000-article corpus
takes minutes, but after a re-index that touched ten articles only those
ten and the events around them need work (``EventTable.update``).

What changed is found from the index manifest, without reading every
article: the table is saved with the manifest's file records it was
derived from (the *basis*: per corpus file its content digest and article
ids). Files whose digest differs, or that are new, hold the candidates
(``EventTable.update`` skips those whose text did not change); ids the
basis has and the manifest does not are removed.

A full rebuild is still chosen when the change is large (a regroup of most
of the corpus costs as much as a build), and after ``MAX_UPDATES``
incremental updates in a row: entities are re-clustered on every index run
and the ids the hook gives may drift; events of unchanged articles keep the
keys they were grouped with, so a periodic rebuild brings them back in step.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .atomic import write_json_atomic
from .index import FileRecord

BASIS = "events.basis.json"
MAX_UPDATES = 20  # incremental updates before a full rebuild
MAX_CHANGED_SHARE = 0.2  # above this share of the corpus, rebuild instead...
ALWAYS_UPDATE = 100  # ...unless this few articles changed (a small corpus rebuilds fast either way)


@dataclass(frozen=True)
class Basis:
    """The corpus state an event table was derived from."""

    generation: int
    files: dict[str, tuple[str, tuple[str, ...]]]  # relpath -> (digest, article ids)
    updates: int = 0  # incremental updates since the last full build

    def as_json(self) -> dict[str, Any]:
        return {
            "generation": self.generation,
            "updates": self.updates,
            "files": {path: [digest, list(ids)] for path, (digest, ids) in self.files.items()},
        }


@dataclass(frozen=True)
class Changes:
    """Articles to re-read (added or possibly edited) and ids to drop."""

    candidates: tuple[str, ...]
    removed: tuple[str, ...]


def basis_of(generation: int, files: dict[str, FileRecord], updates: int = 0) -> Basis:
    return Basis(generation, {path: (r.digest, tuple(r.ids)) for path, r in files.items()}, updates)


def load_basis(index_dir: Path) -> Basis | None:
    """The saved basis, or None when missing or unreadable (then the table is rebuilt)."""
    try:
        data = json.loads((index_dir / BASIS).read_text(encoding="utf-8"))
        files = {path: (str(v[0]), tuple(str(i) for i in v[1])) for path, v in data["files"].items()}
        return Basis(int(data["generation"]), files, int(data.get("updates", 0)))
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def save_basis(index_dir: Path, basis: Basis) -> None:
    """Save next to the table; a read-only index folder just derives events each time."""
    try:
        write_json_atomic(index_dir / BASIS, basis.as_json())
    except OSError:
        return


def changes(basis: Basis, files: dict[str, FileRecord]) -> Changes | None:
    """What changed from ``basis`` to the manifest's ``files``; None when a rebuild is wiser."""
    if basis.updates >= MAX_UPDATES:
        return None
    candidates: list[str] = []
    present: set[str] = set()
    for path, record in files.items():
        present.update(record.ids)
        old = basis.files.get(path)
        if old is None or old[0] != record.digest:
            candidates.extend(record.ids)
    removed = [i for _digest, ids in basis.files.values() for i in ids if i not in present]
    total = max(1, len(present))
    if len(candidates) + len(removed) > max(ALWAYS_UPDATE, MAX_CHANGED_SHARE * total):
        return None
    return Changes(tuple(dict.fromkeys(candidates)), tuple(dict.fromkeys(removed)))
