"""The events view: what the corpus reports, most sources first, filtered as you type.

The event table is built once per index generation in a thread worker
(``Explorer.events_table()``, slow on a big corpus). The view works on
event *numbers*: a corpus of 100,000 articles has over a million events,
most of them one passage of one source, and making a record (and a label)
for each took minutes and gigabytes. So loading orders the numbers only,
and each filter run (another worker) counts the matches and makes records
for the first ``LIST_LIMIT`` alone. What the filter looks in (label and
passages, folded) is folded from the table when first needed and kept for
the table (``event_texts``): the explorer keeps one table per index version,
so only the first filter on it folds, not every view opened again.
Every filter run has a generation number and an older run's result is
dropped (``ListingScreen`` does the loading and the bookkeeping). ``enter``
opens the compare view on the highlighted event, with the listed events as
its ``[``/``]`` sequence. Opened for one article (``article_id``), the view
lists only the events that article takes part in.
"""

from __future__ import annotations

import re
import threading
import unicodedata
import weakref
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, ClassVar, Protocol

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Static
from textual.worker import get_current_worker

from search.explorer import LOADING_EVENTS

from ..messages import EventsFiltered, EventsLoaded, EventsProgress
from ..progress import throttled
from ..textsafe import safe_line
from ..widgets.entities import EntityFilter, Row, RowList, fold_text
from ..widgets.rich_text import one_line
from .listing import LIST_LIMIT, ListingScreen


def event_key(event: Any) -> str:
    """The event's label and passages, folded: what the filter looks in (from a record)."""
    return fold_text(" ".join([event.label, *(passage.text for passage in getattr(event, "passages", ()))]))


@cache
def _combining() -> dict[int, None]:
    """Every code point with a combining class, to delete with ``str.translate`` (built once)."""
    return {code: None for code in range(0x110000) if unicodedata.combining(chr(code))}


def fold_fast(text: str) -> str:
    """``fold_text``, exactly, but fast on long texts (a large corpus folds every passage once).

    ``fold_text`` drops combining marks one character at a time in Python;
    here ASCII text skips that and other text drops them with ``translate``.
    """
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered)
    return decomposed if decomposed.isascii() else decomposed.translate(_combining())


_APOSTROPHED = re.compile("\\S*['\u2019]\\S*")


def _unquoted(key: str) -> str:
    """``key`` without its apostrophes (as ``search.analysis.fold`` drops them)."""
    return key.replace("'", "").replace("\u2019", "")


def apostrophe_free(key: str) -> str:
    """The runs of ``key`` (between spaces) that hold an apostrophe, without their apostrophes.

    A label's words are written as ``search.analysis.fold`` writes them,
    apostrophes dropped ("don't" is "dont"): a typed word can be in such a
    label word without being in the passages only if it is in one of these.
    """
    if "'" not in key and "\u2019" not in key:
        return ""
    return "\n".join(map(_unquoted, _APOSTROPHED.findall(key)))


def label_may_hold(word: str, key: str, extra: str) -> bool:
    """Whether a label not made yet could hold ``word``, which the passages (``key``) lack.

    ``extra`` is ``apostrophe_free(key)``. A label
    (``search.events.events.make_label``) is names as the passages write
    them (possessive cut off) and words as ``search.analysis.fold`` writes
    them (apostrophes dropped; lower-cased alone, so a Greek sigma may turn
    final, "\u03c2"), joined by ", "; failing those, the first passage cut at 60
    characters and "…" (folded: "..."). So a word the passages lack can be
    in the label only as such a word, before a ", ", or before the dots.
    """
    if "\u03c2" in word and "\u03c3" in key:
        return True
    if word.endswith(","):
        part = word[:-1]
        return "," in part or part in key or part in extra or ("\u03c2" in part and "\u03c3" in key)
    if word.endswith("."):
        return word.rstrip(".") in key
    return word in extra


class FilterTexts(Protocol):
    """What a view's filter looks in, by item number, and the records of the numbers shown."""

    def select(
        self, numbers: Sequence[int], words: Sequence[str], cancelled: Callable[[], bool]
    ) -> list[int] | None: ...

    def records(self, numbers: Sequence[int]) -> list[Any]: ...


NOT_FOLDED, FOLDED, WITH_LABEL = 0, 1, 2  # EventTexts._state


class EventTexts:
    """Each event's label and passages folded (what the filter looks in), made when first needed.

    Kept per table (``event_texts``), so only the first filter on a table
    folds (seconds for a million events, in the filter worker; a newer key
    stops it and the next run goes on from what was folded). An event still unlabelled (most
    single-passage events: they are labelled when first shown) is matched
    on its passages, and its label is made only when a word its passages
    lack could be in it (``label_may_hold``): the same matches as folding
    every label, without making a million labels. Numbers are scanned
    with list comprehensions, word by word: a keystroke over a million
    events costs a few of those.
    """

    def __init__(self, table: Any) -> None:
        self.table = table
        self._keys: list[str] = []  # by event number: label (when made) and passages, folded
        # by event number: ``apostrophe_free`` of the key; None until asked for (``_extra_of``),
        # "" at once when the key holds no apostrophe
        self._extra: list[str | None] = []
        self._state = bytearray()  # by event number: NOT_FOLDED, FOLDED or WITH_LABEL
        self._complete: Sequence[int] | None = None  # the last list folded whole

    def _fold(self, numbers: Sequence[int], cancelled: Callable[[], bool]) -> bool:
        """Fold every event of ``numbers`` not folded yet; False when cancelled first."""
        if numbers is self._complete:
            return True  # the view's list, folded by an earlier run
        size = max(numbers, default=-1) + 1
        if size > len(self._keys):
            grow = size - len(self._keys)
            self._keys.extend([""] * grow)
            self._extra.extend([""] * grow)
            self._state.extend(bytes(grow))
        state, keys, extra = self._state, self._keys, self._extra
        for count, number in enumerate([n for n in numbers if not state[n]]):
            if count % 2048 == 0 and cancelled():
                return False
            label, texts = self.table.event_text(number)
            key = "\n".join(map(fold_fast, texts if label is None else [label, *texts]))
            keys[number] = key
            # Made when a filter asks (a third of the first filter's time over a million events)
            extra[number] = None if "'" in key or "\u2019" in key else ""
            state[number] = FOLDED if label is None else WITH_LABEL
        self._complete = numbers
        return True

    def _extra_of(self, number: int) -> str:
        """``apostrophe_free`` of the event's key, made once."""
        value = self._extra[number]
        if value is None:
            value = self._extra[number] = apostrophe_free(self._keys[number])
        return value

    def select(
        self, numbers: Sequence[int], words: Sequence[str], cancelled: Callable[[], bool]
    ) -> list[int] | None:
        """The numbers, in order, whose label or passages hold every word (None: cancelled)."""
        if not self._fold(numbers, cancelled):
            return None
        keys, extra, state = self._keys, self._extra, self._state
        hits = list(numbers)
        for word in words:
            hits = [n for n in hits if word in keys[n]]
        # events whose label, not made yet, could hold what their passages lack
        if any("\u03c2" in word or word.endswith((",", ".")) for word in words):
            maybe = [n for n in numbers if state[n] == FOLDED]
            for word in words:
                maybe = [
                    n for n in maybe if word in keys[n] or label_may_hold(word, keys[n], self._extra_of(n))
                ]
        else:  # then only a word its passages write with an apostrophe can be in the label alone
            maybe = [n for n in numbers if extra[n] != "" and state[n] == FOLDED]
            extra_of = self._extra_of
            for word in words:
                # ``apostrophe_free`` keeps runs of the key without their apostrophes: a word in
                # one is in the whole key without apostrophes, which is quicker to ask first
                maybe = [
                    n
                    for n in maybe
                    if word in keys[n] or (word in _unquoted(keys[n]) and word in extra_of(n))
                ]
        if not maybe:
            return hits
        found = set(hits)
        extra_hits = False
        for count, number in enumerate(n for n in maybe if n not in found):
            if count % 256 == 0 and cancelled():
                return None
            key = fold_fast(self.table.event_label(number)) + "\n" + keys[number]
            keys[number], extra[number], state[number] = key, apostrophe_free(key), WITH_LABEL
            if all(word in key for word in words):
                found.add(number)
                extra_hits = True
        return [n for n in numbers if n in found] if extra_hits else hits

    def records(self, numbers: Sequence[int]) -> list[Any]:
        return self.table.events_at(numbers)


class StoryTexts:
    """Each story's label folded (what the filter looks in), made when first needed."""

    def __init__(self, table: Any) -> None:
        self.table = table
        self._keys: dict[int, str] = {}

    def select(
        self, numbers: Sequence[int], words: Sequence[str], cancelled: Callable[[], bool]
    ) -> list[int] | None:
        keys = self._keys
        for number in numbers:
            if number not in keys:
                keys[number] = fold_fast(self.table.story_label(number))
        return [n for n in numbers if all(word in keys[n] for word in words)]

    def records(self, numbers: Sequence[int]) -> list[Any]:
        return self.table.stories_at(numbers)


_TEXTS: weakref.WeakKeyDictionary[Any, EventTexts] = weakref.WeakKeyDictionary()
_TEXTS_LOCK = threading.Lock()


def event_texts(table: Any) -> EventTexts:
    """The table's ``EventTexts``, shared by every events view on it (dropped with the table)."""
    with _TEXTS_LOCK:
        found = _TEXTS.get(table)
        if found is None:
            found = _TEXTS[table] = EventTexts(table)
        return found


class EventRow(Row):
    """``>  4 src  2021-09-05  Fahim Dashty, Resistance, killed`` (``1 src*``: one source only)."""

    def __init__(self, event: Any) -> None:
        self.event = event
        self._label = one_line(safe_line(event.label))

    def line(self, width: int) -> Content:
        count = len(self.event.sources)
        mark = "*" if getattr(self.event, "single_source", len(self.event.sources) < 2) else " "
        lead = f"{self.mark()}{count:>3} src{mark} "
        date = (self.event.date or getattr(self.event, "published", None) or "----------")[:10].ljust(
            10
        ) + "  "
        if self.selected:
            return Content.assemble(lead, date, (self._label, ".events--label"))
        return Content.assemble(
            (lead, ".events--count"), (date, ".events--date"), (self._label, ".events--label")
        )


class EventList(RowList):
    """The events view's list; ``enter`` compares the highlighted event's sources."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.open_event", "Compare", id="events.open"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {"events--count", "events--date", "events--label"}

    def show(self, events: Sequence[Any]) -> None:
        self.show_rows([(EventRow(event), None) for event in events])

    @property
    def current_index(self) -> int | None:
        """Where the cursor is in the list (and in the view's ``shown``); None when it is empty."""
        return None if self.current_row is None else self.highlighted


class EventFilter(EntityFilter):
    """The events view's filter box; ``enter`` or ``down`` goes to the list."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.placeholder = "Filter: words of the event (enter: to the list, esc: back)"


def progress_text(done: int, total: int, stage: str, noun: str = "events") -> str:
    """The summary line while the event table is loaded or derived (``Explorer.events_table``'s stages)."""
    if stage == LOADING_EVENTS:
        return f"loading {noun}…"
    count = f" {done:,}/{total:,} articles" if total else ""
    return f"deriving events: {stage}{count}…"


class EventsScreen(ListingScreen):
    """Every event (or one article's), most sources first; ``enter`` compares one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_filter", "Filter", id="events.focus-filter"),
        Binding("escape", "back", "Back", id="events.back"),
    ]

    PREFIX = "events"
    ITEM = "event"
    NOUN = "events"
    FILTER = EventFilter
    LIST = EventList

    def __init__(
        self, article_id: str | None = None, title: str | None = None, event_ids: Sequence[str] | None = None
    ) -> None:
        super().__init__()
        self.article_id = article_id
        self.event_ids = list(event_ids) if event_ids is not None else None  # a story's events
        self.title_text = title

    @property
    def events(self) -> list[int]:
        """The numbers of everything this view lists (events, or stories), most sources first."""
        return self.items

    def fetch(self, load: int) -> tuple[list[int], FilterTexts]:
        report = throttled(
            lambda done, total, stage: self.post_message(EventsProgress(load, done, total, stage))
        )
        table = self.explorer_app.explorer.events_table(report)
        return self.read(table), self.texts(table)

    def on_events_progress(self, message: EventsProgress) -> None:
        """A derivation from cold takes minutes on a large corpus: say what it is doing meanwhile
        (also over the list shown before, when the index changed under the open view)."""
        if self.waiting_for(message.load):
            self._summary(progress_text(message.done, message.total, message.stage, self.NOUN))

    def read(self, table: Any) -> list[int]:
        """The numbers of what this view lists, in order, from the event table (in the worker)."""
        if self.article_id:
            return table.event_numbers(article_ids=[self.article_id])
        if self.event_ids is not None:
            found = [n for n in map(table.event_number, self.event_ids) if n is not None]
            sources = {n: len(e.sources) for n, e in zip(found, table.events_at(found), strict=True)}
            return sorted(found, key=lambda n: -sources[n])  # a story's events: few records
        return table.event_numbers()

    def texts(self, table: Any) -> FilterTexts:
        """What the filter looks in (folded when first needed, then kept for the table)."""
        return event_texts(table)

    def loaded_message(self, load: int, items: list[Any], keys: Any, error: str | None) -> EventsLoaded:
        return EventsLoaded(items, keys=keys, error=error, load=load)

    def on_events_loaded(self, message: EventsLoaded) -> None:
        self.take(message.load, message.events, message.keys, message.error)

    def _match(self, generation: int, text: str, items: list[Any], keys: Any) -> None:
        """The first ``LIST_LIMIT`` matches as records, and how many match (in the filter worker)."""
        words = fold_text(text).split()
        if not words:
            found, total = items[:LIST_LIMIT], len(items)
        else:
            worker = get_current_worker()
            matching = keys.select(items, words, lambda: worker.is_cancelled)
            if matching is None:
                return  # typing went on: a newer run counts
            found, total = matching[:LIST_LIMIT], len(matching)
        shown = keys.records(found) if found else []
        self.post_message(EventsFiltered(generation, text, shown, total))

    def on_events_filtered(self, message: EventsFiltered) -> None:
        self.show_filtered(message.generation, message.text, message.events, message.total)

    def describe(self) -> str:
        if self._error:
            return self._error
        scoped = self.article_id or self.event_ids is not None
        whose = f"{self.NOUN} of {self.title_text or self.article_id}" if scoped else self.NOUN
        if not self.events:
            return f"No {whose} in this index."
        counted = (
            f"{self.total} of {len(self.events)} {whose} match {self.text!r}"
            if self.text
            else (f"{len(self.events)} {whose}")
        )
        parts = [counted, "most sources first", "* one source only"]
        if self.total > len(self.shown):
            parts.append(f"first {len(self.shown)} listed")
        return " · ".join(parts)

    def action_open_event(self) -> None:
        index = self.query_one(EventList).current_index
        if index is None:
            self.app.bell()
            return
        self.open_item(index)

    def open_item(self, index: int) -> None:
        from .compare import CompareScreen

        ids = [event.id for event in self.shown]
        self.app.push_screen(CompareScreen(ids, index))


class StoriesScreen(EventsScreen):
    """Every story (events and articles about one matter), most sources first; ``enter`` lists its events."""

    NOUN = "stories"

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#events-prompt", Static).update(Content("Stories"))
        self.query_one(EventFilter).placeholder = "Filter: words of the story (enter: to the list, esc: back)"

    def read(self, table: Any) -> list[int]:
        return table.story_numbers()

    def texts(self, table: Any) -> FilterTexts:
        return StoryTexts(table)

    def open_item(self, index: int) -> None:
        story = self.shown[index]
        self.app.push_screen(EventsScreen(title=story.label, event_ids=story.events))
