"""Search expansion through entities must stay within one name's spellings."""

from __future__ import annotations

from search.entities.model import Entity
from search.entities.table import EntityTable


def make(name: str, spellings: dict[str, int]) -> EntityTable:
    entity = Entity(
        id=name.lower().replace(" ", "-"),
        name=name,
        kind="person",
        spellings=spellings,
        sources={},
        articles=("a",),
        evidence=(),
        roles={},
        kind_cues="",
    )
    return EntityTable([entity], [[name.lower()]], {})


def test_a_bare_first_name_is_not_offered_for_a_surname() -> None:
    table = make("Paul Volcker", {"Volcker": 201, "Paul Volcker": 121, "Paul": 1})
    assert all("Paul" not in e.alternatives for e in table.expand("Volcker"))


def test_aligned_multiword_spellings_still_expand() -> None:
    table = make("Abdul Wadood Zhor", {"Abdul Wadood Zhor": 2, "Abdul Wudod Zara": 1})
    (expansion,) = table.expand("Zara")
    assert expansion.alternatives == ("Zhor",)
    table = make("Fahim Dashti", {"Fahim Dashti": 4, "Dashty": 1, "Dashti": 1})
    assert "Dashty" in table.expand("Dashti")[0].alternatives


def test_a_two_word_query_reports_the_spellings_added_for_each_word() -> None:
    from search.index import build_schema
    from search.query import make_parser, prepare

    table = make("Abdul Wadood Zhor", {"Abdul Wadood Zhor": 2, "Abdul Wudod Zara": 1})
    prepared = prepare(
        "Wudod Zara", make_parser(build_schema()), None, None, entities=table  # type: ignore[arg-type]
    )
    [report] = [e for e in prepared.expansions if e.reason == "entity"]
    assert report.variants == ("Wadood", "Zhor")
    assert report.describe() == "entity Abdul Wadood Zhor: also Wadood, Zhor"
