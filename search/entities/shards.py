"""Per-article records kept in copy-on-write shards: a save rewrites only the shards it touched.

Why: the stored mentions and resolutions of 100,000 articles were one 250 MB pickle,
and every index update, even of ten articles, pickled and wrote all of it again
(about 10 s of a 50 s update). Articles are spread over ``SHARDS`` files by a hash
of their id, so ten changed articles rewrite at most ten small files.

Why 1,024 of them: an update of ten articles at 100,000 also resolves again the articles a
changed reading reaches, about 30 shards' worth; with 256 shards of ~400 articles, reading
and writing those shards whole took 0.9-1.3 s of a 5.6-6.8 s update, with 1,024 of ~100
articles 0.2-0.5 s. A store of 256 (the earlier layout) is still read, and saved again in
this one by its next update (``MentionStore.load``): a shard of 1,024 holds the ids of one
shard of 256 whose hash falls in it.

Why copy-on-write rather than files rewritten in place: a run that dies midway must
leave the previous store readable. A save writes its shards under new names, then
the small manifest that names the current file of each shard (the commit point,
replaced atomically), and only then deletes the files no manifest names. So the
store on disk is the old one or the new one, never a mixture; each file's checksum
is checked as it is read, so damage is found rather than read as fewer articles.

Why not SQLite: the records are read all at once by every update, and one pickle
per article (what a row of a table would hold) loaded three times slower than a
pickle per shard, whose memo shares the repeated strings (sources, cue names).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import turns
from ..atomic import CountedWrites, read_json, sync_folder, write_json_atomic

SHARDS = 1024  # ~100 articles each at 100,000: a shard pickles in about 10 ms
LAYOUTS = (256, SHARDS)  # the shard counts a store may have been saved with (256: until 2026-11-24)
MANIFEST = "manifest.json"
FORMAT = "explorer-shards"


def shard_of(key: str, shards: int | None = None) -> int:
    """The shard of an article id among ``shards`` (None: ``SHARDS``): stable across processes
    and runs (unlike ``hash``)."""
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % (shards or SHARDS)


class ShardsDamaged(Exception):
    """A file the manifest names is missing or unreadable: the store must be rebuilt."""


@dataclass(slots=True)
class ShardFolder:
    """A folder of shards (each any picklable value) plus one store-wide state value.

    ``manifest`` is what was read (or last written): the id of the save, the file, size and
    checksum of each shard and of the state, and the caller's ``meta`` (small, JSON: format
    versions, the index generation). Only a process holding the index's writer lock may save
    or ``load`` the shards: a save deletes the files it replaced. Readers without it read one
    shard at a time (``load_shard``) and retry when a save deleted it under them.
    """

    folder: Path
    manifest: dict[str, Any] | None = field(default=None)

    @classmethod
    def open(cls, folder: Path) -> ShardFolder:
        """The folder with its manifest read (None when missing, unreadable or of another layout)."""
        shards = cls(Path(folder))
        shards.manifest = shards._read_manifest()
        return shards

    def _read_manifest(self) -> dict[str, Any] | None:
        try:
            manifest = read_json(self.folder / MANIFEST)
        except (OSError, ValueError):
            return None
        if (
            not isinstance(manifest, dict)
            or manifest.get("format") != FORMAT
            or manifest.get("shards") not in LAYOUTS
            or not isinstance(manifest.get("save"), str)
            or not isinstance(manifest.get("meta"), dict)
            or not isinstance(manifest.get("files"), dict)
            or not _entry(manifest.get("state"))
            or not all(
                _shard_number(key, manifest["shards"]) and _entry(entry)
                for key, entry in manifest["files"].items()
            )
        ):
            return None
        return manifest

    @property
    def meta(self) -> dict[str, Any]:
        return {} if self.manifest is None else self.manifest["meta"]

    @property
    def count(self) -> int:
        """How many shards the save is spread over (``LAYOUTS``); a save writes ``SHARDS``."""
        return SHARDS if self.manifest is None else self.manifest["shards"]

    @property
    def other_layout(self) -> bool:
        """Saved over another number of shards than a save writes (read, then saved whole)."""
        return self.count != SHARDS

    def shard_of(self, key: str) -> int:
        """The shard that holds an article in this save."""
        return shard_of(key, self.count)

    @property
    def save_id(self) -> str | None:
        """Which save the manifest describes (unique to each save)."""
        return None if self.manifest is None else self.manifest["save"]

    def intact(self) -> bool:
        """Every file the manifest names is there with the size it was written with (a cheap
        check, a few hundred stat calls; ``load`` also checks each file's checksum)."""
        if self.manifest is None:
            return False
        for name, size, _checksum in self._named():
            try:
                if (self.folder / name).stat().st_size != size:
                    return False
            except OSError:
                return False
        return True

    def _named(self) -> Iterable[tuple[str, int, int]]:
        assert self.manifest is not None
        yield from (tuple(entry) for entry in self.manifest["files"].values())
        yield tuple(self.manifest["state"])

    def load(self) -> tuple[Any, dict[int, Any]]:
        """The state and every shard's value; raises ``ShardsDamaged`` when any cannot be read."""
        return self.load_state(), self.load_shards()

    def load_state(self) -> Any:
        """The state value alone (``ShardsDamaged`` when it cannot be read)."""
        if self.manifest is None:
            raise ShardsDamaged(f"{self.folder / MANIFEST} is missing or unreadable")
        return self._load(self.manifest["state"])

    def load_shards(self) -> dict[int, Any]:
        """Every shard's value by number (``ShardsDamaged`` when any cannot be read)."""
        if self.manifest is None:
            raise ShardsDamaged(f"{self.folder / MANIFEST} is missing or unreadable")
        return {int(shard): self._load(entry) for shard, entry in self.manifest["files"].items()}

    def numbers(self) -> set[int]:
        """The shards that hold something in this save."""
        return set() if self.manifest is None else {int(shard) for shard in self.manifest["files"]}

    def file_of(self, shard: int) -> str | None:
        """The file holding a shard in this save (None: the shard is empty, or no manifest).
        A save writes every shard it changes under a new name, so the name says which version."""
        entry = None if self.manifest is None else self.manifest["files"].get(str(shard))
        return None if entry is None else entry[0]

    def load_shard(self, shard: int) -> Any:
        """One shard's value (None when empty), checked as ``load`` checks each.

        Readers may call it without the writer lock: a save that finishes meanwhile deletes
        the file the manifest they read names, which raises ``ShardsDamaged`` as damage does
        (open the folder again and retry)."""
        entry = None if self.manifest is None else self.manifest["files"].get(str(shard))
        return None if entry is None else self._load(entry)

    def _load(self, entry: list[Any]) -> Any:
        name, size, checksum = entry
        path = self.folder / name
        try:
            payload = path.read_bytes()
        except OSError as error:
            raise ShardsDamaged(f"{path} cannot be read ({error.strerror})") from None
        if len(payload) != size or zlib.crc32(payload) != checksum:
            raise ShardsDamaged(f"{path} is not the file that was written (size or checksum differs)")
        try:
            return turns.unpickle(payload)  # a frame at a time: the TUI's thread gets turns
        except MemoryError:
            raise
        except Exception as error:  # a damaged pickle can raise almost anything
            raise ShardsDamaged(f"{path} cannot be read ({error})") from None

    def save(
        self,
        meta: dict[str, Any],
        state: Any,
        changed: Mapping[int, Any],
        everything: bool = False,
    ) -> None:
        """Write the ``changed`` shards (None: the shard is now empty) and the state, then the
        manifest; unchanged shards keep their files. ``everything``: no earlier shard is kept
        (the caller gives every non-empty shard)."""
        self.publish(self.stage(meta, state, changed, everything))

    def stage(
        self,
        meta: dict[str, Any],
        state: Any,
        changed: Mapping[int, Any],
        everything: bool = False,
    ) -> dict[str, Any]:
        """``save`` up to its manifest, which is returned for ``publish``: the new files have
        names no manifest holds, so until then readers (and a run that dies: the next save
        sweeps them) see the previous save. Why apart: an index run writes while its writer
        processes still work, and publishes only once the index itself is committed."""
        self.folder.mkdir(parents=True, exist_ok=True)
        save_id = os.urandom(6).hex()  # unique, so no save ever reuses a name an older manifest holds
        if self.other_layout and not everything:
            raise ValueError(f"{self.folder}: a store of {self.count} shards is saved again whole")
        files: dict[str, list[Any]] = (
            {} if everything or self.manifest is None else dict(self.manifest["files"])
        )
        for shard, value in sorted(changed.items()):
            files.pop(str(shard), None)
            if value is not None:
                files[str(shard)] = _write(self.folder / f"{shard:03d}.{save_id}.pickle", value)
        state_entry = _write(self.folder / f"state.{save_id}.pickle", state)
        sync_folder(self.folder)
        return {
            "format": FORMAT,
            "shards": SHARDS,
            "save": save_id,
            "meta": meta,
            "state": state_entry,
            "files": dict(sorted(files.items(), key=lambda item: int(item[0]))),
        }

    def publish(self, manifest: dict[str, Any]) -> None:
        """Make a staged save the current one (one atomic manifest write), then delete the
        files it replaced."""
        write_json_atomic(self.folder / MANIFEST, manifest)
        self.manifest = manifest
        self._sweep()

    def discard(self, manifest: dict[str, Any]) -> None:
        """Delete the files of a staged save that will not be published."""
        current = set() if self.manifest is None else {name for name, _size, _crc in self._named()}
        entries = [*manifest["files"].values(), manifest["state"]]
        for name, _size, _checksum in entries:
            if name not in current:
                with contextlib.suppress(OSError):
                    (self.folder / name).unlink()

    def _sweep(self) -> None:
        """Delete what no manifest names: the files the last save replaced, and the leftovers
        of runs that died before their manifest was written."""
        named = {name for name, _size, _checksum in self._named()} | {MANIFEST}
        for path in self.folder.iterdir():
            if path.name not in named:
                with contextlib.suppress(OSError):
                    path.unlink()


def _shard_number(key: Any, shards: int) -> bool:
    return isinstance(key, str) and key.isdigit() and 0 <= int(key) < shards


def _entry(entry: Any) -> bool:
    """[file name inside the folder, size, crc32]."""
    return (
        isinstance(entry, list)
        and len(entry) == 3
        and isinstance(entry[0], str)
        and entry[0] == Path(entry[0]).name
        and not entry[0].startswith(".")
        and entry[0] != MANIFEST
        and all(type(number) is int for number in entry[1:])
    )


@dataclass(frozen=True, slots=True)
class Pickled:
    """A shard's value already pickled (``dumps``), written as ``read`` gives it when the shard
    is written (the bytes may wait elsewhere until then)."""

    read: Callable[[], bytes]


def dumps(value: Any) -> bytes:
    """The value as a shard file holds it."""
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _write(path: Path, value: Any) -> list[Any]:
    """Write a new file (a name no manifest holds yet, so no temporary name is needed), flush
    it to disk, and return its manifest entry; the folder is synced once per save.

    A value is pickled straight into the file, its size and checksum counted on the way:
    the state of 100,000 articles pickles to about 40 MB, which a build's indexing process
    otherwise held at its peak."""
    with path.open("wb") as handle:
        counted = CountedWrites(handle)
        if isinstance(value, Pickled):
            counted.write(value.read())
        else:
            pickle.dump(value, counted, protocol=pickle.HIGHEST_PROTOCOL)
        handle.flush()
        os.fsync(handle.fileno())
    return [path.name, counted.size, counted.crc]


__all__ = ["LAYOUTS", "SHARDS", "Pickled", "ShardFolder", "ShardsDamaged", "dumps", "shard_of"]
