"""The one door into the engine: open a corpus, keep its index fresh, search, read.

The CLI and the TUI use only this facade, so they always agree. It returns
plain dataclasses and is safe to call from worker threads (one search runs
at a time per Explorer; Whoosh searchers are not meant to be shared).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whoosh import index as whoosh_index
from whoosh.reading import EmptyReader
from whoosh.searching import Searcher

from .broadcast import ProgressBroadcast
from .config import resolve_corpus, resolve_index_dir
from .corpus import Warn
from .deferred import Deferred
from .docsets import Allowed, DocSets
from .entity_words import EntityWords
from .firstpage import FastBM25F, SearchCancelled, Unsupported, first_page
from .gcpause import no_gc
from .highlight import find_matches, make_snippet, matched_words
from .index import (
    IndexBusy,
    IndexCorrupt,
    IndexError_,
    IndexMissing,
    IndexReadOnly,
    IndexStore,
    article_from_fields,
    writer_lock,
)
from .models import (
    Article,
    CorpusWarning,
    Hit,
    IndexStatus,
    IndexSummary,
    MatchTerms,
    ProgressCallback,
    SearchResult,
    Span,
)
from .query import QueryError, filter_bounds, make_parser, prepare

if TYPE_CHECKING:
    from .derived import EventStore
    from .entities import Correction, Entity, EntityIndex, EntityTable
    from .event_updates import Basis
    from .events import EventTable
from .variants import Vocabulary

__all__ = [
    "Explorer",
    "IndexBusy",
    "IndexCorrupt",
    "IndexError_",
    "IndexMissing",
    "QueryError",
    "SearchCancelled",
]


def _ignore(_warning: CorpusWarning) -> None:
    return None


# What ``events_table`` reports besides the derivation's own stages (``search.events.build``).
LOADING_EVENTS = "loading the saved events"
UPDATING_EVENTS = "updating events around the changed articles"
READING_ARTICLES = "reading the articles"
SAVING_EVENTS = "saving the event table"  # reported by ``flush``: a table is saved after it is handed over


class Explorer:
    def __init__(self, corpus: Path, index_dir: Path) -> None:
        self.corpus = corpus
        self.index_dir = index_dir
        self.store = IndexStore(index_dir, corpus)
        self._lock = threading.RLock()
        self._ix: whoosh_index.Index | None = None
        self._searcher: Searcher | None = None
        self._vocabulary: Vocabulary | None = None
        self._parser = None
        self._docsets: DocSets | None = None  # filter sets of the current searcher
        self._events: tuple[int, EventTable] | None = None  # the last event table and its generation
        self._events_progress = ProgressBroadcast()  # how far the event table being made got
        self._events_lock = threading.Lock()  # one event table made at a time (``_locked_events_table``)
        self._events_saves = Deferred("saving events")  # the tables made, written after they are handed over
        self._entity_words = EntityWords(index_dir, self._entity_index)

    @classmethod
    def open(cls, corpus: str | Path | None = None, index_dir: str | Path | None = None) -> Explorer:
        """An explorer on ``corpus`` (default: $EXPLORER_CORPUS, else the bundled seeds)."""
        resolved = resolve_corpus(corpus)
        if not resolved.exists():
            raise IndexError_(f"corpus {resolved} does not exist; pass --corpus PATH or set EXPLORER_CORPUS")
        return cls(resolved, resolve_index_dir(resolved, index_dir))

    @property
    def name(self) -> str:
        return self.corpus.name

    # -- the index -----------------------------------------------------------

    def status(self, check: bool = False) -> IndexStatus:
        """Article count and freshness; ``check`` compares the corpus with the manifest (stat only)."""
        return self.store.status(check=check)

    def update(self, warn: Warn = _ignore, progress: ProgressCallback | None = None) -> IndexSummary:
        """Bring the index up to date; readers keep searching the previous state meanwhile."""
        summary = self.store.update(warn, progress)
        if summary.changed:
            self._reopen()
            self._entity_words.refresh()
        return summary

    def ensure_index(
        self, warn: Warn = _ignore, progress: ProgressCallback | None = None, *, update: bool = True
    ) -> IndexSummary | None:
        """Build the index when missing; with ``update``, also refresh it when the corpus changed.

        Returns None when nothing had to be done. When another process is
        writing, or the index folder is read-only, the existing index is used
        as it is.
        """
        if self.store.exists():
            head = self.store.load_head()
            derived_ok = all(t.stored_generation() == head.generation for t in self.store.derived)
            try:
                if not derived_ok and not update:
                    self.store.repair_derived()
                    self._entity_words.refresh()
                    return None
                if not update or (derived_ok and not self.store.changed_files(head.signatures, _ignore)):
                    return None
                return self.update(warn, progress)
            except (IndexBusy, IndexReadOnly, OSError):
                return None
        return self.update(warn, progress)

    def _reopen(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
            self._searcher = None
            self._vocabulary = None

    def _current_searcher(self) -> Searcher:
        with self._lock:
            if self._ix is None:
                self._ix = self.store.open()
                self._parser = make_parser(self._ix.schema)
            if self._searcher is None:
                self._searcher = self._ix.searcher(weighting=FastBM25F())
            elif not self._searcher.up_to_date():
                old = self._searcher
                if isinstance(old.reader(), EmptyReader):
                    # an index without segments (no article yet): Whoosh cannot refresh its reader
                    old.close()
                    self._searcher = self._ix.searcher(weighting=FastBM25F())
                else:
                    self._searcher = old.refresh()
                self._vocabulary = None
            return self._searcher

    def vocabulary(self) -> Vocabulary:
        with self._lock:
            searcher = self._current_searcher()
            if self._vocabulary is None:
                self._vocabulary = self.store.vocabulary(searcher.reader(), searcher.reader().generation())
            return self._vocabulary

    def flush(self, progress: ProgressCallback | None = None) -> None:
        """Until every table this explorer made is on disk (``progress`` hears ``SAVING_EVENTS``
        first if one is still being written).

        Tables are saved in the background after they are handed over (``events_table``):
        call this before the process ends, or the next one derives them again.
        """
        if progress is not None and self._events_saves.pending():
            progress(0, 0, SAVING_EVENTS)
        self._events_saves.wait()

    def close(self) -> None:
        """Waits for the tables still being saved (``flush``), then lets go of the index."""
        try:
            self.flush()
        finally:
            with self._lock:
                if self._searcher is not None:
                    self._searcher.close()
                self._searcher = None
                self._ix = None
                self._docsets = None
                self._entity_words.close()

    # -- searching -----------------------------------------------------------

    def search(
        self,
        text: str,
        *,
        exact: bool = False,
        sources: tuple[str, ...] | list[str] = (),
        since: str | None = None,
        until: str | None = None,
        limit: int | None = 20,
        cancelled: Callable[[], bool] | None = None,
    ) -> SearchResult:
        """Ranked hits for ``text``; ``limit`` None or 0 returns every hit.

        With a ``limit``, only the first page is searched for (search/firstpage.py): when
        it is full, ``total`` is an estimate and ``total_is_estimate`` says so, because
        counting every hit exactly costs more than finding the page.

        ``cancelled``: asked now and then while the page is found and its snippets made;
        when it answers True the search raises SearchCancelled. Search-as-you-type passes
        its worker's flag, so a search the next keystroke made stale frees the index at once.
        """
        started = time.perf_counter()
        with self._lock:
            if cancelled is not None and cancelled():
                raise SearchCancelled
            searcher = self._current_searcher()
            vocabulary = None if exact else self.vocabulary()
            prepared = prepare(
                text,
                self._parser,
                vocabulary,
                searcher.reader(),
                exact=exact,
                entities=None if exact else self._entity_words,
            )
            allowed = self._allowed(searcher, sources, since, until)
            hits: list[Hit] = []
            total, estimate = 0, False
            if allowed is not None and not allowed:
                pass  # nothing passes the filter
            elif limit:
                page = self._first_page(searcher, prepared.query, limit, allowed, cancelled)
                total, estimate = len(page), False
                if len(page) >= limit:
                    total, estimate = _estimate(searcher, prepared.query, allowed, len(page)), True
                for rank, (score, docnum) in enumerate(page, start=1):
                    if cancelled is not None and cancelled():
                        raise SearchCancelled
                    hits.append(_hit(rank, score, searcher.stored_fields(docnum), prepared.terms))
            else:
                members = None if allowed is None else allowed.members
                results = searcher.search(prepared.query, limit=None, filter=members, terms=False)
                total = results.scored_length()
                for rank, hit in enumerate(results, start=1):
                    hits.append(_hit(rank, hit.score, hit.fields(), prepared.terms))
        return SearchResult(
            query=text,
            hits=tuple(hits),
            total=total,
            total_is_estimate=estimate,
            expansions=prepared.expansions,
            terms=prepared.terms,
            exact=exact,
            elapsed_ms=(time.perf_counter() - started) * 1000,
        )

    @staticmethod
    def _first_page(
        searcher: Searcher,
        query: Any,
        limit: int,
        allowed: Allowed | None,
        cancelled: Callable[[], bool] | None = None,
    ) -> list[tuple[float, int]]:
        """The best ``limit`` (score, docnum) pairs, by our collector or, when it cannot, Whoosh's."""
        try:
            return first_page(searcher, query, limit, None if allowed is None else allowed.ordered, cancelled)
        except Unsupported:
            members = None if allowed is None else allowed.members
            results = searcher.search(query, limit=limit, filter=members, terms=False)
            return [(hit.score, hit.docnum) for hit in results]

    def _allowed(
        self, searcher: Searcher, sources: tuple[str, ...] | list[str], since: str | None, until: str | None
    ) -> Allowed | None:
        """Documents the filters allow (None: no filter), from sets cached for this searcher."""
        start, end = filter_bounds(since, until)
        if not sources and start is None and end is None:
            return None
        if self._docsets is None or self._docsets.searcher is not searcher:
            self._docsets = DocSets(searcher)
        return self._docsets.allowed(tuple(sources), start, end)

    # -- entities --------------------------------------------------------------

    def _entity_index(self) -> EntityIndex:
        from .entities import EntityIndex

        return next(t for t in self.store.derived if isinstance(t, EntityIndex))

    def entities(self) -> EntityTable:
        """The corpus' people, organisations and places (empty before the first index run)."""
        return self._entity_index().table()

    def entity(self, name: str) -> Entity | None:
        """The entity ``name`` (an id, or any spelling or part of one) most likely means."""
        return self.entities().find(name)

    def correct_entities(self, operation: str, a: str, b: str) -> tuple[Correction, EntityTable]:
        """Record a user's ``merge`` or ``split`` of two names; it survives re-indexing."""
        index = self._entity_index()
        with writer_lock(self.index_dir):
            done = index.merge(a, b) if operation == "merge" else index.split(a, b)
        self._entity_words.refresh()
        return done

    # -- events ----------------------------------------------------------------

    def events_table(self, progress: ProgressCallback | None = None) -> EventTable:
        """Events and stories, derived on first use and cached for the index generation.

        Derivation is lazy (not part of `explorer index`) because grouping passages costs
        more than indexing on large corpora. After the index changed, the cached table is
        updated around the changed articles when the manifest shows few changed
        (``event_updates``), else rebuilt, reusing the features of unchanged articles.
        ``progress`` hears what is being done while this call waits for a table that is not
        in memory (a derivation from cold takes minutes at 100,000 articles), also when
        another thread's call is making it: ``LOADING_EVENTS``, then ``UPDATING_EVENTS`` or
        ``READING_ARTICLES`` and the stages of ``events.build``.

        A table made here is returned before it is saved: the save runs in the background
        (``flush`` waits for it), since writing half a gigabyte at 100,000 articles is of
        no use to the caller. A later derivation waits for it first.
        """
        if progress is None:
            return self._locked_events_table()
        try:
            self._events_progress.join(progress)  # told how far the derivation under way got, if one is
            return self._locked_events_table()
        finally:
            self._events_progress.leave(progress)

    def _locked_events_table(self) -> EventTable:
        """The table, made by one thread at a time (``_events_lock``), without holding searches up.

        Why not the explorer's own lock: a derivation from cold takes minutes at 100,000
        articles, and every search takes that lock; the search view went quiet until the
        events view's derivation ended. The lock is taken only to read what the derivation
        starts from (the searcher, the stored articles, the table in memory).
        """
        with self._events_lock:  # not reentrant: nothing called under it may ask for the table
            while True:
                with self._lock:
                    generation = self._current_searcher().reader().generation()
                    # each view asks again; a table of 100,000 articles loads in seconds
                    if self._events is not None and self._events[0] == generation:
                        return self._events[1]
                # The table lives until the index changes and holds no cycles: it is frozen out of
                # the collector's sight before the collector comes back (``no_gc``), else the
                # collections after it walk its millions of records, holding the GIL for seconds in
                # whichever thread allocates next (the TUI's). Reference counting frees it when the
                # next index version's table replaces it; the freeze also takes the garbage cycles
                # other threads made meanwhile, which the TUI's ``gcfreeze`` hands back to the
                # collector when the index changes.
                try:
                    self.flush(self._events_progress)  # the table before may be the one this one starts from
                    with no_gc(lasting=True):  # also the stored articles and entity table read meanwhile
                        made = self._events_table(generation, self._events_progress)
                finally:
                    self._events_progress.finished()
                if made is None:
                    continue  # the index changed while its articles were about to be read: again
                table, save = made
                with self._lock:
                    self._events = (generation, table)
                if save is not None:
                    self._events_saves.start(save)
                return table

    def _events_table(
        self, generation: int, progress: ProgressCallback
    ) -> tuple[EventTable, Callable[[], None] | None] | None:
        """The event table of ``generation`` (loaded, updated from an earlier one, or built) and
        what saves it (None for a table loaded as saved).

        None when the index is no longer at ``generation`` by the time its articles are
        read (a re-index committed meanwhile): the caller starts again from the new one.
        """
        from .derived import EventStore
        from .event_updates import basis_of, changes, load_basis
        from .events import EventTable
        from .events.hook import entity_hook

        store = EventStore(self.index_dir)
        progress(0, 0, LOADING_EVENTS)
        cached = store.load(generation)
        if cached is not None:
            return cached, None
        manifest = self.store.load_manifest()
        hook = entity_hook(self.entities())
        basis = load_basis(self.index_dir)
        previous = None  # the table of the basis' generation, read once whichever way we go
        if basis is not None and manifest.generation == generation:
            previous = self._events_of(basis.generation)
            if previous is None:
                previous = store.load(basis.generation)
            found = changes(basis, manifest.files) if previous is not None else None
            if previous is not None and found is not None:
                progress(0, 0, UPDATING_EVENTS)
                with self._searcher_at(generation) as searcher:  # every changed article as it holds it
                    if searcher is None:
                        return None
                    stored = [searcher.document(id=article_id) for article_id in found.candidates]
                changed = [article_from_fields(fields) for fields in stored if fields]
                table = previous.update(changed, found.removed, canonical=hook)
                return table, self._saver(
                    store, table, generation, basis_of(generation, manifest.files, basis.updates + 1)
                )
        progress(0, 0, READING_ARTICLES)
        with self._searcher_at(generation) as searcher:
            if searcher is None:
                return None
            articles = [article_from_fields(f) for f in searcher.all_stored_fields()]
        if previous is None:  # any table reuses the features of the articles it holds unchanged
            previous = self._events[1] if self._events is not None else store.load_any()
        table = EventTable.build(articles, canonical=hook, previous=previous, progress=progress)
        built = basis_of(generation, manifest.files) if manifest.generation == generation else None
        return table, self._saver(store, table, generation, built)

    def _saver(
        self, store: EventStore, table: EventTable, generation: int, basis: Basis | None
    ) -> Callable[[], None]:
        """What saves ``table`` as ``generation``'s, then the ``basis`` it was derived from, if any."""
        from .event_updates import save_basis

        def save() -> None:
            store.save(table, generation)
            if basis is not None:
                save_basis(self.index_dir, basis)

        return save

    @contextlib.contextmanager
    def _searcher_at(self, generation: int) -> Iterator[Searcher | None]:
        """The searcher, under the lock, while it is read; None once the index moved past ``generation``.

        Why the lock: a refresh by another thread closes the segments the new index dropped,
        which a derivation reading every stored article would then read from closed files.
        """
        with self._lock:
            searcher = self._current_searcher()
            yield searcher if searcher.reader().generation() == generation else None

    def _events_of(self, generation: int) -> EventTable | None:
        """The table this explorer holds for ``generation``, if it holds one.

        An update starts from the table of the basis' generation; when this explorer
        showed events before the index changed (the TUI after a re-index), that table
        is still in memory and unchanged (an update copies what it changes), and
        reading it again from disk took 6 s at 100,000 articles.
        """
        if self._events is not None and self._events[0] == generation:
            return self._events[1]
        return None

    def article(self, article_id: str) -> Article | None:
        with self._lock:
            fields = self._current_searcher().document(id=article_id)
        return article_from_fields(fields) if fields else None

    def matches(self, text: str, result: SearchResult) -> list[Span]:
        """Where ``result``'s words occur in ``text`` (for highlighting a whole article)."""
        return find_matches(text, result.terms)

    def sources(self) -> list[tuple[str, int]]:
        """Each source with its number of articles, largest first."""
        with self._lock:
            searcher = self._current_searcher()
            counts: Counter[str] = Counter()
            for fields in searcher.all_stored_fields():
                counts[fields.get("source", "")] += 1
        return counts.most_common()


def _estimate(searcher: Searcher, query: Any, allowed: Allowed | None, found: int) -> int:
    """About how many articles match, when the first page is full (the rest were never walked).

    Whoosh's estimate of the query's matches (the documents holding its words: an upper
    bound); with a filter, that bound times the share of articles the filter allows.
    """
    bound = min(query.estimate_size(searcher.reader()), searcher.doc_count())
    if allowed is not None:
        share = len(allowed) / max(1, searcher.doc_count())
        bound = min(len(allowed), round(bound * share))
    return max(found, bound)


def _hit(rank: int, score: float, fields: dict[str, Any], terms: MatchTerms) -> Hit:
    """One hit with its snippet and the words that matched in its title and text."""
    text_body = fields.get("text", "")
    title = fields.get("title", "")
    spans = find_matches(text_body, terms)
    title_spans = find_matches(title, terms)
    return Hit(
        rank=rank,
        id=fields["id"],
        score=round(score, 4),
        date=fields.get("datestr"),
        source=fields.get("source", ""),
        title=title,
        snippet=make_snippet(text_body, spans),
        matched=tuple(dict.fromkeys(matched_words(title, title_spans) + matched_words(text_body, spans))),
    )
