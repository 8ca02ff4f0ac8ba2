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

from collections.abc import Callable

from ..entities.names import name_tokens
from ..entities.table import EntityTable
from .names import Canonical

PERSON = "person"


def entity_hook(entities: EntityTable) -> Canonical:
    """``canonical(name)``: the entity id, then the ids of the non-person entities its name contains.

    Nothing is made up front: the table's own name indexes, made on its first look-up, also
    say which entities are spelled as a run of words. (The hook made a dictionary of every
    spelling's name key of its own: 0.26-0.29 s of a 1.4 s update of the event table at
    100,000 articles.)
    """

    spelled: dict[str, str | None] = {}  # name key -> the non-person entity spelled so, as met

    def spelled_as(key: str) -> str | None:
        if key not in spelled:
            spelled[key] = next((e.id for e in entities.spelled(key) if e.kind != PERSON), None)
        return spelled[key]

    def canonical(name: str) -> str | tuple[str, ...] | None:
        found = entities.find(name)
        if found is None:
            return None
        if found.kind == PERSON:
            return found.id
        contained = [i for i in _contained(spelled_as, name) if i != found.id]
        return (found.id, *contained) if contained else found.id

    return canonical


def _contained(spelled_as: Callable[[str], str | None], name: str) -> list[str]:
    """Ids of non-person entities spelled exactly as a shorter run of the name's words, longest
    runs first (the first such entity of the table for each run)."""
    tokens = name_tokens(name)
    found: list[str] = []
    for size in range(len(tokens) - 1, 0, -1):
        for start in range(len(tokens) - size + 1):
            entity_id = spelled_as(" ".join(tokens[start : start + size]))
            if entity_id is not None and entity_id not in found:
                found.append(entity_id)
    return found
