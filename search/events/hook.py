"""The entity hook the product gives the event engine: a name as written -> entity ids.

Why here and not in ``search/entities``: the entities package knows names;
what counts as evidence that two passages report one happening is the
event engine's business. This module reads the entity table and answers
``names.Canonical``.

Besides the entity a name means, the hook returns the entities its name
*contains*, but only for organisations, places and the like: "Pakistani
Air Force" contains "Pakistani", "Panjshir Valley" contains "Panjshir",
"National Resistance Front of Afghanistan" contains "Afghanistan". A
report of "Pakistani Air Force drones" and one of "Pakistani drones" then
share a name. Never for people: "Ahmad Shah Massoud" contains "Massoud",
which in a corpus about his son means the son, and a father is not his son.
"""

from __future__ import annotations

from ..entities.names import name_key, name_tokens
from ..entities.table import EntityTable
from .names import Canonical

PERSON = "person"


def entity_hook(entities: EntityTable) -> Canonical:
    """``canonical(name)``: the entity id, then the ids of the non-person entities its name contains."""
    spelled: dict[str, str] = {}  # name key of a spelling -> id of the non-person entity spelled so
    for entity in entities:
        if entity.kind != PERSON:
            for spelling in entity.spellings:
                spelled.setdefault(name_key(spelling), entity.id)

    def canonical(name: str) -> str | tuple[str, ...] | None:
        found = entities.find(name)
        if found is None:
            return None
        if found.kind == PERSON:
            return found.id
        contained = [i for i in _contained(spelled, name) if i != found.id]
        return (found.id, *contained) if contained else found.id

    return canonical


def _contained(spelled: dict[str, str], name: str) -> list[str]:
    """Ids of entities spelled exactly as a shorter run of the name's words, longest runs first."""
    tokens = name_tokens(name)
    found: list[str] = []
    for size in range(len(tokens) - 1, 0, -1):
        for start in range(len(tokens) - size + 1):
            entity_id = spelled.get(" ".join(tokens[start : start + size]))
            if entity_id is not None and entity_id not in found:
                found.append(entity_id)
    return found
