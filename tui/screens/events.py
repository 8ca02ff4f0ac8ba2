"""The events view: what the corpus reports, most sources first, filtered as you type.

The event table is built once per index generation in a thread worker
(``Explorer.events_table()``, slow on a big corpus); each event's label and
passages are folded for matching there too. Typing narrows the list in
another worker; every filter run has a generation number and an older
run's result is dropped. ``enter`` opens the compare view on the
highlighted event, with the listed events as its ``[``/``]`` sequence.
Opened for one article (``article_id``), the view lists only the events
that article takes part in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from ..messages import EventsFiltered, EventsLoaded
from ..textsafe import safe_line
from ..widgets.entities import EntityFilter, Row, RowList, fold_text
from ..widgets.quiet import QuietStatic
from ..widgets.rich_text import one_line
from ..widgets.status import IndexState, StatusLine
from .keys import KeySection

if TYPE_CHECKING:
    from ..app import ExplorerApp

LIST_LIMIT = 500  # events listed at most; typing narrows the rest down


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

    def show(self, events: list[Any]) -> None:
        self.show_rows([(EventRow(event), None) for event in events])

    @property
    def current_index(self) -> int | None:
        if self.highlighted is None or not 0 <= self.highlighted < self.option_count:
            return None
        return self.highlighted


class EventFilter(EntityFilter):
    """The events view's filter box; ``enter`` or ``down`` goes to the list."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.placeholder = "Filter: words of the event (enter: to the list, esc: back)"


class EventsScreen(Screen[None]):
    """Every event (or one article's), most sources first; ``enter`` compares one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_filter", "Filter", id="events.focus-filter"),
        Binding("escape", "back", "Back", id="events.back"),
    ]

    NOUN = "events"

    def __init__(
        self, article_id: str | None = None, title: str | None = None, event_ids: Sequence[str] | None = None
    ) -> None:
        super().__init__()
        self.article_id = article_id
        self.event_ids = list(event_ids) if event_ids is not None else None  # a story's events
        self.title_text = title
        self.events: list[Any] = []
        self._keys: list[str] = []
        self.loaded = False
        self.text = ""
        self.shown: list[Any] = []
        self.generation = 0
        self._index_version = -1
        self._to_list_on_arrival = False
        self._error: str | None = None

    @property
    def explorer_app(self) -> ExplorerApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Horizontal(id="events-row"):
            yield Static(Content("Events"), id="events-prompt")
            yield EventFilter(id="event-filter")
        yield QuietStatic(id="events-summary", fixed_height=True)
        yield EventList(id="event-list")
        yield StatusLine(id="events-status")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self._summary("loading events…")
        self.query_one(EventFilter).focus()
        self.watch(self.app, "index_state", self._index_changed)

    def key_sections(self) -> list[KeySection]:
        return [
            KeySection("Events view", self),
            KeySection("Filter box", self.query_one(EventFilter), inherited=False),
            KeySection("Event list", self.query_one(EventList)),
            KeySection("Everywhere", self.app),
        ]

    def _summary(self, text: str) -> None:
        self.query_one("#events-summary", QuietStatic).show_content(Content(one_line(text)))

    def _index_changed(self, state: IndexState) -> None:
        if state.ready and state.version != self._index_version:
            self._index_version = state.version
            self._load()
        elif not state.ready:
            self._summary("The index is being built; the events come with it.")

    @work(thread=True, exclusive=True, group="events", exit_on_error=False)
    def _load(self) -> None:
        try:
            table = self.explorer_app.explorer.events_table()
            events = self.read(table)
            keys = [event_key(event) for event in events]
        except Exception as error:
            self.post_message(EventsLoaded([], error=f"Events unavailable: {type(error).__name__}: {error}"))
        else:
            self.post_message(EventsLoaded(events, keys=keys))

    def read(self, table: Any) -> list[Any]:
        """What this view lists, from the event table (in the worker)."""
        if self.article_id:
            return table.events_of(self.article_id)
        if self.event_ids is not None:
            found = [table.event(event_id) for event_id in self.event_ids]
            return sorted((e for e in found if e is not None), key=lambda e: -len(e.sources))
        return table.events()

    def on_events_loaded(self, message: EventsLoaded) -> None:
        self.events, self._keys, self._error = message.events, message.keys, message.error
        self.loaded = True
        self.filter_now(force=True)

    @on(Input.Changed, "#event-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_now()

    def filter_now(self, force: bool = False) -> None:
        text = self.query_one(EventFilter).value.strip()
        if not self.loaded or (text == self.text and not force):
            return
        self.generation += 1
        self._filter(self.generation, text, self.events, self._keys)

    @work(thread=True, exclusive=True, group="events-filter", exit_on_error=False)
    def _filter(self, generation: int, text: str, events: list[Any], keys: list[str]) -> None:
        words = fold_text(text).split()
        found = [event for event, key in zip(events, keys, strict=True) if all(w in key for w in words)]
        self.post_message(EventsFiltered(generation, text, found))

    def on_events_filtered(self, message: EventsFiltered) -> None:
        if message.generation != self.generation:
            return
        self.text, self.shown = message.text, message.events
        self.query_one(EventList).show(message.events[:LIST_LIMIT])
        self._summary(self._describe())
        if self._to_list_on_arrival:
            self._to_list_on_arrival = False
            self._to_list_if_any()

    def _describe(self) -> str:
        if self._error:
            return self._error
        scoped = self.article_id or self.event_ids is not None
        whose = f"{self.NOUN} of {self.title_text or self.article_id}" if scoped else self.NOUN
        if not self.events:
            return f"No {whose} in this index."
        counted = (
            f"{len(self.shown)} of {len(self.events)} {whose} match {self.text!r}"
            if self.text
            else (f"{len(self.events)} {whose}")
        )
        parts = [counted, "most sources first", "* one source only"]
        if len(self.shown) > LIST_LIMIT:
            parts.append(f"first {LIST_LIMIT} listed")
        return " · ".join(parts)

    # -- actions ----------------------------------------------------------------------

    def action_submit_filter(self) -> None:
        text = self.query_one(EventFilter).value.strip()
        if text == self.text and self.loaded:
            self._to_list_if_any()
            return
        self._to_list_on_arrival = True
        self.filter_now()

    def _to_list_if_any(self) -> None:
        if self.shown:
            self.set_focus(self.query_one(EventList))

    def action_focus_list(self) -> None:
        self.set_focus(self.query_one(EventList))

    def action_focus_filter(self) -> None:
        self.set_focus(self.query_one(EventFilter))

    def action_open_event(self) -> None:
        index = self.query_one(EventList).current_index
        if index is None:
            self.app.bell()
            return
        self.open_item(index)

    def open_item(self, index: int) -> None:
        from .compare import CompareScreen

        ids = [event.id for event in self.shown[:LIST_LIMIT]]
        self.app.push_screen(CompareScreen(ids, index))

    def action_back(self) -> None:
        self.dismiss(None)


class StoriesScreen(EventsScreen):
    """Every story (events and articles about one matter), most sources first; ``enter`` lists its events."""

    NOUN = "stories"

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#events-prompt", Static).update(Content("Stories"))
        self.query_one(EventFilter).placeholder = "Filter: words of the story (enter: to the list, esc: back)"
        self._summary("loading stories…")

    def read(self, table: Any) -> list[Any]:
        return table.stories()

    def open_item(self, index: int) -> None:
        story = self.shown[index]
        self.app.push_screen(EventsScreen(title=story.label, event_ids=story.events))
