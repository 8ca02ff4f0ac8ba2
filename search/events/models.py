"""Plain records of the event engine: passages, events, differences, stories, comparisons.

They carry no behaviour beyond small conveniences, so the CLI, the TUI and
JSON output all read the same fields. ``as_dict`` gives the JSON shape
(``--format json``); nothing here formats for a terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number or amount as written ("more than 1,000", "a thousand", "hundreds").

    ``value`` is the number it names (None for vague amounts such as
    "several"); ``qualifier`` is the hedge in front of it ("more than",
    "about", "at least"); ``magnitude`` the order of a vague plural
    ("hundreds" -> 100). ``context`` holds the stems of the words around it
    (what was counted, what happened to it) so that figures about the same
    thing can be set side by side.
    """

    text: str
    start: int  # offset in the passage's field (title or text)
    end: int
    value: float | None
    qualifier: str = ""
    magnitude: float | None = None
    unit: str = ""  # "%" for percentages
    context: tuple[str, ...] = ()

    def describe(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date in a passage, resolved against the article's publication date when possible.

    ``iso`` is the calendar day it names (None when it cannot be placed,
    e.g. "on Sunday" in an article without a date); ``weekday`` keeps the
    day name, so two undated reports of "Sunday" can still be compared.
    """

    text: str
    start: int
    end: int
    iso: str | None
    weekday: str | None = None
    relative: bool = True  # "on Sunday", "yesterday" (vs a written calendar date)


@dataclass(frozen=True, slots=True)
class Cue:
    """A word of attribution, hedging, claim or denial ("unverified", "denied")."""

    kind: str  # "hedge" | "attribution" | "claim" | "denial"
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Mention:
    """A name as written (one or more capitalised words) and where."""

    text: str
    start: int
    end: int
    tokens: tuple[str, ...]  # the name's words as written, titles such as "General" left out
    speaker: bool = False  # the one who says it ("..., Mujahid said"), not what it is about


class Features:
    """What one passage says, reduced to comparable pieces (extracted once per article).

    ``mentions``: names as written; ``words``: content stems (stopwords and
    names left out, unique, in order); ``quantities``, ``dates``;
    ``quotes``: spans of quoted text (without the marks); ``cues``.

    Why it can be lazy (``Features.lazy``): a table hands out passages by
    the hundred thousand (``explorer events``) but a caller looks at the
    features of a few; they are made on first access.
    """

    __slots__ = ("_cues", "_dates", "_load", "_mentions", "_quantities", "_quotes", "_words")

    def __init__(
        self,
        mentions: tuple[Mention, ...] = (),
        words: tuple[str, ...] = (),
        quantities: tuple[Quantity, ...] = (),
        dates: tuple[DateMention, ...] = (),
        quotes: tuple[tuple[int, int], ...] = (),
        cues: tuple[Cue, ...] = (),
    ) -> None:
        self._mentions = mentions
        self._words = words
        self._quantities = quantities
        self._dates = dates
        self._quotes = quotes
        self._cues = cues
        self._load: Callable[[], Features] | None = None

    @classmethod
    def lazy(cls, load: Callable[[], Features]) -> Features:
        """Features made by ``load()`` when first read."""
        features = cls()
        features._load = load
        return features

    def _ready(self) -> None:
        load, self._load = self._load, None
        if load is not None:
            made = load()
            self._mentions, self._words, self._quantities = made.mentions, made.words, made.quantities
            self._dates, self._quotes, self._cues = made.dates, made.quotes, made.cues

    @property
    def mentions(self) -> tuple[Mention, ...]:
        if self._load is not None:
            self._ready()
        return self._mentions

    @property
    def words(self) -> tuple[str, ...]:
        if self._load is not None:
            self._ready()
        return self._words

    @property
    def quantities(self) -> tuple[Quantity, ...]:
        if self._load is not None:
            self._ready()
        return self._quantities

    @property
    def dates(self) -> tuple[DateMention, ...]:
        if self._load is not None:
            self._ready()
        return self._dates

    @property
    def quotes(self) -> tuple[tuple[int, int], ...]:
        if self._load is not None:
            self._ready()
        return self._quotes

    @property
    def cues(self) -> tuple[Cue, ...]:
        if self._load is not None:
            self._ready()
        return self._cues

    def _fields(self) -> tuple[Any, ...]:
        return (self.mentions, self.words, self.quantities, self.dates, self.quotes, self.cues)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Features) and self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        names = ("mentions", "words", "quantities", "dates", "quotes", "cues")
        return "Features(" + ", ".join(f"{n}={v!r}" for n, v in zip(names, self._fields(), strict=True)) + ")"


@dataclass(frozen=True, slots=True)
class Passage:
    """A sentence, or a few that belong together, of one article.

    ``start``/``end`` are offsets in the article's ``field`` ("text", or
    "title" for a title that is not simply the first sentence). ``index`` is
    the reading order within the article. ``entities`` are entity keys after
    spelling variants were unified (filled in when the table is grouped).
    """

    article_id: str
    source: str
    index: int
    field: str
    start: int
    end: int
    text: str
    published: str | None = None
    boilerplate: bool = False
    features: Features = field(default_factory=Features)
    entities: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return passage_key(self.article_id, self.index)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "article": self.article_id,
            "source": self.source,
            "index": self.index,
            "field": self.field,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "published": self.published,
        }


def passage_key(article_id: str, index: int) -> str:
    return f"{article_id}#{index}"


@dataclass(frozen=True, slots=True)
class Difference:
    """One thing the sources of an event disagree on, or that only some of them say.

    ``kind`` is one of: "number", "quote", "spelling", "hedge", "denial",
    "date", "only". ``text`` is the words as written in ``source``'s passage
    (``passage`` key, ``start``/``end`` offsets in that passage's field) so
    a front end can mark them; ``value`` is the normalised form;
    ``explanation`` says in a sentence how the other sources differ.
    """

    kind: str
    source: str
    article_id: str
    passage: str
    text: str
    value: str
    explanation: str
    start: int = -1
    end: int = -1

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "source": self.source,
            "article": self.article_id,
            "passage": self.passage,
            "text": self.text,
            "value": self.value,
            "explanation": self.explanation,
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True, slots=True)
class Event:
    """Passages from one or more articles that report the same happening.

    ``date`` is the day the event happened when the passages let us resolve
    it (kept apart from ``published``, the earliest publication date of the
    articles). ``by_source`` holds, per source, its passages in reading
    order. ``single_source`` marks events only one source reports.
    """

    id: str
    label: str
    date: str | None
    published: str | None
    sources: tuple[str, ...]
    articles: tuple[str, ...]
    passages: tuple[Passage, ...]  # ordered by source, then article, then reading order
    terms: tuple[str, ...] = ()  # the key entities and words behind the label
    differences: tuple[Difference, ...] = ()

    @property
    def single_source(self) -> bool:
        return len(self.sources) <= 1

    @property
    def by_source(self) -> dict[str, list[Passage]]:
        grouped: dict[str, list[Passage]] = {}
        for passage in self.passages:
            grouped.setdefault(passage.source, []).append(passage)
        return grouped

    def as_dict(self, *, differences: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "label": self.label,
            "date": self.date,
            "published": self.published,
            "sources": list(self.sources),
            "articles": list(self.articles),
            "single_source": self.single_source,
            "passages": [
                {"article": p.article_id, "source": p.source, "key": p.key, "text": p.text}
                for p in self.passages
            ],
        }
        if differences:
            data["differences"] = [d.as_dict() for d in self.differences]
        return data


@dataclass(frozen=True, slots=True)
class Story:
    """Articles that are mostly about the same events; every article is in exactly one story."""

    id: str
    label: str
    date: str | None  # earliest event date, else earliest publication date
    sources: tuple[str, ...]
    articles: tuple[str, ...]
    events: tuple[str, ...] = ()  # ids of its multi-source events

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "date": self.date,
            "sources": list(self.sources),
            "articles": list(self.articles),
            "events": list(self.events),
        }


@dataclass(frozen=True, slots=True)
class CompareRow:
    """One row of the compare view: per source (column), the passages aligned here."""

    cells: tuple[tuple[Passage, ...], ...]  # one tuple per column, empty where a source says nothing

    def as_dict(self, columns: tuple[str, ...]) -> dict[str, Any]:
        return {
            "cells": {
                source: [{"key": p.key, "article": p.article_id, "text": p.text} for p in cell]
                for source, cell in zip(columns, self.cells, strict=True)
            }
        }


@dataclass(frozen=True, slots=True)
class Comparison:
    """An event laid out as columns, one per source, aligned passage by passage."""

    event: Event
    columns: tuple[str, ...]  # sources, in column order
    rows: tuple[CompareRow, ...]
    differences: tuple[Difference, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "event": self.event.as_dict(differences=False),
            "columns": list(self.columns),
            "rows": [row.as_dict(self.columns) for row in self.rows],
            "differences": [d.as_dict() for d in self.differences],
        }
