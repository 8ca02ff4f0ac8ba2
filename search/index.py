"""The Whoosh index on disk: schema, incremental updates, locking, manifest.

Why it is safe to interrupt: Whoosh writes new segment files and then
renames a new table of contents into place, so readers see either the old
index or the new one, never half of a commit. Our manifest (which file gave
which articles) is written after the commit, with the index generation it
describes; if a crash lands between the two, the manifest is rebuilt from the
fields stored with each document, so it can never disagree with the index.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import pickle
import shutil
import struct
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whoosh import index as whoosh_index
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.index import LockError

from . import turns
from .analysis import exact_analyzer, name_words, stemming_analyzer
from .atomic import read_json, write_json_atomic
from .corpus import CorpusFile, Warn, file_digest, list_files, read_articles
from .dates import to_datetime
from .derived import DerivedUpdate, derived_tables
from .gcpause import collect_young, no_gc
from .models import Article, CorpusWarning, IndexStatus, IndexSummary, ProgressCallback
from .variants import SavedCounts, Vocabulary, WordStats

if TYPE_CHECKING:
    from .segments import FilePlan

SCHEMA_VERSION = 2
WHOOSH_DIR = "whoosh"
MANIFEST = "manifest.json"
# What a search needs of the manifest (generation, file signatures, article count), beside it:
# the manifest holds every article id, 20 MB at 1,000,000 headlines, and parsing it was half
# of `explorer search`'s wall time there (``ManifestHead``).
MANIFEST_HEAD = "manifest.head.json"
VOCABULARY = "vocabulary.json"
# Word counts per Whoosh segment: segments never change once written (deletions only mark
# documents), so after an update only the new segment's words are read, not the lexicon.
SEGMENT_VOCABULARIES = "vocabulary.segments"  # one JSON file per segment id
WRITER_LOCK = "writer.lock"
# From this many articles in one run, write them with search.segments (one process per core)
# instead of Whoosh's writer: forking and re-reading cost little next to analysing them.
PARALLEL_ARTICLES = 1000


# What Whoosh raises on a damaged or foreign table of contents: its own IndexError for "Index
# was created on different architecture" (IndexVersionError too), struct and pickle errors for
# bytes that do not decode. `explorer index` rebuilds an index that raises one of these.
UNREADABLE_INDEX = (
    whoosh_index.EmptyIndexError,
    whoosh_index.IndexError,
    OSError,
    EOFError,
    ValueError,
    IndexError,
    struct.error,
    pickle.UnpicklingError,
)


class IndexError_(Exception):
    """An index problem explained in one line for the user."""


class IndexBusy(IndexError_):
    pass


class IndexReadOnly(IndexError_):
    pass


class IndexMissing(IndexError_):
    pass


class IndexCorrupt(IndexError_):
    pass


def build_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        file=ID(stored=True),
        filesig=STORED(),
        source=ID(stored=True, analyzer=_source_analyzer()),
        date=DATETIME(stored=True, sortable=True),
        title=TEXT(analyzer=stemming_analyzer(), stored=True, field_boost=2.0),
        body=TEXT(analyzer=stemming_analyzer()),
        exact=TEXT(analyzer=exact_analyzer()),
        names=KEYWORD(),  # words seen capitalised mid-sentence: tells names from common words
        text=STORED(),
        url=STORED(),
        meta=STORED(),
        datestr=STORED(),
    )


def _source_analyzer():  # type: ignore[no-untyped-def]
    from whoosh.analysis import IDTokenizer, LowercaseFilter

    return IDTokenizer() | LowercaseFilter()


@dataclass
class FileRecord:
    signature: str  # size:mtime_ns
    digest: str
    ids: list[str] = field(default_factory=list)
    # The line each id starts on, for row files (empty for one-article files and for
    # manifests older than this field): a later duplicate of an id can then say where
    # the first one is.
    lines: list[int] = field(default_factory=list)
    # Ids this file also holds that were skipped as duplicates: when the article that has
    # such an id goes away, this file must be read again to give it back, as a fresh
    # build would.
    duplicates: list[str] = field(default_factory=list)

    def located(self) -> Iterator[tuple[str, int | None]]:
        """Each id with its line, or None where the line is not known."""
        if len(self.lines) == len(self.ids):
            return zip(self.ids, self.lines, strict=True)
        return ((article_id, None) for article_id in self.ids)


@dataclass(frozen=True)
class ManifestHead:
    """The manifest without its article ids: enough to tell whether the index is up to date."""

    generation: int
    built_at: str | None
    signatures: dict[str, str]  # file -> signature
    articles: int


@dataclass
class Manifest:
    generation: int = -1
    built_at: str | None = None
    corpus: str = ""
    files: dict[str, FileRecord] = field(default_factory=dict)

    @property
    def articles(self) -> int:
        return sum(len(record.ids) for record in self.files.values())

    def head(self) -> ManifestHead:
        signatures = {path: record.signature for path, record in self.files.items()}
        return ManifestHead(self.generation, self.built_at, signatures, self.articles)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA_VERSION,
            "generation": self.generation,
            "built_at": self.built_at,
            "corpus": self.corpus,
            "files": {
                k: [v.signature, v.digest, v.ids, v.lines, v.duplicates] for k, v in self.files.items()
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        files = {
            k: FileRecord(v[0], v[1], list(v[2]), *(list(extra) for extra in v[3:5]))
            for k, v in data.get("files", {}).items()
        }
        return cls(data.get("generation", -1), data.get("built_at"), data.get("corpus", ""), files)


def _file_identity(path: Path) -> list[int]:
    """[device, inode, size, modification and change times in ns]: every atomic write of the
    file (a rename of a new file, made while the old one still exists) changes the inode, and
    no one can set the change time back; OSError when the file is missing."""
    info = path.stat()
    return [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]


@contextlib.contextmanager
def writer_lock(index_dir: Path) -> Iterator[None]:
    """One writer at a time; the second is told at once instead of waiting.

    flock locks die with their process, so a killed indexer never leaves a
    stale lock behind.
    """
    path = index_dir / WRITER_LOCK
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+")
    except OSError as error:
        raise IndexReadOnly(
            f"index {index_dir} cannot be written ({error.strerror}); searching it works, "
            "updating it needs write access (or pass --index DIR for a copy of your own)"
        ) from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno in (errno.EAGAIN, errno.EACCES):
                handle.seek(0)
                holder = handle.read().strip()
                who = f" (pid {holder})" if holder else ""
                raise IndexBusy(
                    f"index {index_dir} is being updated by another process{who}; "
                    "try again when it has finished"
                ) from None
            raise
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()


class IndexStore:
    """An index folder: the Whoosh index plus the manifest that makes updates incremental."""

    def __init__(self, index_dir: Path, corpus: Path) -> None:
        self.index_dir = index_dir
        self.corpus = corpus
        self.whoosh_dir = index_dir / WHOOSH_DIR
        self.derived = derived_tables(index_dir)

    # -- reading -------------------------------------------------------------

    def exists(self) -> bool:
        if not self.whoosh_dir.is_dir():
            return False
        try:
            return whoosh_index.exists_in(str(self.whoosh_dir))  # it reads the table of contents
        except UNREADABLE_INDEX:
            return True  # there, but damaged: open() says so, and `explorer index` rebuilds it

    def open(self) -> whoosh_index.Index:
        if not self.exists():
            raise IndexMissing(f"no index in {self.index_dir}; run `explorer index` first")
        try:
            ix = whoosh_index.open_dir(str(self.whoosh_dir))
        except UNREADABLE_INDEX as error:
            raise IndexCorrupt(
                f"index {self.index_dir} cannot be read ({error}); `explorer index` with the same "
                "--corpus and --index rebuilds it (or delete that folder)"
            ) from None
        if set(ix.schema.names()) != set(build_schema().names()):
            raise IndexCorrupt(
                f"index {self.index_dir} was built by another version; run `explorer index` to rebuild it"
            )
        return ix

    def generation(self) -> int:
        if not self.exists():
            return -1
        ix = self.open()
        try:
            return ix.latest_generation()
        finally:
            ix.close()

    def vocabulary(self, reader: Any, generation: int) -> Vocabulary:
        """The index's vocabulary: from the cache when it matches ``generation``, else from
        the lexicon (and cached, when the folder is writable)."""
        path = self.index_dir / VOCABULARY
        cached = Vocabulary.load(path, generation)
        if cached is not None:
            return cached
        vocabulary = self._vocabulary_by_segment(reader)
        with contextlib.suppress(OSError):
            vocabulary.save(path, generation)
        return vocabulary

    def _vocabulary_by_segment(
        self,
        reader: Any,
        fresh: dict[str, dict[str, list[int]]] | None = None,
        saved: frozenset[str] = frozenset(),
    ) -> Vocabulary:
        """The vocabulary as ``Vocabulary.from_reader`` reads it (Whoosh sums a word's document
        counts over segments), from per-segment counts kept beside the index.

        ``fresh``: counts of segments just written, known without reading them; ``saved``:
        the ids of those whose file the writer processes wrote already.
        """
        segments = _segments(reader)
        made = dict(fresh or {})
        current = [self._counts(segment_id, leaf, made) for segment_id, leaf in segments]
        self._save_made_counts(segments, made, saved)
        self._delete_gone_counts(segments)
        ids = [segment_id for segment_id, _leaf in segments]
        if len(current) == 1:
            return Vocabulary({word: WordStats(a, c) for word, (a, c) in current[0].items()}, segments=ids)
        totals: dict[str, list[int]] = {}
        for counts in current:
            _add_counts(totals, counts, 1)
        return Vocabulary({word: WordStats(*totals[word]) for word in sorted(totals)}, segments=ids)

    def _save_vocabulary(
        self,
        reader: Any,
        generation: int,
        fresh: dict[str, dict[str, list[int]]],
        saved: frozenset[str],
    ) -> None:
        """Write the vocabulary cache of the index just committed: the last cache with the
        counts of the segments gone taken away and those of the segments new added, when it
        says which segments it summed (``variants.SavedCounts``); else summed afresh."""
        path = self.index_dir / VOCABULARY
        cache = SavedCounts.read(path)
        segments = _segments(reader)
        if cache is not None and segments:
            made = dict(fresh)
            before = set(cache.segments)
            now = {segment_id for segment_id, _leaf in segments}
            changes: dict[str, list[int]] = {}
            try:
                for segment_id, leaf in segments:
                    if segment_id not in before:
                        _add_counts(changes, self._counts(segment_id, leaf, made), 1)
                gone = [self._saved_counts(segment_id) for segment_id in sorted(before - now)]
                for counts in gone:
                    if counts is None:  # its counts were never kept: sum afresh
                        raise ValueError
                    _add_counts(changes, counts, -1)
                patched = cache.apply(changes, [segment_id for segment_id, _leaf in segments])
            except (TypeError, ValueError):  # a segment's kept counts are not counts
                patched = False
            if patched:
                self._save_made_counts(segments, made, saved)
                with contextlib.suppress(OSError):
                    cache.save(path, generation)
                self._delete_gone_counts(segments)  # after the cache no longer names them
                return
        vocabulary = self._vocabulary_by_segment(reader, fresh, saved)
        with contextlib.suppress(OSError):
            vocabulary.save(path, generation)

    def _counts(
        self, segment_id: str, leaf: Any, made: dict[str, dict[str, list[int]]]
    ) -> dict[str, list[int]]:
        """One segment's word counts: made in this run, kept beside the index, or read from the
        segment's term table now (and added to ``made``, to be kept)."""
        counts = made.get(segment_id)
        if counts is None:
            counts = self._saved_counts(segment_id)
        if counts is None:
            counts = made[segment_id] = _segment_vocabulary(leaf)
        return counts

    def _saved_counts(self, segment_id: str) -> dict[str, list[int]] | None:
        path = self.index_dir / SEGMENT_VOCABULARIES / f"{segment_id}.json"
        try:
            counts = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return counts if isinstance(counts, dict) else None

    def _save_made_counts(
        self, segments: list[tuple[str, Any]], made: dict[str, dict[str, list[int]]], saved: frozenset[str]
    ) -> None:
        """Keep the counts made in this run of the index's segments (unless the writer
        processes kept them already)."""
        present = {segment_id for segment_id, _leaf in segments}
        for segment_id, counts in made.items():
            if segment_id in present and segment_id not in saved:
                self._save_segment_vocabulary(segment_id, counts)

    def _delete_gone_counts(self, segments: list[tuple[str, Any]]) -> None:
        """Delete the kept counts of segments the index no longer holds."""
        present = {f"{segment_id}.json" for segment_id, _leaf in segments}
        with contextlib.suppress(OSError):
            for old in (self.index_dir / SEGMENT_VOCABULARIES).glob("*.json"):
                if old.name not in present:
                    old.unlink()

    def _save_segment_vocabulary(self, segment_id: str, counts: dict[str, list[int]]) -> None:
        """Save one new segment's word counts (run by a writer process, beside the others)."""
        with contextlib.suppress(OSError):  # a cache: a missing file is read from the segment
            write_json_atomic(
                self.index_dir / SEGMENT_VOCABULARIES / f"{segment_id}.json", counts, durable=False
            )

    def load_manifest(self) -> Manifest:
        path = self.index_dir / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return Manifest()
        if data.get("schema") != SCHEMA_VERSION:
            return Manifest()
        return Manifest.from_json(data)

    def load_head(self) -> ManifestHead:
        """``load_manifest().head()``, from the small file written beside the manifest when it
        still describes the manifest on disk (``_saved_head``), else from the manifest itself."""
        data = self._saved_head()
        if data is not None and data.get("schema") == SCHEMA_VERSION:
            try:
                signatures = data["files"]
                if isinstance(signatures, dict) and all(type(v) is str for v in signatures.values()):
                    return ManifestHead(
                        int(data["generation"]), data["built_at"], signatures, int(data["articles"])
                    )
            except (KeyError, TypeError, ValueError):
                pass
        path = self.index_dir / MANIFEST
        try:
            before = _file_identity(path)
        except OSError:
            return Manifest().head()
        manifest = self.load_manifest()
        head = manifest.head()
        with contextlib.suppress(OSError):
            # Kept for the next search (an index written by a version that wrote no head, or
            # a head lost), unless a writer replaced the manifest while it was read.
            if manifest.generation >= 0 and _file_identity(path) == before:
                self._write_head(head, before)
        return head

    def _saved_head(self) -> dict[str, Any] | None:
        """The head file's content when it describes the manifest on disk (the same file:
        ``_file_identity``); None when missing, unreadable, or describing another (a run that
        died between the two writes, or a version that wrote no head, left it)."""
        try:
            data = read_json(self.index_dir / MANIFEST_HEAD)
            if isinstance(data, dict) and data.get("manifest") == _file_identity(self.index_dir / MANIFEST):
                return data
        except (OSError, ValueError):
            pass
        return None

    def _save_manifest(self, manifest: Manifest) -> None:
        """The manifest, then its head."""
        path = self.index_dir / MANIFEST
        write_json_atomic(path, manifest.to_json())
        with contextlib.suppress(OSError):
            self._write_head(manifest.head(), _file_identity(path))

    def _write_head(self, head: ManifestHead, identity: list[int]) -> None:
        """The head of the manifest file of that ``identity``: a cache, checked against the
        manifest whenever read, so it needs no fsync and a failed write loses nothing."""
        write_json_atomic(
            self.index_dir / MANIFEST_HEAD,
            {
                "schema": SCHEMA_VERSION,
                "manifest": identity,
                "generation": head.generation,
                "built_at": head.built_at,
                "articles": head.articles,
                "files": head.signatures,
            },
            durable=False,
        )

    def status(self, check: bool = False) -> IndexStatus:
        head = self.load_head()
        stale = None
        if check and self.exists():
            stale = len(self.changed_files(head.signatures, lambda _w: None))
        return IndexStatus(
            corpus=str(self.corpus),
            index_dir=str(self.index_dir),
            articles=head.articles,
            built_at=head.built_at,
            exists=self.exists(),
            stale_files=stale,
        )

    def changed_files(self, signatures: dict[str, str], warn: Warn) -> list[str]:
        """Relative paths that were added, changed (by size or mtime) or removed since the
        manifest whose file ``signatures`` (``ManifestHead.signatures``) are given."""
        files = list_files(self.corpus, warn)
        seen = {f.relpath for f in files}
        changed = [f.relpath for f in files if signatures.get(f.relpath) != f.signature]
        return changed + [path for path in signatures if path not in seen]

    # -- writing -------------------------------------------------------------

    def update(self, warn: Warn, progress: ProgressCallback | None = None) -> IndexSummary:
        """Bring the index up to date with the corpus, touching only what changed."""
        started = time.perf_counter()
        # The cyclic collector stays off for the run: an update holds every stored entity
        # mention (millions of small tuples at 100,000 articles), which each collection walked
        # again (12-15% of updating Reuters-21578 by 10 articles). They hold no cycles, and a
        # whole build's peak memory is the same without it. What the run leaves alive (the
        # tables and caches of the new index version) is frozen before the collector is back
        # (``lasting``), else its first collection walks it all with the GIL held.
        with writer_lock(self.index_dir), no_gc(lasting=True):
            ix, manifest = self._open_for_writing()
            warnings = skipped = 0

            def counting_warn(warning: CorpusWarning) -> None:
                nonlocal warnings, skipped
                warnings += 1
                skipped += warning.skipped
                warn(warning)

            files = list_files(self.corpus, counting_warn)
            to_read: list[tuple[CorpusFile, str]] = []
            new_files: dict[str, FileRecord] = {}
            for file in files:
                old = manifest.files.get(file.relpath)
                if old and old.signature == file.signature:
                    new_files[file.relpath] = old
                    continue
                try:
                    digest = file_digest(file.path)
                except OSError as error:
                    counting_warn(
                        CorpusWarning(file.relpath, f"cannot read file ({error.strerror}); skipped")
                    )
                    if old:
                        new_files[file.relpath] = old  # keep what we had rather than lose it
                    continue
                if old and old.digest == digest:
                    new_files[file.relpath] = replace(old, signature=file.signature)
                    continue
                to_read.append((file, digest))
            present = {f.relpath for f in files}
            removed_files = [path for path in manifest.files if path not in present]
            to_read += _holders_of_released_ids(manifest, files, new_files, to_read, removed_files)
            unchanged = sum(len(record.ids) for record in new_files.values())
            self._repair_derived(ix, manifest)
            if not to_read and not removed_files:
                if new_files != manifest.files:  # only mtimes moved: remember them
                    manifest.files = new_files
                    self._save_manifest(manifest)
                elif self.load_head() != manifest.head():
                    # A head taken for this manifest's though it is not (it sent the search
                    # here, and would again at every search): written again from the manifest.
                    with contextlib.suppress(OSError):
                        self._write_head(manifest.head(), _file_identity(self.index_dir / MANIFEST))
                ix.close()
                return IndexSummary(
                    unchanged=unchanged,
                    warnings=warnings,
                    skipped=skipped,
                    seconds=time.perf_counter() - started,
                    articles=manifest.articles,
                )
            said: set[tuple[str, str, int | None]] = set()

            def first_warn(warning: CorpusWarning) -> None:
                said.add((warning.path, warning.message, warning.line))
                counting_warn(warning)

            def retry_warn(warning: CorpusWarning) -> None:
                if (warning.path, warning.message, warning.line) not in said:
                    counting_warn(warning)

            from .segments import CorpusChanged

            try:
                summary = self._write(
                    ix, manifest, dict(new_files), to_read, removed_files, first_warn, progress
                )
            except CorpusChanged:
                # A file changed or vanished between this process's read and the writer
                # processes' read; nothing was committed. Read and write it all here instead.
                summary = self._write(
                    ix,
                    manifest,
                    dict(new_files),
                    to_read,
                    removed_files,
                    retry_warn,
                    progress,
                    parallel=False,
                )
            return IndexSummary(
                added=summary[0],
                updated=summary[1],
                removed=summary[2],
                unchanged=unchanged + summary[4],  # with the changed files' articles left as they were
                warnings=warnings,
                skipped=skipped,
                seconds=time.perf_counter() - started,
                articles=summary[3],
            )

    def _schema_changed(self) -> bool:
        """True when the manifest was written by a version that analysed text differently."""
        head = self._saved_head()
        if head is not None:
            return head.get("schema") != SCHEMA_VERSION
        try:
            data = json.loads((self.index_dir / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False  # no manifest: recover it from the index instead
        return data.get("schema") != SCHEMA_VERSION

    def _open_for_writing(self) -> tuple[whoosh_index.Index, Manifest]:
        fresh = not self.exists() or self._schema_changed()
        if not fresh:
            try:
                ix = self.open()
            except IndexCorrupt:
                fresh = True
        if fresh:
            if self.whoosh_dir.exists():
                shutil.rmtree(self.whoosh_dir)
            self.whoosh_dir.mkdir(parents=True)
            ix = whoosh_index.create_in(str(self.whoosh_dir), build_schema())
            return ix, Manifest(corpus=str(self.corpus))
        manifest = self.load_manifest()
        if manifest.generation != ix.latest_generation():
            manifest = self._manifest_from_index(ix)
            # Saved now, not only by a run that changes something: until then every search
            # found the derived tables out of step with it and repaired them again.
            self._save_manifest(manifest)
        return ix, manifest

    def repair_derived(self) -> None:
        """Bring derived tables back in step with the index without reading the corpus."""
        with writer_lock(self.index_dir):
            ix, manifest = self._open_for_writing()
            try:
                self._repair_derived(ix, manifest)
            finally:
                ix.close()

    def _repair_derived(self, ix: whoosh_index.Index, manifest: Manifest) -> None:
        """Rebuild any derived table that does not describe the index's current generation
        (a run that died after the Whoosh commit, or an index older than the table)."""
        stale = [t for t in self.derived if t.stored_generation() != manifest.generation]
        if not stale or manifest.generation < 0:
            return
        with ix.searcher() as searcher:
            articles = [article_from_fields(fields) for fields in searcher.all_stored_fields()]
        for table in stale:
            table.rebuild(articles, manifest.generation)

    def _manifest_from_index(self, ix: whoosh_index.Index) -> Manifest:
        """Recover the manifest from stored fields after a crash between commit and manifest write."""
        manifest = Manifest(generation=ix.latest_generation(), corpus=str(self.corpus))
        with ix.searcher() as searcher:
            for fields in searcher.all_stored_fields():
                signature, digest = fields["filesig"]
                record = manifest.files.setdefault(fields["file"], FileRecord(signature, digest))
                record.ids.append(fields["id"])
        return manifest

    def _write(
        self,
        ix: whoosh_index.Index,
        manifest: Manifest,
        new_files: dict[str, FileRecord],
        to_read: list[tuple[CorpusFile, str]],
        removed_files: list[str],
        warn: Warn,
        progress: ProgressCallback | None,
        parallel: bool = True,
    ) -> tuple[int, int, int, int, int]:
        """Write one run; ``parallel=False`` keeps every article in this process (the retry
        after the corpus changed under the writer processes)."""
        from . import segments  # imported here: searching never needs it

        try:
            # Plain (not compound) segment files: Whoosh copies a compound file's parts into
            # memory when it opens them, which made every search start-up read the whole index.
            writer = ix.writer(limitmb=128, compound=False)
        except LockError:
            raise IndexBusy(f"index {self.index_dir} is being updated by another process") from None
        collect_young()  # the writer left a reference cycle through this frame (see there)
        added = updated = removed = same = 0
        fresh_vocabularies: dict[str, dict[str, list[int]]] = {}
        try:
            # The derived tables load their stored state (all entity mentions) only once the
            # writer processes have been forked, so that they do not inherit (and, as Python
            # touches every object, copy) it.
            updates: list[DerivedUpdate] = []
            old_ids: set[str] = set()
            for path in removed_files:
                old_ids.update(manifest.files[path].ids)
                writer.delete_by_term("file", path)
            rewritten: list[str] = []  # files indexed before: their documents go once read
            for file, _digest in to_read:
                if file.relpath in manifest.files:
                    old_ids.update(manifest.files[file.relpath].ids)
                    rewritten.append(file.relpath)
            # Each id taken so far, with the file and line that gave it.
            taken = {i: (path, line) for path, record in new_files.items() for i, line in record.located()}
            # Writer processes add segments without merging any; Whoosh's writer merges small
            # ones. So a run that is small next to the index it joins (one edited file of
            # 1,000 articles in 100,000) goes through Whoosh's writer and keeps the index
            # in few segments; a first build or a large addition uses every core.
            threshold = max(PARALLEL_ARTICLES, len(taken) // 2)
            # Read every changed file once, here, for ids, duplicates and warnings. A small
            # batch keeps its articles and goes through Whoosh's own writer (which also merges
            # small segments); a large one is written by one process per core (search.segments),
            # which read their slices again.
            plan: list[FilePlan] = []
            kept: list[tuple[Article, CorpusFile, str]] | None = []
            for number, (file, digest) in enumerate(to_read, start=1):
                item = segments.FilePlan(file, digest)
                lines: list[int | None] = []
                duplicates: list[str] = []
                for article in read_articles(file, self.corpus, warn):
                    if article.id in taken:
                        warn(_duplicate_warning(article, *taken[article.id]))
                        duplicates.append(article.id)
                        continue
                    taken[article.id] = (file.relpath, article.line)
                    item.ids.append(article.id)
                    lines.append(article.line)
                    if kept is not None:
                        kept.append((article, file, digest))
                        if parallel and len(kept) >= threshold and segments.supported(ix):
                            kept = None  # the workers read them again
                    if article.id in old_ids:
                        updated += 1
                        old_ids.discard(article.id)
                    else:
                        added += 1
                plan.append(item)
                if progress:
                    progress(number, len(to_read), "reading")
                known = [line for line in lines if line is not None]
                new_files[file.relpath] = FileRecord(
                    file.signature,
                    digest,
                    item.ids,
                    known if len(known) == len(lines) else [],
                    sorted(set(duplicates)),
                )
            if kept is None:  # the writer processes index every article of these files again
                for path in rewritten:
                    writer.delete_by_term("file", path)
            else:
                kept, same = _keep_unchanged(writer, rewritten, kept)
                updated -= same  # counted as updated while read: their documents stay instead
            if kept is not None:
                updates = [table.begin() for table in self.derived]
                done_files = 0
                for position, (article, file, digest) in enumerate(kept):
                    writer.add_document(**_document(article, file, digest))
                    for derived in updates:
                        derived.add(article)
                    if progress and (position + 1 == len(kept) or kept[position + 1][1] is not file):
                        done_files += 1
                        progress(done_files, len(plan), "writing")
                if progress and done_files < len(plan):
                    progress(len(plan), len(plan), "writing")  # files that gave no article
                finalsegments = None
            else:

                def begun() -> list[DerivedUpdate]:
                    """The derived tables' updates, begun when first needed (after the fork)."""
                    if not updates:
                        updates.extend(table.begin() for table in self.derived)
                    return updates

                def take(prepared: list[list[Any]]) -> None:
                    """The derived tables take each piece of per-article results as it comes."""
                    for derived, payloads in zip(begun(), prepared, strict=True):
                        for payload in payloads:
                            derived.add_prepared(payload)
                        payloads.clear()  # the table holds them now; let them go with it

                def derive() -> None:
                    """Runs while the writer processes are still writing: the derived tables
                    do their corpus-wide work, and write their files, meanwhile. Only renames
                    are left for after the commit."""
                    for derived in begun():
                        for article_id in old_ids:
                            derived.remove(article_id)
                        derived.precompute(writer.generation)  # what the commit will be

                new_segments, fresh_vocabularies = segments.write_parallel(
                    ix,
                    plan,
                    self.corpus,
                    _document,
                    [table.prepare for table in self.derived],
                    take,
                    derive,
                    procs=segments.cpu_count(),
                    progress=(lambda done, total: progress(done, total, "writing")) if progress else None,
                    save_vocabulary=self._save_segment_vocabulary,
                )
                finalsegments = new_segments
            removed = len(old_ids)
            if finalsegments is None:
                for article_id in old_ids:
                    for derived in updates:
                        derived.remove(article_id)
                writer.commit(optimize=False)
            else:
                _commit_segments(writer, finalsegments)
        except BaseException:
            for derived in updates:
                derived.discard()
            if not writer.is_closed:
                writer.cancel()
            raise
        manifest.files = new_files
        manifest.generation = ix.latest_generation()
        manifest.built_at = datetime.now(UTC).isoformat(timespec="seconds")
        self._save_manifest(manifest)
        if progress and updates:
            progress(0, 0, "entities")
        for derived in updates:
            derived.publish(manifest.generation)
        # Let go of the derived tables' state (every stored entity mention) here, by reference
        # counting, before the vocabulary is read: it need not be held beside it.
        updates.clear()
        derived = None  # the loops above leave the last table update here
        turns.let_go(taken, plan, kept or [])
        del taken, kept, plan
        # A table whose stored state proved damaged during the run is rebuilt from the index now.
        self._repair_derived(ix, manifest)
        with ix.reader() as reader:
            self._save_vocabulary(
                reader, manifest.generation, fresh_vocabularies, frozenset(fresh_vocabularies)
            )
        ix.close()
        return added, updated, removed, manifest.articles, same


def _keep_unchanged(
    writer: Any, paths: list[str], kept: list[tuple[Article, CorpusFile, str]]
) -> tuple[list[tuple[Article, CorpusFile, str]], int]:
    """Delete the documents of the changed files ``paths``, except those of articles read
    again exactly as stored (same id, file and fields); return the articles still to index
    and how many documents stayed.

    Why: an edit of 10 articles in a file of 1,000 indexed all 1,000 again, and Whoosh's
    analysis and commit of them were most of that update at 100,000 articles (6 of 13 s).
    A kept document differs only in the file signature it stores, which only the recovery
    of a lost manifest reads (``_manifest_from_index``: a file whose signature then looks
    changed is read again)."""
    if not paths:
        return kept, 0
    searcher = writer.searcher()  # the writer's own: the document numbers it deletes by
    stored: dict[str, tuple[int, tuple[Any, ...]]] = {}
    doomed: set[int] = set()
    for path in paths:
        for docnum in searcher.document_numbers(file=path):
            fields = searcher.stored_fields(docnum)
            stored[fields["id"]] = (docnum, _stored_content(article_from_fields(fields)))
            doomed.add(docnum)
    still = []
    for item in kept:
        article, file, _digest = item
        found = stored.get(article.id)
        if (
            found is not None
            and found[0] in doomed
            and found[1] == _stored_content(replace(article, path=file.relpath))
        ):
            doomed.discard(found[0])
            continue
        still.append(item)
    for docnum in sorted(doomed):
        writer.delete_document(docnum)
    return still, len(kept) - len(still)


def _stored_content(article: Article) -> tuple[Any, ...]:
    """What a document stores of an article (``_document``; the rest is derived from it)."""
    return (
        article.id,
        article.path,
        article.source,
        article.title,
        article.text,
        article.date,
        article.url,
        article.meta or {},
    )


def _holders_of_released_ids(
    manifest: Manifest,
    files: list[CorpusFile],
    unchanged: dict[str, FileRecord],
    to_read: list[tuple[CorpusFile, str]],
    removed_files: list[str],
) -> list[tuple[CorpusFile, str]]:
    """Unchanged files to read again because an id they hold, skipped there as a duplicate,
    belonged to a file that is now removed or changed: the id may be free, and a fresh
    build would index it from them. They leave ``unchanged`` (so their own ids are not
    taken) and are read after the changed files, so an id still held there stays there."""
    gone = removed_files + [file.relpath for file, _digest in to_read if file.relpath in manifest.files]
    released = {i for path in gone for i in manifest.files[path].ids}
    if not released:
        return []
    again = []
    for file in files:
        record = unchanged.get(file.relpath)
        if record and not released.isdisjoint(record.duplicates):
            again.append((file, record.digest))
            del unchanged[file.relpath]
    return again


def _duplicate_warning(article: Article, first_path: str, first_line: int | None) -> CorpusWarning:
    """The warning for an id seen before: the skipped row's file and line, and where the
    id was first seen (its line too when known), so both rows can be found."""
    first = f"{first_path}:{first_line}" if first_line is not None else first_path
    return CorpusWarning(
        article.path, f"duplicate id {article.id!r} (first seen in {first}); skipped", article.line
    )


def _commit_segments(writer: Any, new_segments: list[Any]) -> None:
    """Commit segments written by other processes alongside the writer's existing ones.

    What ``MpWriter`` does at its end: the existing segments (with this run's
    deletions) are kept as they are, the new ones appended in article order, and
    one new table of contents renamed into place, so the commit stays atomic.
    """
    try:
        existing = writer._merge_segments(None, False, False)
        writer._close_segment()
        writer._commit_toc(list(existing) + list(new_segments))
    finally:
        writer._finish()


def _segments(reader: Any) -> list[tuple[str, Any]]:
    """(segment id, its reader) of each segment of the index, in the reader's order (an index
    without segments, where no article gave any text, has none)."""
    found = []
    for leaf, _offset in reader.leaf_readers():
        segment = leaf.segment()
        if segment is not None:
            found.append((segment.segment_id(), leaf))
    return found


def _add_counts(totals: dict[str, list[int]], counts: dict[str, list[int]], sign: int) -> None:
    """Add (``sign`` 1) or take away (-1) one segment's [articles, capitalised] per word."""
    for word, (articles, capitalised) in counts.items():
        total = totals.get(word)
        if total is None:
            totals[word] = [sign * articles, sign * capitalised]
        else:
            total[0] += sign * articles
            total[1] += sign * capitalised


def _segment_vocabulary(reader: Any) -> dict[str, list[int]]:
    """Word -> [articles, articles capitalising it] of one segment, read from its term table."""
    names = {term.decode("utf-8"): info.doc_frequency() for term, info in reader.iter_field("names")}
    return {
        term.decode("utf-8"): [info.doc_frequency(), names.get(term.decode("utf-8"), 0)]
        for term, info in reader.iter_field("exact")
    }


def _document(article: Article, file: CorpusFile, digest: str) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": article.id,
        "file": file.relpath,
        "filesig": (file.signature, digest),
        "source": article.source,
        "title": article.title,
        "body": article.text,
        "exact": f"{article.title}\n{article.text}",
        "names": " ".join(name_words(article.text)),
        "text": article.text,
        "url": article.url,
        "meta": article.meta or None,
        "datestr": article.date,
    }
    if article.date:
        doc["date"] = to_datetime(article.date)
    return doc


def article_from_fields(fields: dict[str, Any]) -> Article:
    return Article(
        id=fields["id"],
        source=fields.get("source", ""),
        title=fields.get("title", ""),
        text=fields.get("text", ""),
        date=fields.get("datestr"),
        url=fields.get("url"),
        path=fields.get("file", ""),
        meta=fields.get("meta") or {},
    )
