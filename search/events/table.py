"""The event table: per-article passages and features, the events and stories, on disk as JSON.

Why per-article storage: extracting passages and features is the costly,
article-local part; grouping over stored features is corpus-wide but cheap.
So an update re-extracts only the articles whose content changed (by a
fingerprint of id, source, date, title and text) and regroups everything
from what is stored. Event ids are hashes of their member passages, so an
unchanged corpus gives the same ids on every run.

Saving is atomic (temporary file, fsync, os.replace): a reader sees the
old table or the new one, never half of one. ``EventTable.load`` returns
None for a missing, unreadable or older-format file; the caller rebuilds.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..analysis import fold, iter_words, stem
from ..models import Article
from .compare import compare_event
from .differences import find_differences
from .features import extract_article
from .grouping import EventSettings, group_passages, make_event, resolve_entities
from .models import Comparison, Cue, DateMention, Event, Features, Mention, Passage, Quantity, Story
from .names import Canonical, EntityResolver, build_aliases
from .stories import StorySettings, cluster_stories, make_story

FORMAT_VERSION = 1
DEFAULT_EVENTS = EventSettings()
DEFAULT_STORIES = StorySettings()
PARALLEL_MIN_ARTICLES = 3000  # below this, starting worker processes costs more than it saves


@dataclass(slots=True)
class ArticleRecord:
    """What the table keeps of one article: enough to show it and to regroup without re-reading it."""

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


def _extract(article: Article) -> ArticleRecord:
    return ArticleRecord(
        article.id,
        article.source,
        article.date,
        article.title,
        fingerprint(article),
        extract_article(article),
    )


class EventTable:
    """Events and stories of a corpus, with the per-article features they were built from."""

    def __init__(
        self,
        records: dict[str, ArticleRecord],
        events: list[Event],
        stories: list[Story],
        aliases: dict[str, str],
        weights: dict[str, float] | None = None,
    ) -> None:
        self.records = records
        self.aliases = aliases
        self.weights = weights or {}
        self._events = sorted(events, key=_event_order)
        self._stories = sorted(stories, key=lambda s: (-len(s.sources), -len(s.articles), s.date or "", s.id))
        self._by_id = {e.id: e for e in self._events}
        self._story_by_id = {s.id: s for s in self._stories}
        self._events_of: dict[str, list[Event]] = {}
        for event in self._events:
            for article_id in event.articles:
                self._events_of.setdefault(article_id, []).append(event)
        self._story_of = {a: s for s in self._stories for a in s.articles}

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
    ) -> EventTable:
        """A table for ``articles``; features of articles unchanged since ``previous`` are reused.

        ``canonical`` is the entity hook (see ``names.py``): name as written
        -> entity id, or None. ``workers`` > 1 extracts in that many
        processes (default: all cores for large batches).
        """
        records: dict[str, ArticleRecord] = {}
        to_extract: list[Article] = []
        for article in articles:
            old = previous.records.get(article.id) if previous else None
            if old is not None and old.fingerprint == fingerprint(article):
                records[article.id] = old
            else:
                to_extract.append(article)
        for record in _extract_all(to_extract, workers):
            records[record.id] = record
        return cls.group(records, canonical, settings, story_settings)

    def update(
        self,
        changed: Iterable[Article] = (),
        removed: Iterable[str] = (),
        canonical: Canonical | None = None,
        settings: EventSettings = DEFAULT_EVENTS,
        story_settings: StorySettings = DEFAULT_STORIES,
    ) -> EventTable:
        """A new table with ``changed`` articles (added or edited) re-extracted and ``removed`` dropped."""
        records = dict(self.records)
        for article_id in removed:
            records.pop(article_id, None)
        fresh = [a for a in changed if a.id not in records or records[a.id].fingerprint != fingerprint(a)]
        for record in _extract_all(fresh, None):
            records[record.id] = record
        return EventTable.group(records, canonical, settings, story_settings)

    @classmethod
    def group(
        cls,
        records: dict[str, ArticleRecord],
        canonical: Canonical | None = None,
        settings: EventSettings = DEFAULT_EVENTS,
        story_settings: StorySettings = DEFAULT_STORIES,
    ) -> EventTable:
        """Events and stories from stored per-article features (no article is re-read)."""
        ordered_ids = sorted(records)
        raw = [p for article_id in ordered_ids for p in records[article_id].passages]
        aliases = build_aliases(m for p in raw for m in p.features.mentions)
        resolver = EntityResolver(aliases, canonical)
        passages = resolve_entities(raw, resolver)
        clusters, weights = group_passages(passages, resolver, settings)
        events = []
        for cluster in clusters:
            members = [passages[i] for i in cluster if not passages[i].boilerplate]
            if not members:
                continue
            event = make_event(members, weights, resolver)
            if not event.single_source:
                event = replace(event, differences=tuple(find_differences(event, resolver)))
            events.append(event)
        resolved_records: dict[str, ArticleRecord] = {}
        position = 0
        for article_id in ordered_ids:
            record = records[article_id]
            count = len(record.passages)
            resolved_records[article_id] = ArticleRecord(
                record.id,
                record.source,
                record.date,
                record.title,
                record.fingerprint,
                passages[position : position + count],
            )
            position += count
        by_article = {a: r.passages for a, r in resolved_records.items()}
        published = {a: r.date for a, r in resolved_records.items()}
        meta = {a: (r.source, r.date, r.title) for a, r in resolved_records.items()}
        groups = cluster_stories(by_article, events, resolver, published, story_settings)
        shared = [e for e in events if len(e.sources) > 1]
        events_of: dict[str, list[Event]] = {}
        for event in shared:
            for article_id in event.articles:
                events_of.setdefault(article_id, []).append(event)
        stories = []
        for group in groups:
            related = {e.id: e for a in group for e in events_of.get(a, [])}
            stories.append(make_story(group, by_article, list(related.values()), meta))
        used = {t for e in events for t in e.terms}
        return cls(
            resolved_records, events, stories, aliases, {t: w for t, w in weights.items() if t in used}
        )

    # -- reading -------------------------------------------------------------

    def events(
        self, query: str | None = None, min_sources: int = 1, article_ids: Iterable[str] | None = None
    ) -> list[Event]:
        """Events, most sources first; optionally those matching ``query`` or touching ``article_ids``.

        A query matches an event when every query word occurs in its
        passages (as a name in any spelling the table unified, or as a
        word with the same stem).
        """
        found: Sequence[Event] = self._events
        if article_ids is not None:
            wanted = set(article_ids)
            found = [e for e in found if wanted.intersection(e.articles)]
        found = [e for e in found if len(e.sources) >= min_sources]
        if query and query.strip():
            found = [e for e in found if self._matches(e, query)]
        return list(found)

    def event(self, event_id: str) -> Event | None:
        return self._by_id.get(event_id)

    def find_event(self, id_or_query: str) -> Event | None:
        """An event by id, else the best event for a query (most sources, then most articles)."""
        exact = self.event(id_or_query.strip())
        if exact is not None:
            return exact
        matches = self.events(id_or_query)
        return matches[0] if matches else None

    def events_of(self, article_id: str) -> list[Event]:
        """The events an article takes part in, most sources first."""
        return list(self._events_of.get(article_id, []))

    def compare(self, event: Event | str) -> Comparison | None:
        """The compare view of an event (by object, id or query), or None when nothing matches."""
        found = event if isinstance(event, Event) else self.find_event(event)
        if found is None:
            return None
        return compare_event(found, EntityResolver(self.aliases), self.weights)

    def stories(self, query: str | None = None, article_ids: Iterable[str] | None = None) -> list[Story]:
        """Stories, most sources first; optionally those with an article in ``article_ids`` or matching ``query``."""
        found: Sequence[Story] = self._stories
        if article_ids is not None:
            wanted = set(article_ids)
            found = [s for s in found if wanted.intersection(s.articles)]
        if query and query.strip():
            hits = {a for e in self.events(query) for a in e.articles}
            found = [s for s in found if hits.intersection(s.articles)]
        return list(found)

    def story(self, story_id: str) -> Story | None:
        return self._story_by_id.get(story_id)

    def story_of(self, article_id: str) -> Story | None:
        return self._story_of.get(article_id)

    def passages(self, article_id: str) -> list[Passage]:
        record = self.records.get(article_id)
        return list(record.passages) if record else []

    def _matches(self, event: Event, query: str) -> bool:
        wanted = [fold(word) for word, _s, _e in iter_words(query)]
        if not wanted:
            return True
        have_words = {w for p in event.passages for w in p.features.words}
        have_names = {k[2:] for p in event.passages for k in p.entities}
        have_names |= {fold(t) for p in event.passages for m in p.features.mentions for t in m.tokens}
        for word in wanted:
            if word in have_names or self.aliases.get(word, word) in have_names or stem(word) in have_words:
                continue
            return False
        return True

    # -- disk ----------------------------------------------------------------

    def save(self, path: Path | str) -> None:
        """Write the table as JSON, atomically."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "version": FORMAT_VERSION,
            "aliases": self.aliases,
            "weights": self.weights,
            "articles": [_record_json(r) for _id, r in sorted(self.records.items())],
            "events": [_event_json(e) for e in self._events],
            "stories": [s.as_dict() for s in self._stories],
        }
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            with tmp.open("w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False, separators=(",", ":"))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        finally:
            if tmp.exists():
                tmp.unlink()

    @classmethod
    def load(cls, path: Path | str) -> EventTable | None:
        """The table saved at ``path``; None when missing, unreadable or of another format version."""
        try:
            with Path(path).open(encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
            return None
        try:
            records = {r["id"]: _record_from(r) for r in data["articles"]}
            passages = {p.key: p for r in records.values() for p in r.passages}
            events = [_event_from(e, passages) for e in data["events"]]
            meta = {a: (r.source, r.date, r.title) for a, r in records.items()}
            stories = [
                Story(
                    id=s["id"],
                    label=s["label"],
                    date=s["date"],
                    sources=tuple(sorted({meta[a][0] for a in s["articles"]})),
                    articles=tuple(s["articles"]),
                    events=tuple(s["events"]),
                )
                for s in data["stories"]
            ]
        except (KeyError, TypeError, ValueError, IndexError):
            return None
        return cls(records, events, stories, dict(data.get("aliases", {})), dict(data.get("weights", {})))


def _event_order(event: Event) -> tuple[Any, ...]:
    return (-len(event.sources), -len(event.articles), event.date or event.published or "9999", event.id)


def _extract_all(articles: list[Article], workers: int | None) -> list[ArticleRecord]:
    if workers is None:
        workers = (os.cpu_count() or 1) if len(articles) >= PARALLEL_MIN_ARTICLES else 1
    if workers <= 1 or len(articles) < 2:
        return [_extract(a) for a in articles]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_extract, articles, chunksize=256))


# -- JSON shapes of stored records (compact lists: the table of a large corpus is big) --


def _record_json(record: ArticleRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "source": record.source,
        "date": record.date,
        "title": record.title,
        "fp": record.fingerprint,
        "passages": [_passage_json(p) for p in record.passages],
    }


def _passage_json(p: Passage) -> list[Any]:
    f = p.features
    return [
        p.index,
        p.field,
        p.start,
        p.end,
        p.text,
        int(p.boilerplate),
        [[m.text, m.start, m.end, list(m.tokens), int(m.speaker)] for m in f.mentions],
        list(f.words),
        [
            [q.text, q.start, q.end, q.value, q.qualifier, q.magnitude, q.unit, list(q.context)]
            for q in f.quantities
        ],
        [[d.text, d.start, d.end, d.iso, d.weekday, int(d.relative)] for d in f.dates],
        [list(span) for span in f.quotes],
        [[c.kind, c.text, c.start, c.end] for c in f.cues],
        list(p.entities),
    ]


def _record_from(data: dict[str, Any]) -> ArticleRecord:
    record = ArticleRecord(data["id"], data["source"], data["date"], data["title"], data["fp"])
    for row in data["passages"]:
        (
            index,
            field_,
            start,
            end,
            text,
            boilerplate,
            mentions,
            words,
            quantities,
            dates,
            quotes,
            cues,
            entities,
        ) = row
        features = Features(
            mentions=tuple(Mention(m[0], m[1], m[2], tuple(m[3]), bool(m[4])) for m in mentions),
            words=tuple(words),
            quantities=tuple(
                Quantity(q[0], q[1], q[2], q[3], q[4], q[5], q[6], tuple(q[7])) for q in quantities
            ),
            dates=tuple(DateMention(d[0], d[1], d[2], d[3], d[4], bool(d[5])) for d in dates),
            quotes=tuple((a, b) for a, b in quotes),
            cues=tuple(Cue(c[0], c[1], c[2], c[3]) for c in cues),
        )
        record.passages.append(
            Passage(
                record.id,
                record.source,
                index,
                field_,
                start,
                end,
                text,
                record.date,
                bool(boilerplate),
                features,
                tuple(entities),
            )
        )
    return record


def _event_json(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "label": event.label,
        "date": event.date,
        "published": event.published,
        "members": [p.key for p in event.passages],
        "terms": list(event.terms),
        "differences": [d.as_dict() for d in event.differences],
    }


def _event_from(data: dict[str, Any], passages: dict[str, Passage]) -> Event:
    from .models import Difference

    members = tuple(passages[key] for key in data["members"])
    return Event(
        id=data["id"],
        label=data["label"],
        date=data["date"],
        published=data["published"],
        sources=tuple(dict.fromkeys(p.source for p in members)),
        articles=tuple(dict.fromkeys(p.article_id for p in members)),
        passages=members,
        terms=tuple(data["terms"]),
        differences=tuple(
            Difference(
                d["kind"],
                d["source"],
                d["article"],
                d["passage"],
                d["text"],
                d["value"],
                d["explanation"],
                d["start"],
                d["end"],
            )
            for d in data["differences"]
        ),
    )


ProgressCallback = Callable[[int, int], None]
