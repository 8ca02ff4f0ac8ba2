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

from ..entities.model import Entity
from ..entities.names import name_key, name_tokens
from ..entities.table import EntityTable
from .names import Canonical

PERSON = "person"


def entity_hook(entities: EntityTable) -> Canonical:
    """``canonical(name)``: the entity id, then the ids of the non-person entities its name contains."""

    def canonical(name: str) -> str | tuple[str, ...] | None:
        found = entities.find(name)
        if found is None:
            return None
        if found.kind == PERSON:
            return found.id
        contained = [e.id for e in _contained(entities, name) if e.id != found.id and e.kind != PERSON]
        return (found.id, *contained) if contained else found.id

    return canonical


def _contained(entities: EntityTable, name: str) -> list[Entity]:
    """Entities spelled exactly as a shorter run of the name's words, longest runs first."""
    tokens = name_tokens(name)
    found: list[Entity] = []
    for size in range(len(tokens) - 1, 0, -1):
        for start in range(len(tokens) - size + 1):
            run = " ".join(tokens[start : start + size])
            key = name_key(run)
            for entity in entities.lookup(run):
                if entity not in found and any(name_key(s) == key for s in entity.spellings):
                    found.append(entity)
    return found
