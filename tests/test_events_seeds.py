"""The event engine on the five seed articles: one day of fighting in Panjshir, five outlets.

Passages are picked by words they contain, never by position, so the tests
say what they check: "the passage of 003 that reports Dashti dead".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from search.corpus import list_files, read_articles
from search.events import EventTable
from search.events.models import Event

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
A000, A001, A002, A003, A004 = (
    "000_c214ca5b6237bbef",
    "001_7b8ec1a6c7eefc3e",
    "002_026596cb75424136",
    "003_7705c138f889e53e",
    "004_fa9e966636171c75",
)


def _articles():
    return [a for f in list_files(SEEDS, lambda w: None) for a in read_articles(f, SEEDS, lambda w: None)]


@pytest.fixture(scope="module", params=["fallback", "product"])
def table(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> EventTable:
    """The table two ways: the engine alone (its own name fallback), and as the product builds it.

    "product": a real index of the seeds and the entities clustered from it
    as the hook (``Explorer.events_table``), which is what `explorer events`
    and the TUI show; the expectations must hold there too.
    """
    if request.param == "fallback":
        return EventTable.build(_articles())
    from search.explorer import Explorer

    explorer = Explorer.open(SEEDS, tmp_path_factory.mktemp("index"))
    explorer.ensure_index()
    return explorer.events_table()


def passage_key(table: EventTable, article: str, *words: str) -> str:
    """The key of the one passage of ``article`` that contains all ``words``."""
    found = [p for p in table.passages(article) if all(w in p.text for w in words)]
    assert len(found) == 1, (article, words, [p.text[:60] for p in found])
    return found[0].key


def event_of(table: EventTable, key: str) -> Event:
    found = [e for e in table.events() if key in {p.key for p in e.passages}]
    assert len(found) == 1
    return found[0]


def test_every_passage_is_in_exactly_one_event(table: EventTable) -> None:
    keys = [p.key for e in table.events() for p in e.passages]
    assert len(keys) == len(set(keys))
    expected = {p.key for r in table.records.values() for p in r.passages if not p.boilerplate}
    assert set(keys) == expected


def test_death_of_the_spokesman_is_one_event_across_sources(table: EventTable) -> None:
    death = event_of(table, passage_key(table, A000, "Fahim Dashti, had been killed"))
    keys = {p.key for p in death.passages}
    assert passage_key(table, A003, "Fahim Dashti was also reported dead") in keys
    assert passage_key(table, A004, "Fahim Dashty was killed in clashes") in keys
    assert passage_key(table, A002, "Fahim Dashty and a leading commander") in keys
    assert {A000, A002, A003, A004} <= set(death.articles)
    assert len(death.sources) >= 4 and not death.single_source
    # unrelated passages stay out: geography, casualty claims
    assert passage_key(table, A004, "Hindu Kush") not in keys
    assert passage_key(table, A004, "About 600 Taliban") not in keys
    assert death.date == "2021-09-05"


def test_the_death_event_marks_the_spelling_difference(table: EventTable) -> None:
    death = event_of(table, passage_key(table, A000, "Fahim Dashti, had been killed"))
    spellings = {word for d in death.differences if d.kind == "spelling" for word in d.text.split()}
    assert {"Dashti", "Dashty"} <= spellings
    # a short form or an acronym is another name, not another spelling
    assert not {"NRF", "Resistance"} & spellings


def test_casualty_claims_come_together_with_their_numbers_as_differences(table: EventTable) -> None:
    claims = event_of(table, passage_key(table, A004, "About 600 Taliban"))
    assert passage_key(table, A001, "at least a thousand terrorists") in {p.key for p in claims.passages}
    numbers = {d.text.lower() for d in claims.differences if d.kind == "number"}
    assert {"about 600", "more than 1,000", "at least a thousand"} <= numbers
    assert all(d.explanation for d in claims.differences)


def test_the_isi_chiefs_visit_to_kabul_is_one_event(table: EventTable) -> None:
    visit = event_of(table, passage_key(table, A000, "Faiz Hameed arriving in Kabul"))
    keys = {p.key for p in visit.passages}
    assert passage_key(table, A001, "General Faiz Hameed") in keys
    assert passage_key(table, A002, "Lieutenant-General Faiz Hameed") in keys
    assert {A000, A001, A002} <= set(visit.articles)


def test_the_nrf_denial_is_reported_by_two_sources_with_the_denial_marked(table: EventTable) -> None:
    denial = event_of(table, passage_key(table, A003, "denied Taliban claims"))
    keys = {p.key for p in denial.passages}
    assert passage_key(table, A002, "NRF has denied the victory claims") in keys
    assert {A002, A003} <= set(denial.articles)
    assert any(d.kind == "denial" for d in denial.differences) or all(
        any(c.kind == "denial" for p in denial.passages if p.article_id == a for c in p.features.cues)
        for a in (A002, A003)
    )


def test_the_taliban_claim_to_control_panjshir_is_one_event(table: EventTable) -> None:
    claim = event_of(table, passage_key(table, A003, "Recent efforts to ensure complete security"))
    assert passage_key(table, A002, "The last stronghold of enemy mercenaries") in {
        p.key for p in claim.passages
    }
    assert any(
        d.kind == "spelling" and {"Zabihullah", "Zabiullah"} & set(d.text.split()) for d in claim.differences
    )


def test_offer_of_talks_is_one_event(table: EventTable) -> None:
    talks = event_of(table, passage_key(table, A003, "ready to cease fighting and start negotiations"))
    assert passage_key(table, A002, "ready to hold talks") in {p.key for p in talks.passages}


def test_sunday_in_an_article_of_monday_is_the_day_before(table: EventTable) -> None:
    dated = table.passages(A004)
    sunday = [d for p in dated for d in p.features.dates if d.text.lower().endswith("sunday")]
    assert sunday and all(d.iso == "2021-09-05" for d in sunday)
    # an undated article keeps the weekday but no calendar day
    undated = [d for p in table.passages(A000) for d in p.features.dates if d.weekday == "sunday"]
    assert undated and all(d.iso is None for d in undated)


def test_event_ids_are_stable_across_runs_and_after_save_and_load(
    table: EventTable, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if request.node.callspec.params["table"] == "fallback":
        again = EventTable.build(_articles())
    else:
        from search.explorer import Explorer

        explorer = Explorer.open(SEEDS, tmp_path / "again")
        explorer.ensure_index()
        again = explorer.events_table()
    assert [e.id for e in again.events()] == [e.id for e in table.events()]
    assert [s.id for s in again.stories()] == [s.id for s in table.stories()]
    path = tmp_path / "events.json"
    table.save(path)
    loaded = EventTable.load(path)
    assert loaded is not None
    assert [e.as_dict() for e in loaded.events()] == [e.as_dict() for e in table.events()]


def test_incremental_update_reuses_unchanged_articles(table: EventTable) -> None:
    articles = _articles()
    changed = [a for a in articles if a.id == A003]
    edited = type(changed[0])(
        **{**changed[0].as_dict(), "text": changed[0].text + "\nA new closing sentence."}
    )
    updated = table.update([edited])
    assert (
        updated.records[A000] is table.records[A000]
        or updated.records[A000].fingerprint == table.records[A000].fingerprint
    )
    assert updated.records[A003].fingerprint != table.records[A003].fingerprint
    removed = table.update(removed=[A004])
    assert A004 not in removed.records
    assert all(A004 not in e.articles for e in removed.events())


def test_every_article_is_in_exactly_one_story(table: EventTable) -> None:
    members = [a for s in table.stories() for a in s.articles]
    assert sorted(members) == sorted(table.records)
    assert all(s.id and s.label for s in table.stories())


def test_compare_puts_each_source_in_its_own_column(table: EventTable) -> None:
    death = event_of(table, passage_key(table, A000, "Fahim Dashti, had been killed"))
    comparison = table.compare(death.id)
    assert comparison is not None
    assert set(comparison.columns) == set(death.sources)
    for source in death.sources:
        column = comparison.columns.index(source)
        in_column = [p.key for row in comparison.rows for p in row.cells[column]]
        in_order = [p.key for p in death.passages if p.source == source]
        assert in_column == in_order  # every passage once, in reading order
    data = comparison.as_dict()
    assert data["columns"] and data["rows"] and any(d["kind"] == "spelling" for d in data["differences"])


def test_query_finds_events_by_any_spelling(table: EventTable) -> None:
    by_dashty = {e.id for e in table.events("Dashty killed", min_sources=2)}
    by_dashti = {e.id for e in table.events("Dashti killed", min_sources=2)}
    assert by_dashty and by_dashty == by_dashti
    assert table.find_event("Faiz Hameed Kabul") is not None


def test_entity_hook_unifies_spellings_the_fallback_cannot(tmp_path: Path) -> None:
    """The hook maps name spellings to entity ids; here a tiny stand-in for search/entities."""
    known = {"wadood zhor": "zhor", "wudod zara": "zhor"}

    def canonical(name: str) -> str | None:
        words = name.lower().split()
        return known.get(" ".join(words[-2:]))

    hooked = EventTable.build(_articles(), canonical=canonical)
    entities = {k for r in hooked.records.values() for p in r.passages for k in p.entities}
    assert "e:zhor" in entities


def test_offer_of_talks_keeps_background_out(table: EventTable) -> None:
    talks = event_of(table, passage_key(table, A003, "ready to cease fighting and start negotiations"))
    assert passage_key(table, A000, "Led by Ahmad Shah Massoud") not in {p.key for p in talks.passages}


def test_isi_visit_keeps_geography_out(table: EventTable) -> None:
    visit = event_of(table, passage_key(table, A000, "Faiz Hameed arriving in Kabul"))
    assert passage_key(table, A004, "Hindu Kush") not in {p.key for p in visit.passages}


def test_pakistani_drones_are_one_event(table: EventTable) -> None:
    drones = event_of(table, passage_key(table, A000, "Pakistani Air Force drones"))
    assert passage_key(table, A002, "Pakistani drones") in {p.key for p in drones.passages}


def test_the_taliban_claim_and_the_nrf_denial_are_one_event(table: EventTable) -> None:
    """The issue lists them as one happening: the claim, and the resistance denying it."""
    claim = event_of(table, passage_key(table, A003, "Recent efforts to ensure complete security"))
    keys = {p.key for p in claim.passages}
    assert passage_key(table, A003, "denied Taliban claims") in keys
    assert passage_key(table, A002, "NRF has denied the victory claims") in keys
    assert passage_key(table, A002, "The last stronghold of enemy mercenaries") in keys
    assert any(d.kind == "denial" for d in claim.differences)
    # the casualty claims and the drone reports are other happenings
    assert passage_key(table, A004, "About 600 Taliban") not in keys
    assert passage_key(table, A000, "Pakistani Air Force drones") not in keys


def test_a_story_is_dated_by_what_its_articles_report_not_by_background(table: EventTable) -> None:
    """Background ("after the fall of Kabul on August 15") is dated too; it must not date the story."""
    story = table.story_of(A000)
    assert story is not None and story.date == "2021-09-05"
