"""Entities in the index folder: stored mentions, the entity table, the user's corrections.

Why three parts: mentions are extracted once per article and kept (the
``entity_mentions`` folder of shards), so re-indexing ten changed articles
re-extracts those ten and rewrites the few shards they fall in; the table
(``entities.json``) is what readers load; corrections
(``entity_corrections.json``) are the user's and are never rebuilt. Each is
replaced atomically (the shards through their manifest), mentions first and
the table last, so a run that dies midway leaves the previous table readable.

How the index update uses it::

    entities = EntityIndex(index_dir)
    update = entities.begin()            # loads the stored mentions
    update.remove(article_id)            # for each removed or changed article
    update.add(article)                  # for each new or changed article (extracts now)
    table = update.commit(generation)    # clusters, saves mentions then table
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from operator import itemgetter
from pathlib import Path
from typing import Any

from ..atomic import sync_folder, write_json_atomic
from ..gcpause import no_gc
from ..models import Article
from . import lookup
from .casing import CorpusStats
from .catalog import Catalog
from .corrections import MERGE, SPLIT, Correction, Corrections
from .mentions import ArticleMentions, extract
from .patching import PatchedTable, SavedLines, SavedTableDamaged, Sums
from .pipeline import derive
from .resolutions import RESOLVE_VERSION, Resolutions
from .resolve import ResolvedRow
from .rows import ARTICLE_DATE, ARTICLE_FIELDS, ARTICLE_ID, ARTICLE_MENTIONS, ArticleRow, to_record, to_row
from .shards import Pickled, ShardFolder, ShardsDamaged, dumps, shard_of
from .table import EntityTable, EntityTableError

# Plain tuples in copy-on-write shards (``shards``): an update rewrites the few shards its
# articles fall in. Pickles load about ten times faster than the gzipped JSON they replaced
# (2 s -> 0.2 s on Reuters-21578); they are the index's own files, read only by this code, as
# Whoosh's stored fields are pickles too.
MENTIONS_DIR = "entity_mentions"
OLD_MENTIONS_FILES = ("entity_mentions.pickle", "entity_mentions.json.gz")  # earlier layouts, deleted
TABLE_FILE = "entities.json"
EXPANSIONS_FILE = "entity_expansions.json"
GENERATION_FILE = "entities.generation.json"  # written last: a cheap crash check
CORRECTIONS_FILE = "entity_corrections.json"
MENTIONS_FORMAT = "explorer-mentions"
MENTIONS_VERSION = 7  # 3: hyphenated titles, local place cues; 4: joined readings, U.S., line/possessive cues; 5: initials keep their dot; 6: narrower local place cues; 7: shards


def extract_row(article: Article) -> ArticleRow:
    """``extract`` as the store keeps it: the writer processes send rows, which pickle in C,
    where the dataclasses took about 1.5 s of the indexing process's time on Reuters-21578."""
    return to_row(extract(article))


def article_digest(article: Article) -> bytes:
    """A digest of what ``extract`` reads of an article (id, source, date, text).

    Why: an edited file of 1,000 articles is read again whole, and extracting, resolving and
    saving its 990 unchanged articles again cost an update at 100,000 articles most of its
    time (every shard they fall in read and written). An article whose digest is the one its
    stored record was made from is left as it is (``MentionStore.unchanged``)."""
    fields = repr((article.id, article.source, article.date, article.text))  # unambiguous
    return hashlib.blake2b(fields.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def prepare_row(article: Article) -> tuple[ArticleRow, bytes]:
    """The per-article work of the index's writer processes: the record and its digest."""
    return extract_row(article), article_digest(article)


class MentionsDamaged(Exception):
    """A file of the stored mentions is damaged: they must be rebuilt from the index."""


@dataclass(slots=True)
class StagedMentions:
    """A save of the stored mentions written but not yet the current one (``MentionStore.stage``)."""

    shards: ShardFolder
    manifest: dict[str, Any]

    @property
    def save_id(self) -> str:
        return self.manifest["save"]

    def publish(self) -> None:
        self.shards.publish(self.manifest)

    def discard(self) -> None:
        self.shards.discard(self.manifest)


PACKED_ROWS = 50  # records of one shard pickled together while a store begun empty fills


class _Packing:
    """The records given to a store begun empty, pickled by shard as they come, and the
    corpus statistics counted from them meanwhile (what resolving them needs first)."""

    def __init__(self) -> None:
        self.stats = CorpusStats()
        self.ids: set[str] = set()
        self._blobs: dict[int, list[bytes]] = {}
        self._waiting: dict[int, list[ArticleRow]] = {}

    def put(self, row: ArticleRow) -> None:
        self.stats.add(row)
        self.ids.add(row[ARTICLE_ID])
        shard = shard_of(row[ARTICLE_ID])
        waiting = self._waiting.setdefault(shard, [])
        waiting.append(row)
        if len(waiting) >= PACKED_ROWS:
            self._blobs.setdefault(shard, []).append(dumps(waiting))
            del self._waiting[shard]

    def shards(self) -> set[int]:
        return self._blobs.keys() | self._waiting.keys()

    def take(self, shard: int) -> list[ArticleRow]:
        """The shard's records, in id order, let go here."""
        rows = [row for blob in self._blobs.pop(shard, ()) for row in pickle.loads(blob)]
        rows.extend(self._waiting.pop(shard, ()))
        rows.sort(key=_ID)
        return rows


_ID = itemgetter(ARTICLE_ID)


class _Spill:
    """Pickled shards set aside in an unnamed temporary file (in ``folder``, the store's own
    when known): nothing to delete if the run dies, and not in the process's memory."""

    def __init__(self, folder: Path | None) -> None:
        self._folder = folder
        self._file: Any = None
        self._end = 0

    def put(self, payload: bytes) -> tuple[int, int]:
        if self._file is None:
            if self._folder is not None:
                self._folder.mkdir(parents=True, exist_ok=True)
            self._file = tempfile.TemporaryFile(dir=self._folder)  # noqa: SIM115  # closed by close()
            self._end = 0
        self._file.seek(self._end)
        self._file.write(payload)
        at = (self._end, len(payload))
        self._end += len(payload)
        return at

    def get(self, at: tuple[int, int]) -> bytes:
        offset, length = at
        self._file.flush()
        payload = os.pread(self._file.fileno(), length, offset)
        if len(payload) != length:  # never short on a regular file; saved truncated, it would pass its CRC
            raise MentionsDamaged(f"a set-aside shard read back {len(payload)} bytes of {length}")
        return payload

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class MentionStore:
    """Per-article mention records as plain tuples, with the statistics and resolutions
    derived from them (``Resolutions``) when known: the ``Records`` a derivation reads.

    Saved as shards (``shards.ShardFolder``): each holds the rows of the articles whose id
    falls in it and their kept resolutions; the statistics, the name nodes and the
    ``catalog`` are the folder's state. Only the shards of changed articles, and of articles
    resolved again, are written again; and a loaded store reads a shard only when a record
    in it is asked for (``get``), changed, or may hold a word whose reading changed
    (``mentioning``). ``rows`` reads them all.

    A store begun empty (``MentionStore()``: a build from scratch) holds the records it is
    given packed (``_Packing``) until they are resolved, then each shard's records and
    resolutions pickled as its file will hold them, set aside in an unnamed file (``_Spill``)
    until saved, and read back like a shard on disk when asked for: the objects of 100,000
    articles' records and resolutions took about 2 GB, their pickles 0.3 GB, which then wait
    on disk.
    """

    def __init__(
        self,
        rows: dict[str, ArticleRow] | None = None,
        generation: int | None = None,
        resolutions: Resolutions | None = None,
        save_id: str | None = None,
        catalog: Catalog | None = None,
        shards: ShardFolder | None = None,
        spill_dir: Path | None = None,
    ) -> None:
        self._rows = rows or {}  # the records in memory
        self.generation = generation
        self.resolutions = resolutions
        self._save_id = save_id  # the save these rows were loaded from (None: write every shard)
        self._changed: set[str] = set()  # article ids added, replaced or removed since
        # What the save says of the articles of the shards not read yet (None: all are in memory).
        self._catalog = catalog
        self._shards = shards  # where the shards not read yet are read from
        self._unread: set[int] = set() if catalog is None else set(catalog.shards)
        # Shards resolved but not saved yet, as their files will hold them (also in ``_unread``).
        self._packed: dict[int, tuple[int, int]] = {}  # shard -> where in ``_spill``
        self._spill = _Spill(spill_dir)
        # The digest of each record put since the last save (None: not known), for the catalog.
        self._digests: dict[str, bytes | None] = {}
        begun_empty = rows is None and resolutions is None and catalog is None and save_id is None
        self._packing: _Packing | None = _Packing() if begun_empty else None

    @classmethod
    def load(cls, folder: Path) -> MentionStore:
        """The stored records; an empty store when there are none (or of another format: they
        are rebuilt). Reads the state only, when it holds a catalog whose counts agree with
        the resolutions; else every shard. Raises ``MentionsDamaged`` when a file read is
        damaged: an empty store then would be taken for a corpus without those articles.

        A store of the earlier layout (``shards.LAYOUTS``) is read whole, and its next save
        writes every shard in this one; the digests of its catalog are kept."""
        shards = ShardFolder.open(folder)
        meta = shards.meta
        if meta.get("format") != MENTIONS_FORMAT or meta.get("version") != MENTIONS_VERSION:
            return cls(spill_dir=Path(folder))
        try:
            with no_gc():
                state = shards.load_state()
                catalog = Catalog.from_state(state.get("catalog")) if isinstance(state, dict) else None
                relaid = shards.other_layout
                if catalog is not None and not relaid and set(catalog.shards) == shards.numbers():
                    resolutions = Resolutions.from_state(state, {}, catalog.articles(), catalog.names())
                    if resolutions is not None:
                        return cls({}, meta.get("generation"), resolutions, shards.save_id, catalog, shards)
                values = shards.load_shards()
        except ShardsDamaged as error:
            raise MentionsDamaged(str(error)) from None
        rows: dict[str, ArticleRow] = {}
        kept: dict[str, Any] = {}
        for value in values.values():
            shard_rows, shard_kept = _shard_records(folder, value)
            rows.update((row[ARTICLE_ID], row) for row in shard_rows)
            kept.update(shard_kept)
        resolutions = None
        if kept.keys() <= rows.keys():
            names = sum(len(resolved[0]) for resolved in kept.values())
            resolutions = Resolutions.from_state(state, kept, len(rows), names, rows)
        store = cls(rows, meta.get("generation"), resolutions, None if relaid else shards.save_id)
        if relaid and catalog is not None:  # what each article was extracted from, for the next catalog
            store._digests = {
                key: value for entry in catalog.shards.values() for key, value in entry.digests.items()
            }
        return store

    # -- reading shards on demand --------------------------------------------------------------

    def _read(self, numbers: Iterable[int]) -> None:
        """Read these shards if not read yet: their records, and their kept resolutions into
        ``resolutions`` (a shard is read before any of its records changes, so what it holds
        is what the resolutions were saved with)."""
        wanted = sorted(self._unread.intersection(numbers))
        if not wanted:
            return
        kept = None if self.resolutions is None else self.resolutions.kept
        with no_gc():
            for number in wanted:
                packed = self._packed.pop(number, None)
                if packed is not None:
                    value = pickle.loads(self._spill.get(packed))
                else:
                    assert self._shards is not None
                    try:
                        value = self._shards.load_shard(number)
                    except ShardsDamaged as error:
                        raise MentionsDamaged(str(error)) from None
                where = self._shards.folder if packed is None and self._shards else "set-aside shard"
                rows, shard_kept = _shard_records(where, value or ([], {}))
                self._rows.update((row[ARTICLE_ID], row) for row in rows)
                if kept is not None:
                    kept.update(shard_kept)
                self._unread.discard(number)

    def __len__(self) -> int:
        catalog = self._catalog
        unread = 0 if catalog is None else sum(len(catalog.shards[n].dates) for n in self._unread)
        packing = 0 if self._packing is None else len(self._packing.ids)
        return len(self._rows) + unread + packing

    def __contains__(self, article_id: object) -> bool:
        if article_id in self._rows:
            return True
        if self._packing is not None and article_id in self._packing.ids:
            return True
        catalog = self._catalog
        return (
            isinstance(article_id, str)
            and catalog is not None
            and shard_of(article_id) in self._unread
            and catalog.holds(article_id)
        )

    def get(self, article_id: str) -> ArticleRow | None:
        if self._packing is not None:
            if article_id not in self._packing.ids:
                return None  # a new article (the usual question, ``EntityUpdate._changing``)
            self._unpack()
        self._read((shard_of(article_id),))
        return self._rows.get(article_id)

    def everything(self) -> Iterable[ArticleRow]:
        self._unpack()
        self._read(tuple(self._unread))
        return self._rows.values()

    def statistics(self) -> CorpusStats:
        if self._packing is not None:
            return self._packing.stats  # counted as the records came
        return CorpusStats.gather(self.everything())

    def resolving(self, kept: dict[str, ResolvedRow]) -> Iterator[ArticleRow]:
        """The records in memory without a kept resolution, in id order; then, in a store
        begun empty, the packed records shard by shard: once a shard's records are resolved
        (``Resolutions.resolve_all`` resolves each before asking for the next), the shard is
        pickled as its file will hold it, and its records and resolutions let go."""
        yield from sorted((row for row in self._rows.values() if row[ARTICLE_ID] not in kept), key=_ID)
        packing, self._packing = self._packing, None
        if packing is None:
            return
        if self._catalog is None:
            self._catalog = Catalog.of(self._rows.values(), kept, self._digests)
        for shard in sorted(packing.shards()):
            rows = packing.take(shard)
            yield from rows
            shard_kept = {row[ARTICLE_ID]: kept.pop(row[ARTICLE_ID]) for row in rows}
            self._catalog.add(shard, rows, shard_kept, self._digests)
            self._packed[shard] = self._spill.put(dumps((rows, shard_kept)))
            self._unread.add(shard)
            del rows, shard_kept

    def _unpack(self) -> None:
        """Hold every packed record as an object (a store begun empty asked for more than a
        build from scratch asks: a record again, a removal)."""
        packing, self._packing = self._packing, None
        if packing is not None:
            for shard in sorted(packing.shards()):
                self._rows.update((row[ARTICLE_ID], row) for row in packing.take(shard))

    @property
    def rows(self) -> dict[str, ArticleRow]:
        """Every record by article id (every shard read now)."""
        self.everything()
        return self._rows

    def dates(self) -> dict[str, str | None]:
        self._unpack()
        dates = {article_id: row[ARTICLE_DATE] for article_id, row in self._rows.items()}
        if self._catalog is not None:
            for number in self._unread:
                dates.update(self._catalog.shards[number].dates)
        return dates

    def mention_count(self) -> int:
        self._unpack()
        count = sum(len(row[ARTICLE_MENTIONS]) for row in self._rows.values())
        if self._catalog is not None:
            count += sum(self._catalog.shards[number].mentions for number in self._unread)
        return count

    def mentioning(self, words: set[str], keys: list[tuple[str, ...]]) -> Iterable[ArticleRow]:
        if self._catalog is not None:
            self._read(self._catalog.shards_mentioning(words, keys))
        return self._rows.values()

    # -- saving ----------------------------------------------------------------------------------

    def save(self, folder: Path) -> str | None:
        """Write the shards that changed since the store was loaded (every shard when it was
        not loaded from this folder's current save); returns the save's id."""
        staged = self.stage(folder)
        staged.publish()
        return staged.save_id

    def stage(self, folder: Path) -> StagedMentions:
        """``save`` up to its manifest (``StagedMentions.publish`` writes it); the store then
        counts as saved by that save."""
        shards = ShardFolder.open(folder)
        resolutions = self.resolutions
        kept = {} if resolutions is None else resolutions.kept
        incremental = self._save_id is not None and shards.save_id == self._save_id
        self._unpack()  # not resolved: saved as records (``resolving`` packs them)
        packed = self._packed  # resolved since, to be written as they are
        if not incremental:
            self._read(self._unread - packed.keys())
        dirty = {shard_of(i) for i in self._changed | (resolutions.touched if resolutions else set())}
        self._read(dirty - packed.keys())  # read already (changed or resolved), unless only removed
        groups: dict[int, tuple[list[ArticleRow], dict[str, Any]]] = {}
        with no_gc():
            for article_id in sorted(self._rows):
                shard = shard_of(article_id)
                if incremental and shard not in dirty:
                    continue
                group = groups.get(shard)
                if group is None:
                    group = groups[shard] = ([], {})
                group[0].append(self._rows[article_id])
                if article_id in kept:
                    group[1][article_id] = kept[article_id]
            # Incrementally, every dirty shard (None: empty now); else the shards with records.
            changed: dict[int, Any] = (
                {shard: groups.get(shard) for shard in dirty - packed.keys()} if incremental else {}
            )
            changed.update(groups)
            if self._catalog is None:
                self._catalog = Catalog.of(self._rows.values(), kept, self._digests)
            else:  # the shards in memory described afresh (a packed one already is)
                described = (dirty | groups.keys()) - packed.keys()
                grouped = {shard: groups.get(shard, ([], {}))[0] for shard in described}
                # Shards only resolved again hold the records they held: their tokens stand.
                same = (
                    described - {shard_of(article_id) for article_id in self._changed} if incremental else ()
                )
                self._catalog.update(grouped, kept, self._digests, same)
            spill = self._spill
            changed.update((shard, Pickled(partial(spill.get, at))) for shard, at in packed.items())
            meta = {
                "format": MENTIONS_FORMAT,
                "version": MENTIONS_VERSION,
                "resolve": RESOLVE_VERSION,  # what ``StoredNames`` checks before reading a kept resolution
                "generation": self.generation,
            }
            state = None
            if resolutions is not None:
                state = resolutions.state()
                state["catalog"] = self._catalog.state()
            manifest = shards.stage(meta, state, changed, everything=not incremental)
        self._save_id = manifest["save"]
        # Shards not read yet are read from the files this save names (the same as before:
        # it rewrote only shards read already).
        self._shards = ShardFolder(shards.folder, manifest)
        self._packed = {}  # in the shard files now (still in ``_unread``)
        self._spill.close()
        self._digests = {}  # in the catalog now
        self._changed.clear()
        if resolutions is not None:
            resolutions.touched.clear()
        return StagedMentions(shards, manifest)

    # -- changes ---------------------------------------------------------------------------------

    def record(self, article_id: str) -> ArticleMentions | None:
        """One article's record as ``extract`` gave it, or None."""
        row = self.get(article_id)
        return None if row is None else to_record(row)

    def unchanged(self, article_id: str, digest: bytes) -> bool:
        """Whether the article's stored record was made from an article of this digest (known from
        the catalog, or before the first save of a store of the earlier layout, its old one's)."""
        if article_id in self._changed:
            return False
        catalog = self._catalog
        known = self._digests.get(article_id) if catalog is None else catalog.digest(article_id)
        return known is not None and known == digest

    def put(self, row: ArticleRow, digest: bytes | None = None) -> None:
        """Keep a new or changed article's record (``extract_row``), and the digest of the
        article it was made from (``article_digest``) when known."""
        article_id = row[ARTICLE_ID]
        self._digests[article_id] = digest
        packing = self._packing
        if packing is not None:
            if article_id not in packing.ids:
                packing.put(row)
                self._changed.add(article_id)
                return
            self._unpack()
        self._read((shard_of(article_id),))
        self._rows[article_id] = row
        self._changed.add(article_id)

    def add(self, article: Article) -> None:
        self.put(extract_row(article), article_digest(article))

    def close(self) -> None:
        """Let go of the shards set aside (a failed run: they will not be saved)."""
        self._packed = {}
        self._spill.close()

    def remove(self, article_id: str) -> None:
        self._digests.pop(article_id, None)
        if self._packing is not None and article_id in self._packing.ids:
            self._unpack()
        self._read((shard_of(article_id),))
        if self._rows.pop(article_id, None) is not None:
            self._changed.add(article_id)


def _shard_records(folder: Path | str, value: Any) -> tuple[list[ArticleRow], dict[str, Any]]:
    """A shard's (records, kept resolutions by article id); ``MentionsDamaged`` if it holds else."""
    if not (isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], dict)):
        raise MentionsDamaged(f"{folder}: a shard holds something else than mention records")
    rows, kept = value
    if not isinstance(rows, list) or not all(
        type(row) is tuple and len(row) == ARTICLE_FIELDS for row in rows
    ):
        raise MentionsDamaged(f"{folder}: a shard holds something else than mention records")
    return rows, kept


class StoredNames:
    """Each article's record and kept resolution, read from the one shard that holds it: where a
    loaded entity table finds the names an article writes (``table.ArticleNames``).

    The resolutions kept there are those the table was clustered from: every save writes the
    kept resolution of each article it resolved again. The last shard read is kept, as the
    article pane opens one article after another."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._shard: tuple[str, dict[str, tuple[ArticleRow, Any]]] | None = None  # (file, records)

    def resolution(self, article_id: str) -> tuple[ArticleRow, ResolvedRow] | None:
        for _attempt in range(2):  # once more if a save replaced the shard while it was read
            shards = ShardFolder.open(self._folder)
            number = shards.shard_of(article_id)
            meta = shards.meta
            if (meta.get("format"), meta.get("version"), meta.get("resolve")) != (
                MENTIONS_FORMAT,
                MENTIONS_VERSION,
                RESOLVE_VERSION,
            ):
                return None  # saved by another version: the index's next run saves them again
            name = shards.file_of(number)
            if name is None:
                return None
            cached = self._shard
            if cached is None or cached[0] != name:
                try:
                    rows, kept = _shard_records(self._folder, shards.load_shard(number))
                except ShardsDamaged:
                    continue
                except MentionsDamaged:
                    return None
                cached = self._shard = (
                    name,
                    {row[ARTICLE_ID]: (row, kept.get(row[ARTICLE_ID])) for row in rows},
                )
            found = cached[1].get(article_id)
            return None if found is None or found[1] is None else found
        return None


@dataclass(slots=True)
class _Staged:
    """What ``EntityUpdate._stage`` wrote, waiting to be made current by ``_publish``."""

    generation: int | None
    mentions: StagedMentions
    files: list[tuple[Path, Path]]  # (written as, to be renamed to)
    table: EntityTable | PatchedTable
    expansions: EntityTable | PatchedTable
    sums: Sums = field(default_factory=dict)  # of the table files, for the tag (``SavedLines.read``)


def _write_lookup(
    path: Path, last: Path, expansions: EntityTable | PatchedTable, written: Path, tag: str
) -> bool:
    """Write the look-up file of the expansion subset (saved at ``written``): patched from the
    ``last`` one when the subset was patched (``lookup.patch_lookup``), else made whole (a
    patched subset read back from its file when its last look-up file is not the one to patch)."""
    if isinstance(expansions, PatchedTable):
        last_stamp = expansions.saved_stamp
        try:
            if last_stamp is not None and lookup.patch_lookup(
                path, last, last_stamp, expansions.items, tag, expansions.saved_id
            ):
                return True
        except SavedTableDamaged:  # a kept line's id cannot be read after all: made whole
            pass
        try:
            expansions = EntityTable.load(written)
        except (OSError, EntityTableError):
            return False
    return lookup.write_lookup(path, expansions, tag)


class EntityUpdate:
    """Changes to the stored mentions, applied by ``commit`` (nothing is made current before).

    ``damaged``: the stored mentions could not be read, so changes cannot be applied to
    them; the update ignores them, and ``commit`` leaves the table marked as not describing
    the index, for the index run to rebuild it from every article (``derived``)."""

    def __init__(self, index: EntityIndex, store: MentionStore, damaged: bool = False) -> None:
        self._index = index
        self._store: MentionStore | None = store  # None once ``precompute`` staged the files
        self._damaged = damaged
        self.extracted = 0
        self.extract_seconds = 0.0
        self._table: EntityTable | PatchedTable | None = None  # from ``precompute``, until the records change
        self._staged: _Staged | None = None  # from ``precompute(generation)``
        # Each changed article's record as the kept statistics counted it (None: new).
        self._before: dict[str, ArticleRow | None] = {}

    def add(self, article: Article) -> None:
        """Extract the mentions of a new or changed article (replacing any earlier record)."""
        if self._damaged:
            return
        started = time.perf_counter()
        digest = article_digest(article)
        with self._reading():
            if self._open_store().unchanged(article.id, digest):
                return  # read again with its file, as stored: nothing to redo
            self._changing(article.id).put(extract_row(article), digest)
            self.extract_seconds += time.perf_counter() - started
            self.extracted += 1

    def add_prepared(self, payload: tuple[ArticleRow, bytes]) -> None:
        """Keep a record extracted elsewhere (by the index's writer processes) with ``prepare_row``."""
        if self._damaged:
            return
        row, digest = payload
        with self._reading():
            if self._open_store().unchanged(row[ARTICLE_ID], digest):
                return
            self._changing(row[ARTICLE_ID]).put(row, digest)
            self.extracted += 1

    def remove(self, article_id: str) -> None:
        if self._damaged:
            return
        if article_id in self._open_store():
            with self._reading():
                self._changing(article_id).remove(article_id)

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """Read the store's shards as needed: one found damaged makes the update ``damaged``
        (as when the stored mentions cannot be loaded at all), for the index run to rebuild
        the table from every article."""
        try:
            yield
        except MentionsDamaged:
            self._index.mark_stale()
            self._damaged = True
            if self._store is not None:
                self._store.close()
            self._store = self._table = None
            self._before = {}

    def _open_store(self) -> MentionStore:
        if self._store is None:
            raise RuntimeError("the entity update was staged for its commit: it takes no more changes")
        return self._store

    def _changing(self, article_id: str) -> MentionStore:
        store = self._open_store()
        self._before.setdefault(article_id, store.get(article_id))
        self._table = None
        return store

    def precompute(self, generation: int | None = None) -> None:
        """Cluster now, while the index's writer processes are still busy.

        With the ``generation`` the run is about to commit, also write every file now, under
        names no reader opens, and let go of the stored mentions: ``commit`` then only renames
        the files into place, and the update takes no more changes. At 100,000 articles that
        moved about 10 s of writing (and the freeing of millions of records) from after the
        writers, when one core idles, to while they finish."""
        if self._damaged:
            return
        with self._reading():
            self._table = self._derive()
            if generation is not None:
                self._staged = self._stage(self._table, generation)
                self._table = None
                self._store = None

    def _derive(self) -> EntityTable | PatchedTable:
        store = self._open_store()
        resolutions = store.resolutions
        if resolutions is not None and self._before:
            resolutions.apply(self._before, store)
        self._before = {}
        index = self._index
        table, store.resolutions = derive(store, index.corrections(), resolutions, index.saved_lines)
        return table

    def commit(self, generation: int | None = None) -> EntityTable:
        """``publish``, and the table made current (read from its file when the update
        patched it: ``patching``)."""
        table = self.publish(generation)
        return table if isinstance(table, EntityTable) else self._index.table()

    def publish(self, generation: int | None = None) -> EntityTable | PatchedTable:
        """Cluster the stored mentions (unless ``precompute`` did), then make the mentions and
        the table current: mentions first, the generation tag last."""
        staged = self._staged
        if staged is None and not self._damaged:
            with self._reading():
                table = self._table  # an empty table is falsy (``len``): test for None, not truth
                if table is None:
                    table = self._derive()
                self._table = None
                staged = self._stage(table, generation)
        if staged is None:  # the stored mentions proved damaged
            self._index.mark_stale()
            return self._index.table()
        self._staged = None
        if staged.generation != generation:
            # Staged for another generation than the run committed (the index's writer lock
            # rules it out): say the table is stale, for the run to rebuild it from the index.
            self._discard(staged)
            self._index.mark_stale()
            return staged.table
        self._publish(staged)
        return staged.table

    def discard(self) -> None:
        """The run failed: delete what ``precompute`` wrote (the current files stay as they were)."""
        if self._staged is not None:
            self._discard(self._staged)
            self._staged = None
        if self._store is not None:
            self._store.close()

    def _stage(self, table: EntityTable | PatchedTable, generation: int | None) -> _Staged:
        store = self._open_store()
        store.generation = generation
        table.stats["extracted"] = self.extracted
        table.stats["extract_seconds"] = round(self.extract_seconds, 3)
        table.stats["generation"] = generation
        index = self._index
        mentions = store.stage(index.mentions_dir)
        # Read each article's names back from the files just staged once they are published,
        # so the records held in memory can go (``precompute``).
        table.articles = StoredNames(index.mentions_dir)
        expansions = table.expansion_table()
        files: list[tuple[Path, Path]] = []
        sums: Sums = {}
        try:
            for value, path in ((expansions, index.expansions_path), (table, index.table_path)):
                written = path.with_name(f".{path.name}.staged")
                sums[path.name] = value.save(written)
                files.append((written, path))
            # The search side's look-up file of the expansions (``lookup``), tagged as the
            # expansions file will be once renamed into place (a rename keeps what the tag reads).
            tag = lookup.stamp(index.expansions_path, written_as=files[0][0])
            written = index.lookup_path.with_name(f".{index.lookup_path.name}.staged")
            if tag is not None and _write_lookup(written, index.lookup_path, expansions, files[0][0], tag):
                files.append((written, index.lookup_path))
        except BaseException:
            self._discard(_Staged(generation, mentions, files, table, expansions))
            raise
        return _Staged(generation, mentions, files, table, expansions, sums)

    def _publish(self, staged: _Staged) -> None:
        index = self._index
        staged.mentions.publish()
        index._delete_old_mentions()
        for written, path in staged.files:
            os.replace(written, path)
        sync_folder(index.folder)
        write_json_atomic(
            index.generation_path,
            {
                "generation": staged.generation,
                "mentions": MENTIONS_VERSION,
                "mentions_save": staged.mentions.save_id,
                "files": staged.sums,
            },
        )
        index._forget()
        if isinstance(staged.expansions, EntityTable):  # a patched one is read from its file if asked
            index._remember_expansions(staged.expansions)

    @staticmethod
    def _discard(staged: _Staged) -> None:
        staged.mentions.discard()
        for written, _path in staged.files:
            with contextlib.suppress(OSError):
                written.unlink()


class EntityIndex:
    """The entity files of one index folder."""

    prepare = staticmethod(prepare_row)  # the per-article work, run where the article is indexed

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.mentions_dir = self.folder / MENTIONS_DIR
        self.table_path = self.folder / TABLE_FILE
        self.expansions_path = self.folder / EXPANSIONS_FILE
        self.generation_path = self.folder / GENERATION_FILE
        self.lookup_path = self.folder / lookup.LOOKUP_FILE
        self._expansions: tuple[tuple[int, int], EntityTable] | None = None
        self.corrections_path = self.folder / CORRECTIONS_FILE
        self._table: EntityTable | None = None
        self._table_stamp: tuple[int, int] | None = None

    def exists(self) -> bool:
        return self.table_path.exists()

    def saved_lines(self, token: str) -> SavedLines | None:
        """The saved table and its expansion subset when made with the partition ``token``:
        what an update patches (``patching``), when the generation tag vouches for them (it
        holds their sizes and checksums as written)."""
        tag = self._tag()
        sums = None if tag is None else tag.get("files")
        if not isinstance(sums, dict):
            return None
        return SavedLines.read(self.table_path, self.expansions_path, token, sums)

    def stored_generation(self) -> int | None:
        """The index generation the saved table describes (compare with the manifest's); None if none.

        Read from a small tag written after the table, and checked against the stored mentions'
        manifest and file sizes (a few hundred stat calls, a millisecond or two).
        """
        tag = self._tag()
        return None if tag is None else tag.get("generation")

    def _tag(self) -> dict[str, Any] | None:
        """The generation tag, when the table and the stored mentions are those it was written with."""
        if not self.table_path.exists():
            return None
        try:
            tag = json.loads(self.generation_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(tag, dict) or tag.get("mentions") != MENTIONS_VERSION:
            return None  # written beside mentions of another format: rebuilt from the index
        shards = ShardFolder.open(self.mentions_dir)
        if tag.get("mentions_save") != shards.save_id or not shards.intact():
            return None  # the stored mentions were lost or damaged since: an update would lack them
        return tag

    def begin(self) -> EntityUpdate:
        try:
            return EntityUpdate(self, MentionStore.load(self.mentions_dir))
        except MentionsDamaged:
            self.mark_stale()
            return EntityUpdate(self, MentionStore(), damaged=True)

    def mark_stale(self) -> None:
        """Say the table no longer describes the index (its stored mentions proved damaged): the
        index run rebuilds it from every article (``stored_generation`` is None from now on)."""
        with contextlib.suppress(FileNotFoundError):
            self.generation_path.unlink()

    def rebuild(self, articles: Iterable[Article], generation: int | None = None) -> EntityTable:
        """Extract every article afresh (after a crash, or when the stored mentions are missing)."""
        update = EntityUpdate(self, MentionStore(spill_dir=self.mentions_dir))
        for article in articles:
            update.add(article)
        return update.commit(generation)

    def recluster(self) -> EntityTable:
        """Cluster the stored mentions again (after a correction), without extracting anything.

        Raises ``MentionsDamaged`` when their state cannot be read; a shard found damaged
        while clustering marks the table stale instead (``EntityUpdate``), which is returned
        as it was."""
        with no_gc():  # as an index run (``search.gcpause``): every stored mention is alive here
            return EntityUpdate(self, MentionStore.load(self.mentions_dir)).commit(self.stored_generation())

    def table(self) -> EntityTable:
        """The saved table (cached until the file changes); empty when none was built yet."""
        try:
            stat = self.table_path.stat()
        except FileNotFoundError:
            return EntityTable.empty()
        stamp = (stat.st_mtime_ns, stat.st_size)
        if self._table is None or stamp != self._table_stamp:
            try:
                self._table = EntityTable.load(self.table_path, StoredNames(self.mentions_dir))
            except FileNotFoundError:
                return EntityTable.empty()
            self._table_stamp = stamp
        return self._table

    def expansions(self) -> EntityTable:
        """The multi-spelling entities only (what search expansion needs), cached by file stamp.

        Falls back to the full table when the small file is missing (a table saved by an
        older version)."""
        try:
            stat = self.expansions_path.stat()
        except FileNotFoundError:
            return self.table()
        stamp = (stat.st_mtime_ns, stat.st_size)
        if self._expansions is None or self._expansions[0] != stamp:
            try:
                self._expansions = (stamp, EntityTable.load(self.expansions_path))
            except (FileNotFoundError, EntityTableError):
                return self.table()
        return self._expansions[1]

    def _delete_old_mentions(self) -> None:
        """The stored mentions of an earlier layout: rebuilt into shards, no longer read."""
        for name in OLD_MENTIONS_FILES:
            with contextlib.suppress(OSError):
                (self.folder / name).unlink()

    def _forget(self) -> None:
        self._table = None
        self._table_stamp = None
        self._expansions = None

    def _remember_expansions(self, expansions: EntityTable) -> None:
        """Keep the expansion table just saved (made whole), as ``expansions`` would load it: a
        search process that finds no look-up file for it makes one from it, and reading back
        the file just written took 1-3 s at 100,000 articles. A patched subset is not kept:
        its look-up file is patched with it, and the subset is read only if that one is lost."""
        try:
            stat = self.expansions_path.stat()
        except OSError:
            return
        self._expansions = ((stat.st_mtime_ns, stat.st_size), expansions)

    def corrections(self) -> Corrections:
        return Corrections.load(self.corrections_path)

    def merge(self, a: str, b: str) -> tuple[Correction, EntityTable]:
        """Record that ``a`` and ``b`` (spellings or entity ids) are one entity, and re-cluster."""
        return self._correct(MERGE, a, b)

    def split(self, a: str, b: str) -> tuple[Correction, EntityTable]:
        """Record that spellings ``a`` and ``b`` are different entities, and re-cluster."""
        return self._correct(SPLIT, a, b)

    def _correct(self, op: str, a: str, b: str) -> tuple[Correction, EntityTable]:
        table = self.table()
        for name in (a, b):
            if len(table) and not table.lookup(name):
                raise ValueError(f"{name!r} names no entity of this index; `explorer entities` lists them")
        corrections = self.corrections()
        short = op == SPLIT
        correction = corrections.record(op, a, b, table.key_of(a, short), table.key_of(b, short))
        corrections.save(self.corrections_path)
        if self._tag() is None:
            return correction, table  # not in step with the index: its next run rebuilds it, corrected
        try:
            return correction, self.recluster()
        except MentionsDamaged:
            self.mark_stale()
            return correction, table


__all__ = ["EntityIndex", "EntityTableError", "EntityUpdate", "MentionStore", "MentionsDamaged"]
