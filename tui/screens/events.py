"""The events view: what the corpus reports, most sources first, filtered as you type.

The event table is built once per index generation in a thread worker
(``Explorer.events_table()``, slow on a big corpus); each event's label and
passages are folded for matching there too. Typing narrows the list in
another worker; every filter run has a generation number and an older
run's result is dropped (``ListingScreen`` does the loading and filtering).
``enter`` opens the compare view on the highlighted event, with the listed
events as its ``[``/``]`` sequence. Opened for one article (``article_id``),
the view lists only the events that article takes part in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Static

from ..messages import EventsFiltered, EventsLoaded
from ..textsafe import safe_line
from ..widgets.entities import EntityFilter, Row, RowList, fold_text
from ..widgets.rich_text import one_line
from .listing import LIST_LIMIT, ListingScreen


def event_key(event: Any) -> str:
    """The event's label and passages, folded: what the filter looks in."""
    return fold_text(" ".join([event.label, *(passage.text for passage in getattr(event, "passages", ()))]))


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
    def events(self) -> list[Any]:
        """Everything this view lists (events, or stories), most sources first."""
        return self.items

    def fetch(self) -> tuple[list[Any], list[str]]:
        events = self.read(self.explorer_app.explorer.events_table())
        return events, [event_key(event) for event in events]

    def read(self, table: Any) -> list[Any]:
        """What this view lists, from the event table (in the worker)."""
        if self.article_id:
            return table.events_of(self.article_id)
        if self.event_ids is not None:
            found = [table.event(event_id) for event_id in self.event_ids]
            return sorted((e for e in found if e is not None), key=lambda e: -len(e.sources))
        return table.events()

    def loaded_message(self, items: list[Any], keys: list[str], error: str | None) -> EventsLoaded:
        return EventsLoaded(items, keys=keys, error=error)

    def on_events_loaded(self, message: EventsLoaded) -> None:
        self.take(message.events, message.keys, message.error)

    def filtered_message(self, generation: int, text: str, found: list[Any]) -> EventsFiltered:
        return EventsFiltered(generation, text, found)

    def on_events_filtered(self, message: EventsFiltered) -> None:
        events = message.events
        self.show_filtered(message.generation, message.text, events[:LIST_LIMIT], len(events))

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

    def read(self, table: Any) -> list[Any]:
        return table.stories()

    def open_item(self, index: int) -> None:
        story = self.shown[index]
        self.app.push_screen(EventsScreen(title=story.label, event_ids=story.events))
