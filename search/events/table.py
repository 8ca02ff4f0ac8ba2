"""The event table: events and stories of a corpus, built, updated, saved and loaded.

Why this shape: extracting passages and features is the costly,
article-local part; grouping is corpus-wide. The table keeps each
article's extraction (keyed by a fingerprint of id, source, date, title and
text), so ``build(previous=...)`` re-extracts only what changed and
``update`` also regroups only around the change (see ``build.py``). Event
ids are hashes of their member passages, so an unchanged corpus gives the
same ids on every run.

Everything lives in flat columns (``store.py``); ``Event``, ``Passage`` and
``Story`` records are made on demand and cached. On disk (``tablefile.py``)
a table is a small header plus raw arrays and compressed per-article
chunks: loading reads the header and the arrays; an article's text and
features are decompressed when first needed. Saving is atomic.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import turns
from ..analysis import fold, iter_words, stem
from ..gcpause import no_gc
from ..models import Article, ProgressCallback
from .build import Incoming, extract_all, new_store, update_store
from .compare import compare_event
from .events import ensure_label, event_record, passage_record
from .grouping import EventSettings, idf
from .models import Comparison, Event, Passage, Story
from .names import Canonical, EntityResolver
from .store import DEAD, Store
from .stories import StorySettings
from .tablefile import read_store, write_store
from .terms import SHIFT

DEFAULT_EVENTS = EventSettings()
DEFAULT_STORIES = StorySettings()
TextOf = Callable[[str], str]


@dataclass(slots=True)
class ArticleRecord:
    """What the table keeps of one article (its passages made on demand)."""

    id: str
    source: str
    date: str | None
    title: str
    fingerprint: str
    passages: list[Passage] = field(default_factory=list)


def fingerprint(article: Article) -> str:
    digest = hashlib.blake2b(digest_size=10)
    for part in (article.id, article.source, article.date or "", article.title, article.text):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


class EventTable:
    """Events and stories of a corpus, with the per-article extraction they were built from."""

    def __init__(
        self,
        store: Store,
        settings: EventSettings = DEFAULT_EVENTS,
        story_settings: StorySettings = DEFAULT_STORIES,
    ) -> None:
        self.store = store
        self.settings = settings
        self.story_settings = story_settings
        self._passages: dict[int, Passage] = {}
        self._events: dict[int, Event] = {}
        self._stories: dict[int, Story] = {}
        self._event_order: list[int] | None = None
        self._story_order: list[int] | None = None
        self._event_by_id: dict[str, int] | None = None
        self._story_by_id: dict[str, int] | None = None

    # -- building ------------------------------------------------------------

    @classmethod
    def build(
        cls,
        articles: Iterable[Article],
        canonical: Canonical | None = None,
        previous: EventTable | None = None,
        settings: EventSettings = DEFAULT_EVENTS,
        story_settings: StorySettings = DEFAULT_STORIES,
        workers: int | None = None,
        progress: ProgressCallback | None = None,
    ) -> EventTable:
        """A table for ``articles``; extraction of articles unchanged since ``previous`` is reused.

        ``canonical`` is the entity hook (see ``names.py``): name as written
        -> entity id, or None. ``workers`` > 1 extracts in that many
        processes (default: all cores for large batches). Grouping always
        covers the whole corpus (deterministic: same corpus, same ids).
        ``progress`` hears how far it got (the stages of ``build.py``): at
        100,000 articles a build takes minutes.
        """
        with no_gc():  # millions of small records alive, none in cycles (``search.gcpause``)
            return cls._build(articles, canonical, previous, settings, story_settings, workers, progress)

    @classmethod
    def _build(
        cls,
        articles: Iterable[Article],
        canonical: Canonical | None,
        previous: EventTable | None,
        settings: EventSettings,
        story_settings: StorySettings,
        workers: int | None,
        progress: ProgressCallback | None = None,
    ) -> EventTable:
        items: list[Incoming] = []
        to_extract: list[tuple[Article, str]] = []
        old = previous.store if previous is not None else None
        for article in articles:
            print_ = fingerprint(article)
            slot = old.slot_of.get(article.id) if old is not None else None
            if old is not None and slot is not None and old.fingerprints[slot] == print_:
                items.append(_incoming(article, print_, old.content.extract(slot)))
            else:
                to_extract.append((article, print_))
        found = extract_all([a for a, _p in to_extract], workers, progress)
        items.extend(_incoming(a, p, f) for (a, p), f in zip(to_extract, found, strict=True))
        table = cls(new_store(items, canonical, settings, story_settings, progress), settings, story_settings)
        turns.let_go(items, to_extract, found)
        return table

    def update(
        self,
        changed: Iterable[Article] = (),
        removed: Iterable[str] = (),
        canonical: Canonical | None = None,
        settings: EventSettings | None = None,
        story_settings: StorySettings | None = None,
        workers: int | None = None,
    ) -> EventTable:
        """A new table with ``changed`` articles (added or edited) in and ``removed`` ids out.

        Only the changed articles are re-extracted, and only the events and
        stories around them regrouped (see ``build.py``); this table is
        left as it was.
        """
        settings = settings or self.settings
        story_settings = story_settings or self.story_settings
        store = self.store
        fresh: list[tuple[Article, str]] = []
        for article in changed:
            print_ = fingerprint(article)
            slot = store.slot_of.get(article.id)
            if slot is None or store.fingerprints[slot] != print_:
                fresh.append((article, print_))
        with no_gc():  # an update copies every column of the table: as ``build``
            found = extract_all([a for a, _p in fresh], workers)
            incoming = [_incoming(a, p, f) for (a, p), f in zip(fresh, found, strict=True)]
            updated = update_store(store, incoming, list(removed), canonical, settings, story_settings)
        return EventTable(updated, settings, story_settings)

    # -- reading: events ----------------------------------------------------------

    def events(
        self,
        query: str | None = None,
        min_sources: int = 1,
        article_ids: Iterable[str] | None = None,
        limit: int | None = None,
    ) -> list[Event]:
        """Events, most sources first; optionally those matching ``query`` or touching ``article_ids``.

        A query matches an event when every query word occurs in its
        passages (as a name in any spelling the table unified, or as a
        word with the same stem). ``limit``: only the first that many are
        made into records (a large corpus has over a million events; the
        order and filters are decided on numbers, see ``event_numbers``).
        """
        numbers = self.event_numbers(query, min_sources, article_ids)
        return self.events_at(numbers if limit is None else numbers[: max(0, limit)])

    def event_numbers(
        self, query: str | None = None, min_sources: int = 1, article_ids: Iterable[str] | None = None
    ) -> list[int]:
        """The numbers of the events ``events`` lists, in its order, with no record or label made.

        Why numbers: counting matches and listing a screenful must not
        cost a record (and a label) for every event; ``events_at`` makes
        records for the few shown, ``event_text`` gives what a text filter
        looks in.
        """
        numbers: list[int] = self._ordered_events()
        store = self.store
        if article_ids is not None:
            wanted = set(self._events_of_articles(article_ids))
            numbers = [n for n in numbers if n in wanted]
        if min_sources > 1:
            numbers = [n for n in numbers if store.e_sources[n] >= min_sources]
        if query and query.strip():
            matching = self._matching_events(query)
            numbers = [n for n in numbers if n in matching]
        return list(numbers)

    def events_at(self, numbers: Iterable[int]) -> list[Event]:
        """The records of events by number (labelled first when they were not yet)."""
        return [self._event(n) for n in numbers]

    def event_number(self, event_id: str) -> int | None:
        """The number of a live event by id (None when there is none)."""
        if self._event_by_id is None:
            store = self.store
            self._event_by_id = {store.e_id[n]: n for n in range(len(store.e_id)) if store.e_alive[n]}
        return self._event_by_id.get(event_id)

    def event_text(self, number: int) -> tuple[str | None, list[str]]:
        """An event's label if it was made already (else None), and its passages' texts.

        What a text filter over labels and passages looks in, without
        making a record; a missing label is made by ``event_label`` (it is
        made of the passages' words, see ``events.make_label``).
        """
        store = self.store
        return store.e_label[number], [store.passage_text(p) for p in store.e_members[number]]

    def event_label(self, number: int) -> str:
        """An event's label, made now if it was not yet (as showing the event would)."""
        if self.store.e_label[number] is None:
            ensure_label(self.store, number, self._weight, EntityResolver(self.aliases))
        return self.store.e_label[number] or ""

    def event(self, event_id: str) -> Event | None:
        number = self.event_number(event_id)
        return self._event(number) if number is not None else None

    def find_event(self, id_or_query: str) -> Event | None:
        """An event by id, else the best event for a query (most sources, then most articles)."""
        exact = self.event(id_or_query.strip())
        if exact is not None:
            return exact
        matching = self._matching_events(id_or_query)
        for number in self._ordered_events():
            if number in matching:
                return self._event(number)
        return None

    def events_of(self, article_id: str) -> list[Event]:
        """The events an article takes part in, most sources first."""
        wanted = set(self._events_of_articles([article_id]))
        return [self._event(n) for n in self._ordered_events() if n in wanted]

    def compare(self, event: Event | str) -> Comparison | None:
        """The compare view of an event (by object, id or query), or None when nothing matches."""
        found = event if isinstance(event, Event) else self.find_event(event)
        if found is None:
            return None
        return compare_event(found, EntityResolver(self.aliases), self.weights)

    def passages(self, article_id: str) -> list[Passage]:
        """An article's passages in reading order (empty for an unknown article)."""
        store = self.store
        slot = store.slot_of.get(article_id)
        if slot is None:
            return []
        first = store.first[slot]
        return [self._passage(p) for p in range(first, first + store.count[slot])]

    # -- reading: stories -----------------------------------------------------------

    def stories(self, query: str | None = None, article_ids: Iterable[str] | None = None) -> list[Story]:
        """Stories, most sources first; optionally those with an article in ``article_ids`` or matching ``query``."""
        return self.stories_at(self.story_numbers(query, article_ids))

    def story_numbers(self, query: str | None = None, article_ids: Iterable[str] | None = None) -> list[int]:
        """The numbers of the stories ``stories`` lists, in its order, with no record made."""
        numbers: list[int] = self._ordered_stories()
        store = self.store
        if article_ids is not None:
            wanted = {store.a_story[store.slot_of[a]] for a in article_ids if a in store.slot_of}
            numbers = [n for n in numbers if n in wanted]
        if query and query.strip():
            slots = {store.p_slot[p] for n in self._matching_events(query) for p in store.e_members[n]}
            hit = {store.a_story[s] for s in slots}
            numbers = [n for n in numbers if n in hit]
        return list(numbers)

    def stories_at(self, numbers: Iterable[int]) -> list[Story]:
        """The records of stories by number."""
        return [self._story(n) for n in numbers]

    def story_label(self, number: int) -> str:
        """A story's label (stored: no record made)."""
        return self.store.s_label[number]

    def story(self, story_id: str) -> Story | None:
        if self._story_by_id is None:
            store = self.store
            self._story_by_id = {store.s_id[n]: n for n in range(len(store.s_id)) if store.s_alive[n]}
        number = self._story_by_id.get(story_id)
        return self._story(number) if number is not None else None

    def story_of(self, article_id: str) -> Story | None:
        slot = self.store.slot_of.get(article_id)
        if slot is None:
            return None
        return self._story(self.store.a_story[slot])

    # -- compatibility views ----------------------------------------------------------

    @property
    def records(self) -> Mapping[str, ArticleRecord]:
        """Article id -> what the table keeps of it (passages made when an entry is read)."""
        return _Records(self)

    @property
    def aliases(self) -> dict[str, str]:
        return self.store.aliases

    @property
    def weights(self) -> Mapping[str, float]:
        """Term -> weight (rarity x kind), as grouping used it."""
        return _Weights(self.store, self.settings)

    # -- disk ----------------------------------------------------------------

    def save(self, path: Path | str, texts: bool = True) -> None:
        """Write the table, atomically.

        ``texts=False`` leaves the article texts out (a much smaller file);
        whoever loads it then passes ``text_of`` to ``load``.
        """
        with no_gc():  # the header holds a few strings per event: millions at 100,000 articles
            write_store(self.store, Path(path), texts=texts)

    @classmethod
    def load(cls, path: Path | str, text_of: TextOf | None = None) -> EventTable | None:
        """The table saved at ``path``; None when missing, unreadable or of another format version.

        ``text_of(article_id) -> text`` supplies article texts when the
        file was saved without them (also None when it was and none is given).
        """
        with no_gc():  # as ``save``
            store = read_store(Path(path), text_of)
        return cls(store) if store is not None else None

    # -- internals -----------------------------------------------------------------

    def _passage(self, number: int) -> Passage:
        found = self._passages.get(number)
        if found is None:
            found = passage_record(self.store, number)
            self._passages[number] = found
        return found

    def _event(self, number: int) -> Event:
        found = self._events.get(number)
        if found is None:
            if self.store.e_label[number] is None:
                ensure_label(self.store, number, self._weight, EntityResolver(self.aliases))
            found = event_record(self.store, number, self._passages)
            self._events[number] = found
        return found

    def _weight(self, term: int) -> float:
        store = self.store
        multiplier = self.settings.multipliers()[store.vocabulary.kinds[term]]
        return idf(store.df[term], store.total, multiplier)

    def _story(self, number: int) -> Story:
        found = self._stories.get(number)
        if found is None:
            store = self.store
            slots = store.s_articles[number]
            found = Story(
                id=store.s_id[number],
                label=store.s_label[number],
                date=store.s_date[number],
                sources=tuple(sorted({store.sources[s] for s in slots})),
                articles=tuple(store.ids[s] or "" for s in slots),
                events=tuple(store.e_id[e] for e in store.s_events[number]),
            )
            self._stories[number] = found
        return found

    def _ordered_events(self) -> list[int]:
        if self._event_order is None:
            store = self.store

            def order(n: int) -> tuple[Any, ...]:
                when = store.e_date[n] or store.e_published[n] or "9999"
                return (-store.e_sources[n], -store.e_articles[n], when, store.e_id[n])

            self._event_order = sorted((n for n in range(len(store.e_id)) if store.e_alive[n]), key=order)
        return self._event_order

    def _ordered_stories(self) -> list[int]:
        if self._story_order is None:
            store = self.store

            def order(n: int) -> tuple[Any, ...]:
                sources = len({store.sources[s] for s in store.s_articles[n]})
                return (-sources, -len(store.s_articles[n]), store.s_date[n] or "", store.s_id[n])

            self._story_order = sorted((n for n in range(len(store.s_id)) if store.s_alive[n]), key=order)
        return self._story_order

    def _events_of_articles(self, article_ids: Iterable[str]) -> Iterator[int]:
        store = self.store
        for article_id in article_ids:
            slot = store.slot_of.get(article_id)
            if slot is None:
                continue
            first = store.first[slot]
            for passage in range(first, first + store.count[slot]):
                if store.p_event[passage] >= 0:
                    yield store.p_event[passage]

    def _matching_events(self, query: str) -> set[int]:
        """Events whose passages hold every query word (any unified spelling, or the same stem)."""
        store = self.store
        ids = store.vocabulary.ids
        wanted: list[set[int]] = []
        for word, _start, _end in iter_words(query):
            folded = fold(word)
            names = {"e:" + folded, "e:" + store.aliases.get(folded, folded), *store.hooked.get(folded, ())}
            terms = {ids[t] for t in (*names, "w:" + stem(folded)) if t in ids}
            if not terms:
                return set()
            wanted.append(terms)
        if not wanted:
            return set(self._ordered_events())
        matching: set[int] | None = None
        for terms in wanted:
            events = {store.p_event[p] for p in self._passages_with(terms)}
            matching = events if matching is None else matching & events
            if not matching:
                return set()
        return {n for n in matching or () if n >= 0 and store.e_alive[n]}

    def _passages_with(self, terms: set[int]) -> set[int]:
        store = self.store
        found: set[int] = set()
        indexed = all(store.df[t] <= self.settings.max_df_cap for t in terms)
        if indexed:
            for term in terms:
                found.update(store.postings(term))
            return found
        codes = {t << SHIFT | flags for t in terms for flags in range(1 << SHIFT)}
        offsets, flat, events = store.term_offsets, store.term_codes, store.p_event
        for passage in range(len(store.p_slot)):
            if events[passage] == DEAD:
                continue
            if not codes.isdisjoint(flat[offsets[passage] : offsets[passage + 1]]):
                found.add(passage)
        return found


def _incoming(article: Article, print_: str, found: Any) -> Incoming:
    return Incoming(article.id, article.source, article.date, article.title, print_, article.text, found)


class _Records(Mapping[str, ArticleRecord]):
    def __init__(self, table: EventTable) -> None:
        self.table = table

    def __getitem__(self, article_id: str) -> ArticleRecord:
        store = self.table.store
        slot = store.slot_of[article_id]
        return ArticleRecord(
            article_id,
            store.sources[slot],
            store.dates[slot],
            store.titles[slot],
            store.fingerprints[slot],
            self.table.passages(article_id),
        )

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.table.store.slot_of))

    def __len__(self) -> int:
        return len(self.table.store.slot_of)


class _Weights(Mapping[str, float]):
    """Term -> weight, computed from the stored frequencies on access."""

    def __init__(self, store: Store, settings: EventSettings) -> None:
        self.store = store
        self.multipliers = settings.multipliers()

    def __getitem__(self, term: str) -> float:
        number = self.store.vocabulary.ids[term]
        kind = self.store.vocabulary.kinds[number]
        return idf(self.store.df[number], self.store.total, self.multipliers[kind])

    def __iter__(self) -> Iterator[str]:
        return iter(self.store.vocabulary.terms)

    def __len__(self) -> int:
        return len(self.store.vocabulary)


def text_getter(articles: Sequence[Article]) -> TextOf:
    """A ``text_of`` for ``load`` from Article records (e.g. read back from the index)."""
    texts = {a.id: a.text for a in articles}
    return lambda article_id: texts.get(article_id, "")
