"""The entities view: the corpus's people, organisations and places, most articles first.

The table is read once in a thread worker (``Explorer.entities()``), with
every entity's spellings folded for matching; what is typed in the filter
box then narrows the list, debounced, in another worker (a large corpus has
tens of thousands of entities), which lists the first ``LIST_LIMIT`` and
counts the rest. As in the search view, every filter run has a generation
number and the results of an older one are dropped. ``enter`` opens an
entity's page; a correction made there, or a re-index, reloads the list.
The loading and filtering are ``ListingScreen``'s; this module says what is
listed and how the summary reads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType

from ..messages import EntitiesFiltered, EntitiesLoaded
from ..widgets.entities import EntityFilter, EntityList, filter_key
from .listing import LIST_LIMIT, ListingScreen

if TYPE_CHECKING:
    from search.entities.model import Entity


class EntitiesScreen(ListingScreen):
    """Every entity, filtered as you type; ``enter`` opens one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_filter", "Filter", id="entities.focus-filter"),
        Binding("escape", "back", "Back", id="entities.back"),
    ]

    PREFIX = "entities"
    ITEM = "entity"
    NOUN = "entities"
    FILTER = EntityFilter
    LIST = EntityList
    FILTER_DEBOUNCE_SECONDS = 0.15  # tens of thousands of entities: wait for a pause in typing
    KEEP_CURSOR = True  # after a merge or split the cursor stays on the entity it was on

    @property
    def entities(self) -> list[Entity]:
        """Every entity of the index, most articles first."""
        return self.items

    def fetch(self, load: int) -> tuple[list[Entity], list[str]]:
        entities = self.explorer_app.explorer.entities().filter()
        return entities, [filter_key(entity) for entity in entities]

    def loaded_message(
        self, load: int, items: list[Entity], keys: list[str], error: str | None
    ) -> EntitiesLoaded:
        return EntitiesLoaded(items, error=error, keys=keys, load=load)

    def on_entities_loaded(self, message: EntitiesLoaded) -> None:
        self.take(message.load, message.entities, message.keys, message.error)

    def filtered_message(self, generation: int, text: str, found: list[Entity]) -> EntitiesFiltered:
        return EntitiesFiltered(generation, text, found[:LIST_LIMIT], len(found))

    def on_entities_filtered(self, message: EntitiesFiltered) -> None:
        self.show_filtered(message.generation, message.text, message.entities, message.total)

    def describe(self) -> str:
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

    def action_open_entity(self) -> None:
        entity = self.query_one(EntityList).current_entity
        if entity is None:
            self.app.bell()
            return
        self.explorer_app.open_entity(entity.id)
