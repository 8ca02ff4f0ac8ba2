"""Messages that carry results from worker threads back to the UI thread.

Workers never touch widgets: they post one of these (``post_message`` is
thread safe) and the handler, on the UI thread, decides what to show. Each
search carries the generation it was started under, so a result that
arrives after the query changed is recognised as stale and dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.message import Message

from search.models import Article, IndexStatus, IndexSummary, SearchResult, Span

if TYPE_CHECKING:  # the entity engine is loaded only when entities are first used
    from search.entities.model import Entity, MentionRef


@dataclass(frozen=True)
class SearchRequest:
    """Everything one search depends on; equal requests give equal results."""

    query: str
    exact: bool = False
    sources: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    limit: int = 50


@dataclass
class SearchDone(Message):
    """A search finished (``result``) or failed (``error``, a sentence for people)."""

    generation: int
    request: SearchRequest
    result: SearchResult | None = None
    error: str | None = None


@dataclass
class ArticleLoaded(Message):
    """An article and where the current search's words occur in its text."""

    generation: int
    article_id: str
    article: Article | None
    spans: list[Span] = field(default_factory=list)
    error: str | None = None
    mentions: list[MentionRef] = field(default_factory=list)  # entity names in the text
    names: dict[str, str] = field(default_factory=dict)  # entity id -> canonical name


@dataclass
class SourcesLoaded(Message):
    """The corpus's sources with their article counts, largest first."""

    sources: list[tuple[str, int]]
    error: str | None = None


@dataclass
class IndexProgress(Message):
    """Indexing got further: ``done`` of ``total`` files of ``stage`` (see search.models.ProgressCallback)."""

    done: int
    total: int
    stage: str = ""


@dataclass
class IndexReport(Message):
    """What the index worker learnt: the index's status, and what a run changed.

    ``checked`` says the corpus was compared with the index (stale files
    counted); ``final`` that the worker is done.
    """

    status: IndexStatus | None
    summary: IndexSummary | None = None
    warnings: int = 0
    error: str | None = None
    checked: bool = False
    final: bool = True


# -- entities ---------------------------------------------------------------------


@dataclass(frozen=True)
class EntityArticle:
    """What the entity page lists for one of the entity's articles."""

    id: str
    date: str | None
    source: str
    title: str


@dataclass
class EntitiesLoaded(Message):
    """The corpus's entities, most articles first, and each one's folded spellings (for filtering)."""

    entities: list[Entity]
    error: str | None = None
    keys: list[str] = field(default_factory=list)
    load: int = 0  # the view's load this answers (``ListingScreen.load_generation``)


@dataclass
class EntitiesFiltered(Message):
    """The entities whose spellings hold ``text``: the first few of ``total``, most articles first."""

    generation: int
    text: str
    entities: list[Entity]
    total: int


@dataclass
class EntityLoaded(Message):
    """One entity and the headers of (up to a limit of) its articles; None when it is gone."""

    generation: int
    entity: Entity | None
    articles: list[EntityArticle] = field(default_factory=list)
    error: str | None = None


@dataclass
class EntityCorrected(Message):
    """A merge or split was recorded: ``entity`` is what the page shows now (None: failed)."""

    operation: str
    description: str
    entity: Entity | None = None
    error: str | None = None


@dataclass
class EntityRequested(Message):
    """Someone asked for an entity's page (the article pane's ``o``); the app opens it."""

    entity_id: str


# -- events -----------------------------------------------------------------------


@dataclass
class EventsLoaded(Message):
    """The numbers of the corpus's events (or stories), most sources first, and what the filter looks in."""

    events: list[int]  # event (or story) numbers of the event table
    keys: Any = None  # tui.screens.events.FilterTexts
    error: str | None = None
    load: int = 0  # the view's load this answers (``ListingScreen.load_generation``)


@dataclass
class EventsProgress(Message):
    """The event table is being read or derived: ``done`` of ``total`` articles of ``stage`` (total 0: words only)."""

    load: int  # the view's load this is about (``ListingScreen.load_generation``)
    done: int
    total: int
    stage: str


@dataclass
class EventsFiltered(Message):
    """The events whose label or passages hold every word of ``text``: the first few of ``total``."""

    generation: int
    text: str
    events: list[Any]  # search.events.models.Event (or Story) records
    total: int = 0


@dataclass
class ComparisonLoaded(Message):
    """One event laid out for comparison (None: it is gone or could not be compared)."""

    generation: int
    event_id: str
    comparison: Any = None  # search.events.models.Comparison
    error: str | None = None
