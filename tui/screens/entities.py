"""The entities view: the corpus's people, organisations and places, most articles first.

The table is read once in a thread worker (``Explorer.entities()``), with
every entity's spellings folded for matching; what is typed in the filter
box then narrows the list, debounced, in another worker (a large corpus has
tens of thousands of entities), which lists the first ``LIST_LIMIT`` and
counts the rest. As in the search view, every filter run has a generation
number and the results of an older one are dropped. ``enter`` opens an
entity's page; a correction made there, or a re-index, reloads the list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static

from ..messages import EntitiesFiltered, EntitiesLoaded
from ..widgets.entities import EntityFilter, EntityList, filter_key, fold_text, matches_filter
from ..widgets.quiet import QuietStatic
from ..widgets.rich_text import one_line
from ..widgets.status import IndexState, StatusLine
from .keys import KeySection

if TYPE_CHECKING:
    from search.entities.model import Entity

    from ..app import ExplorerApp

FILTER_DEBOUNCE_SECONDS = 0.15  # quiet time after the last key before the list is filtered
LIST_LIMIT = 500  # entities listed at most; typing narrows the rest down


class EntitiesScreen(Screen[None]):
    """Every entity, filtered as you type; ``enter`` opens one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_filter", "Filter", id="entities.focus-filter"),
        Binding("escape", "back", "Back", id="entities.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.entities: list[Entity] = []
        self._keys: list[str] = []  # each entity's folded spellings
        self.loaded = False
        self.text = ""  # the filter as last applied
        self.shown: list[Entity] = []
        self.total = 0  # entities matching the filter (more than are listed, maybe)
        self.generation = 0
        self._debounce: Timer | None = None
        self._index_version = -1
        self._to_list_on_arrival = False
        self._error: str | None = None

    @property
    def explorer_app(self) -> ExplorerApp:
        return self.app  # type: ignore[return-value]

    @property
    def pending(self) -> bool:
        """A filter run waits for its timer (tests wait on this)."""
        return self._debounce is not None

    def compose(self) -> ComposeResult:
        with Horizontal(id="entities-row"):
            yield Static(Content("Entities"), id="entities-prompt")
            yield EntityFilter(id="entity-filter")
        yield QuietStatic(id="entities-summary", fixed_height=True)
        yield EntityList(id="entity-list")
        yield StatusLine(id="entities-status")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self._summary("loading entities…")
        self.query_one(EntityFilter).focus()
        self.watch(self.app, "index_state", self._index_changed)

    def key_sections(self) -> list[KeySection]:
        return [
            KeySection("Entities view", self),
            KeySection("Filter box", self.query_one(EntityFilter), inherited=False),
            KeySection("Entity list", self.query_one(EntityList)),
            KeySection("Everywhere", self.app),
        ]

    def _summary(self, text: str) -> None:
        self.query_one("#entities-summary", QuietStatic).show_content(Content(one_line(text)))

    # -- loading --------------------------------------------------------------------

    def _index_changed(self, state: IndexState) -> None:
        """(Re)load the table when the index was first built, re-indexed or corrected."""
        if state.ready and state.version != self._index_version:
            self._index_version = state.version
            self._load()
        elif not state.ready:
            self._summary("The index is being built; the entities come with it.")

    @work(thread=True, exclusive=True, group="entities", exit_on_error=False)
    def _load(self) -> None:
        try:
            entities = self.explorer_app.explorer.entities().filter()
            keys = [filter_key(entity) for entity in entities]
        except Exception as error:
            self.post_message(
                EntitiesLoaded([], error=f"Entities unavailable: {type(error).__name__}: {error}")
            )
        else:
            self.post_message(EntitiesLoaded(entities, keys=keys))

    def on_entities_loaded(self, message: EntitiesLoaded) -> None:
        self.entities, self._keys = message.entities, message.keys
        self._error = message.error
        self.loaded = True
        self.filter_now(force=True)

    # -- filtering --------------------------------------------------------------------

    @on(Input.Changed, "#entity-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(FILTER_DEBOUNCE_SECONDS, self._debounced, name="entities-debounce")

    def _debounced(self) -> None:
        self._debounce = None
        self.filter_now()

    def filter_now(self, force: bool = False) -> None:
        """Filter by what the box holds now, unless that is what the list shows already."""
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        text = self.query_one(EntityFilter).value.strip()
        if not self.loaded or (text == self.text and not force):
            return
        self.generation += 1
        self._filter(self.generation, text, self.entities, self._keys)

    @work(thread=True, exclusive=True, group="entities-filter", exit_on_error=False)
    def _filter(self, generation: int, text: str, entities: list[Entity], keys: list[str]) -> None:
        words = fold_text(text).split()
        found = [entity for entity, key in zip(entities, keys, strict=True) if matches_filter(key, words)]
        self.post_message(EntitiesFiltered(generation, text, found[:LIST_LIMIT], len(found)))

    def on_entities_filtered(self, message: EntitiesFiltered) -> None:
        if message.generation != self.generation:
            return  # typing went on meanwhile
        listing = self.query_one(EntityList)
        current = listing.current_entity
        kept = current.id if current is not None and message.text == self.text else None
        self.text, self.shown, self.total = message.text, message.entities, message.total
        listing.show(message.entities)
        if kept is not None:  # a reload (a correction, a re-index) leaves the cursor on its entity
            for index, entity in enumerate(message.entities):
                if entity.id == kept:
                    listing.highlighted = index
                    break
        self._summary(self._describe())
        if self._to_list_on_arrival:
            self._to_list_on_arrival = False
            self._to_list_if_any()

    def _describe(self) -> str:
        if self._error:
            return self._error
        everything = len(self.entities)
        if not everything:
            return "No entities in this index yet (r in the search view re-indexes)."
        if self.text:
            counted = f"{self.total} of {everything} entities match {self.text!r}"
        else:
            counted = f"{everything} entities"
        parts = [counted, "most articles first"]
        if self.total > len(self.shown):
            parts.append(f"first {len(self.shown)} listed: type to narrow")
        return " · ".join(parts)

    # -- actions ----------------------------------------------------------------------

    def action_submit_filter(self) -> None:
        """Enter in the filter box: filter now and go to the list (once it is there)."""
        text = self.query_one(EntityFilter).value.strip()
        if self._debounce is None and text == self.text and self.loaded:
            self._to_list_if_any()
            return
        self._to_list_on_arrival = True
        self.filter_now()

    def _to_list_if_any(self) -> None:
        if self.shown:
            self.set_focus(self.query_one(EntityList))

    def action_focus_list(self) -> None:
        self.set_focus(self.query_one(EntityList))

    def action_focus_filter(self) -> None:
        self.set_focus(self.query_one(EntityFilter))

    def action_open_entity(self) -> None:
        entity = self.query_one(EntityList).current_entity
        if entity is None:
            self.app.bell()
            return
        self.explorer_app.open_entity(entity.id)

    def action_back(self) -> None:
        self.dismiss(None)
