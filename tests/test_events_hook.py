"""The entity hook: a name as written -> its entity, then the non-person entities it contains."""

from __future__ import annotations

from search.entities.model import Entity
from search.entities.names import name_key
from search.entities.table import EntityTable
from search.events.hook import entity_hook


def _entity(entity_id: str, kind: str, *spellings: str) -> Entity:
    return Entity(
        id=entity_id,
        name=spellings[0],
        kind=kind,
        spellings=dict.fromkeys(spellings, 1),
        sources={"wire": dict.fromkeys(spellings, 1)},
        articles=("a1",),
    )


def _table(*entities: Entity) -> EntityTable:
    return EntityTable(list(entities), [[name_key(s) for s in e.spellings] for e in entities])


def test_a_name_brings_the_places_and_bodies_it_contains_but_never_a_person() -> None:
    table = _table(
        _entity("paf", "org", "Pakistani Air Force"),
        _entity("pak", "place", "Pakistani", "Pakistan"),
        _entity("air", "other", "Air Force"),
        _entity("father", "person", "Ahmad Shah Massoud"),
        _entity("son", "person", "Massoud", "Ahmad Massoud"),
        _entity("nrf", "org", "National Resistance Front of Massoud"),
    )
    canonical = entity_hook(table)
    assert canonical("Pakistani Air Force") == ("paf", "air", "pak")  # longest runs first
    assert canonical("Pakistani") == "pak"
    assert canonical("Ahmad Shah Massoud") == "father"  # a father is not his son
    assert canonical("National Resistance Front of Massoud") == "nrf"  # the son is a person: not brought
    assert canonical("Nobody Known") is None


def test_of_two_entities_spelled_alike_the_first_non_person_is_brought() -> None:
    table = _table(
        _entity("someone", "person", "Jordan"),  # a person spelled so is passed over
        _entity("country", "place", "Jordan"),
        _entity("later", "place", "Jordan"),
        _entity("valley", "place", "Jordan Valley"),
    )
    assert entity_hook(table)("Jordan Valley") == ("valley", "country")
