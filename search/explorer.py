"""The one door into the engine: open a corpus, keep its index fresh, search, read.

The CLI and the TUI use only this facade, so they always agree. It returns
plain dataclasses and is safe to call from worker threads (one search runs
at a time per Explorer; Whoosh searchers are not meant to be shared).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from whoosh import index as whoosh_index
from whoosh.searching import Searcher

from .config import resolve_corpus, resolve_index_dir
from .corpus import Warn
from .highlight import find_matches, make_snippet, matched_words
from .index import (
    IndexBusy,
    IndexCorrupt,
    IndexError_,
    IndexMissing,
    IndexReadOnly,
    IndexStore,
    ProgressCallback,
    article_from_fields,
    writer_lock,
)
from .models import Article, CorpusWarning, Hit, IndexStatus, IndexSummary, SearchResult, Span
from .query import QueryError, filter_query, make_parser, prepare

if TYPE_CHECKING:
    from .entities import Correction, Entity, EntityIndex, EntityTable
    from .events import EventTable
from .variants import Vocabulary

__all__ = [
    "Explorer",
    "IndexBusy",
    "IndexCorrupt",
    "IndexError_",
    "IndexMissing",
    "QueryError",
]


def _ignore(_warning: CorpusWarning) -> None:
    return None


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
            manifest = self.store.load_manifest()
            derived_ok = all(t.stored_generation() == manifest.generation for t in self.store.derived)
            try:
                if not derived_ok and not update:
                    self.store.repair_derived()
                    return None
                if not update or (derived_ok and not self.store.changed_files(manifest, _ignore)):
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
                self._searcher = self._ix.searcher()
            elif not self._searcher.up_to_date():
                self._searcher = self._searcher.refresh()
                self._vocabulary = None
            return self._searcher

    def vocabulary(self) -> Vocabulary:
        with self._lock:
            searcher = self._current_searcher()
            if self._vocabulary is None:
                self._vocabulary = self.store.vocabulary(searcher.reader(), searcher.reader().generation())
            return self._vocabulary

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
            self._searcher = None
            self._ix = None

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
    ) -> SearchResult:
        """Ranked hits for ``text``; ``limit`` None or 0 returns every hit."""
        started = time.perf_counter()
        with self._lock:
            searcher = self._current_searcher()
            vocabulary = None if exact else self.vocabulary()
            prepared = prepare(
                text,
                self._parser,
                vocabulary,
                searcher.reader(),
                exact=exact,
                entities=None if exact else self._entity_index().expansions(),
            )
            results = searcher.search(
                prepared.query,
                limit=limit or None,
                filter=filter_query(sources, since, until),
                terms=False,
            )
            scored = results.scored_length()
            if limit and scored >= limit:
                total, estimate = results.estimated_length(), not results.has_exact_length()
                total = max(total, scored)
            else:
                total, estimate = scored, False
            hits = []
            for rank, hit in enumerate(results, start=1):
                fields = hit.fields()
                text_body = fields.get("text", "")
                spans = find_matches(text_body, prepared.terms)
                title_spans = find_matches(fields.get("title", ""), prepared.terms)
                hits.append(
                    Hit(
                        rank=rank,
                        id=fields["id"],
                        score=round(hit.score, 4),
                        date=fields.get("datestr"),
                        source=fields.get("source", ""),
                        title=fields.get("title", ""),
                        snippet=make_snippet(text_body, spans),
                        matched=tuple(
                            dict.fromkeys(
                                matched_words(fields.get("title", ""), title_spans)
                                + matched_words(text_body, spans)
                            )
                        ),
                    )
                )
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
            return index.merge(a, b) if operation == "merge" else index.split(a, b)

    # -- events ----------------------------------------------------------------

    def events_table(self) -> EventTable:
        """Events and stories, derived on first use and cached for the index generation.

        Derivation is lazy (not part of `explorer index`) because grouping passages costs
        more than indexing on large corpora; the table is rebuilt only after the index
        changed, reusing the features of unchanged articles.
        """
        from .derived import EventStore
        from .events import EventTable
        from .events.hook import entity_hook

        with self._lock:
            generation = self._current_searcher().reader().generation()
            store = EventStore(self.index_dir)
            cached = store.load(generation)
            if cached is not None:
                return cached
            articles = [article_from_fields(f) for f in self._current_searcher().all_stored_fields()]
            table = EventTable.build(
                articles, canonical=entity_hook(self.entities()), previous=store.load_any()
            )
            store.save(table, generation)
            return table

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
