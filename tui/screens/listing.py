"""What the entities, events and stories views share: a filterable list loaded from the index.

Each of those views is a filter box with a prompt, a one-line summary, the
list, the status line and the keys. The table behind the list is read in a
thread worker whenever the index becomes ready or changes (first build,
re-index, a correction), with every item's text folded for matching there
too (or, for a view too large to fold up front, what to fold from: the
events view lists numbers and folds when first filtered), so the UI thread
never waits on a large corpus. What is typed narrows
the list in another worker (optionally debounced); every filter run has a
generation number and the result of an older one is dropped, as in the
search view. ``enter`` in the box filters now and goes to the list once the
result is in.

A view says only what it lists: where its table comes from (``fetch``), the
messages that carry it (kept per view, so each view's handlers stay
explicit), how its summary reads (``describe``) and what ``enter`` on a row
opens. Its names give the widget ids the stylesheet and tests use: with
``PREFIX = "entities"`` and ``ITEM = "entity"`` the view has
``#entities-row``, ``#entities-prompt``, ``#entities-summary``,
``#entities-status``, ``#entity-filter`` and ``#entity-list``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any, ClassVar, Protocol, cast

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Static

from ..widgets.entities import EntityFilter, RowList, fold_text, matches_filter
from ..widgets.footer import ExplorerFooter
from ..widgets.quiet import QuietStatic
from ..widgets.rich_text import one_line
from ..widgets.status import IndexState, StatusLine
from .base import ExplorerScreen
from .keys import KeySection

LIST_LIMIT = 500  # items listed at most; typing narrows the rest down


class ShowsItems(Protocol):
    """A view's list: ``show`` replaces its rows with one per item, cursor on the first."""

    def show(self, items: Sequence[Any]) -> None: ...


class ListingScreen(ExplorerScreen):
    """A filter box over a list read from the index; subclasses say what is listed and how."""

    PREFIX: ClassVar[str]  # "entities": the view's ids, worker groups, help title, error and notes
    ITEM: ClassVar[str]  # "entity": the filter's and the list's ids, the list's help title
    NOUN: ClassVar[str]  # "entities": what the loading note names
    FILTER: ClassVar[type[EntityFilter]]  # the filter box's class
    LIST: ClassVar[type[RowList]]  # the list's class; it is also ``ShowsItems``
    FILTER_DEBOUNCE_SECONDS: ClassVar[float | None] = None  # quiet time after the last key; None: at once
    KEEP_CURSOR: ClassVar[bool] = False  # a reload with the same filter leaves the cursor on its item

    def __init__(self) -> None:
        super().__init__()
        self.items: list[Any] = []  # everything the view lists, before filtering
        self._keys: Any = []  # each item's folded text, what the filter looks in (a view may keep a source)
        self.text = ""  # the filter as last applied
        self.shown: list[Any] = []  # what the list shows (the first LIST_LIMIT matches)
        self.total = 0  # items matching the filter (more than are listed, maybe)
        self.generation = 0
        self._debounce: Timer | None = None
        self._index_version = -1
        self._to_list_on_arrival = False
        self._error: str | None = None
        self.load_generation = 0  # the latest load's number: an older load's messages are dropped
        self._taken = 0  # the number of the load whose result the view shows (0: none yet)

    @property
    def loaded(self) -> bool:
        """A load's result arrived (the list shows something, maybe from an older index version)."""
        return self._taken > 0

    @property
    def pending(self) -> bool:
        """A filter run waits for its timer (tests wait on this)."""
        return self._debounce is not None

    @property
    def filter_box(self) -> EntityFilter:
        return self.query_one(self.FILTER)

    @property
    def listing(self) -> RowList:
        return self.query_one(self.LIST)

    def compose(self) -> ComposeResult:
        with Horizontal(id=f"{self.PREFIX}-row"):
            yield Static(Content(self.PREFIX.capitalize()), id=f"{self.PREFIX}-prompt")
            yield self.FILTER(id=f"{self.ITEM}-filter")
        yield QuietStatic(id=f"{self.PREFIX}-summary", fixed_height=True)
        yield self.LIST(id=f"{self.ITEM}-list")
        yield StatusLine(id=f"{self.PREFIX}-status")
        yield ExplorerFooter()

    def on_mount(self) -> None:
        self._summary(f"loading {self.NOUN}…")
        self.filter_box.focus()
        self.watch(self.app, "index_state", self._index_changed)

    def key_sections(self) -> list[KeySection]:
        return [
            KeySection(f"{self.PREFIX.capitalize()} view", self),
            KeySection("Filter box", self.filter_box, inherited=False),
            KeySection(f"{self.ITEM.capitalize()} list", self.listing),
            KeySection("Everywhere", self.app),
        ]

    def _summary(self, text: str) -> None:
        self.query_one(f"#{self.PREFIX}-summary", QuietStatic).show_content(Content(one_line(text)))

    # -- loading --------------------------------------------------------------------

    def _index_changed(self, state: IndexState) -> None:
        """(Re)load the table when the index was first built, re-indexed or corrected."""
        if state.ready and state.version != self._index_version:
            self._index_version = state.version
            self._load()
        elif not state.ready:
            self._summary(f"The index is being built; the {self.PREFIX} come with it.")

    def _load(self) -> None:
        self.load_generation += 1
        self.run_worker(
            partial(self._read, self.load_generation),
            name="_load",
            group=self.PREFIX,
            exclusive=True,
            exit_on_error=False,
            thread=True,
        )

    def _read(self, load: int) -> None:
        try:
            items, keys = self.fetch(load)
        except Exception as error:
            unavailable = f"{self.PREFIX.capitalize()} unavailable: {type(error).__name__}: {error}"
            self.post_message(self.loaded_message(load, [], [], unavailable))
        else:
            self.post_message(self.loaded_message(load, items, keys, None))

    def fetch(self, load: int) -> tuple[list[Any], Any]:
        """What the view lists, and each item's folded text (in the load worker, off the UI thread).

        ``load``: this load's number, for the progress messages a slow fetch posts. A view
        that overrides ``_match`` may return anything it matches on instead of the texts.
        """
        raise NotImplementedError

    def loaded_message(self, load: int, items: list[Any], keys: Any, error: str | None) -> Message:
        """The view's own message for the load worker's result; its handler calls ``take``."""
        raise NotImplementedError

    def waiting_for(self, load: int) -> bool:
        """Whether ``load`` is the latest load and its result has not arrived (its progress is news)."""
        return load == self.load_generation and self._taken != load

    def take(self, load: int, items: list[Any], keys: Any, error: str | None) -> None:
        """The load worker's result arrived: keep it and filter it by what the box holds.

        A cancelled worker still runs to its end (a thread cannot be stopped), so the result
        of a load overtaken by a newer one (the index changed again) is dropped.
        """
        if load != self.load_generation:
            return
        self._taken = load
        self.items, self._keys, self._error = items, keys, error
        self.filter_now(force=True)

    # -- filtering --------------------------------------------------------------------

    @on(Input.Changed)
    def _filter_changed(self, event: Input.Changed) -> None:
        if event.input is not self.filter_box:
            return
        if self.FILTER_DEBOUNCE_SECONDS is None:
            self.filter_now()
            return
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(
            self.FILTER_DEBOUNCE_SECONDS, self._debounced, name=f"{self.PREFIX}-debounce"
        )

    def _debounced(self) -> None:
        self._debounce = None
        self.filter_now()

    def filter_now(self, force: bool = False) -> None:
        """Filter by what the box holds now, unless that is what the list shows already."""
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        text = self.filter_box.value.strip()
        if not self.loaded or (text == self.text and not force):
            return
        self.generation += 1
        self._filter(self.generation, text, self.items, self._keys)

    def _filter(self, generation: int, text: str, items: list[Any], keys: Any) -> None:
        self.run_worker(
            partial(self._match, generation, text, items, keys),
            name="_filter",
            group=f"{self.PREFIX}-filter",
            exclusive=True,
            exit_on_error=False,
            thread=True,
        )

    def _match(self, generation: int, text: str, items: list[Any], keys: Any) -> None:
        """The filter worker's body: every item whose key holds every word typed."""
        words = fold_text(text).split()
        found = [item for item, key in zip(items, keys, strict=True) if matches_filter(key, words)]
        self.post_message(self.filtered_message(generation, text, found))

    def filtered_message(self, generation: int, text: str, found: list[Any]) -> Message:
        """The view's own message for a filter run's matches; its handler calls ``show_filtered``."""
        raise NotImplementedError

    def show_filtered(self, generation: int, text: str, shown: list[Any], total: int) -> None:
        """A filter run's result arrived: list it unless typing went on meanwhile."""
        if generation != self.generation:
            return  # typing went on meanwhile
        listing = self.listing
        kept = None
        if self.KEEP_CURSOR and text == self.text and listing.highlighted is not None:
            current = listing.highlighted
            kept = self.shown[current].id if 0 <= current < len(self.shown) else None
        self.text, self.shown, self.total = text, shown, total
        cast("ShowsItems", listing).show(shown)
        if kept is not None:  # a reload (a correction, a re-index) leaves the cursor on its item
            for index, item in enumerate(self.shown):
                if item.id == kept:
                    listing.highlighted = index
                    break
        self._summary(self.describe())
        if self._to_list_on_arrival:
            self._to_list_on_arrival = False
            self._to_list_if_any()

    def describe(self) -> str:
        """The summary line under the filter box: what is listed, how it is ordered."""
        raise NotImplementedError

    # -- actions ----------------------------------------------------------------------

    def action_submit_filter(self) -> None:
        """Enter in the filter box: filter now and go to the list (once it is there)."""
        text = self.filter_box.value.strip()
        if self._debounce is None and text == self.text and self.loaded:
            self._to_list_if_any()
            return
        self._to_list_on_arrival = True
        self.filter_now()

    def _to_list_if_any(self) -> None:
        if self.shown:
            self.set_focus(self.listing)

    def action_focus_list(self) -> None:
        self.set_focus(self.listing)

    def action_focus_filter(self) -> None:
        self.set_focus(self.filter_box)

    def action_back(self) -> None:
        self.dismiss(None)
