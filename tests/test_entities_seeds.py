"""Entities of the seed articles: the pairs that must merge, the people who must stay apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.corpus import list_files, read_articles
from search.entities import EntityTable, build_entities, extract
from search.entities.mentions import extract_mentions
from search.models import Article

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def _fail(warning: object) -> None:
    raise AssertionError(f"unexpected corpus warning: {warning}")


def seed_articles() -> list[Article]:
    return [article for file in list_files(SEEDS, _fail) for article in read_articles(file, SEEDS, _fail)]


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    return seed_articles()


@pytest.fixture(scope="module")
def table(articles: list[Article]) -> EntityTable:
    return build_entities(extract(article) for article in articles)


def entity_with(table: EntityTable, spelling: str):
    found = [entity for entity in table if spelling in entity.spellings]
    assert len(found) == 1, f"{spelling!r} is in {len(found)} entities"
    return found[0]


def test_dashti_and_dashty_are_one_person_with_counts_and_sources(table: EntityTable) -> None:
    entity = entity_with(table, "Fahim Dashti")
    assert entity.kind == "person"
    assert entity.spellings["Fahim Dashti"] == 4
    assert entity.spellings["Fahim Dashty"] == 4
    assert entity.spellings.get("Dashty") == 1  # `Dashty's death`: possessive stripped, attached
    assert len(entity.articles) == 5
    used = {spelling for names in entity.sources.values() for spelling in names}
    assert {"Fahim Dashti", "Fahim Dashty"} <= used
    assert any("Fahim Dashty" in names for names in entity.sources.values())
    evidence = " ".join(item.describe() for item in entity.evidence)
    assert "surname Dashti/Dashty 1 edit apart" in evidence
    assert "spokesperson" in evidence


def test_zhor_and_zara_are_one_general_joined_by_context(table: EntityTable) -> None:
    entity = entity_with(table, "Abdul Wadood Zhor")
    assert "Abdul Wudod Zara" in entity.spellings
    assert entity.kind == "person"
    [merge] = [
        item for item in entity.evidence if {item.a, item.b} == {"Abdul Wadood Zhor", "Abdul Wudod Zara"}
    ]
    assert merge.rule == "context"
    assert merge.context >= 1.5
    text = merge.describe()
    assert "'General'" in text
    assert "co-mentioned with" in text


def test_son_and_father_stay_apart(table: EntityTable) -> None:
    son = entity_with(table, "Ahmad Massoud")
    assert {"Ahmad Massoud", "Ahmad Masoud", "Ahamd Masoud"} <= set(son.spellings)
    father = entity_with(table, "Ahmad Shah Massoud")
    assert father.id != son.id
    assert "Ahmad Shah Massoud" not in son.spellings
    assert not set(father.spellings) & {"Ahmad Massoud", "Ahmad Masoud", "Ahamd Masoud"}


def test_ambiguous_bare_surname_is_left_unattached(articles: list[Article], table: EntityTable) -> None:
    # `NRF's leader Massoud` (son) and `On Sunday, Massoud said` appear where both the
    # son and the father are named in full: no silent guess.
    assert all("Massoud" not in entity.spellings for entity in table)
    left = [(article, span) for article in articles for span in table.unresolved(article.id)]
    assert [text for _article, (_s, _e, text, _c) in left].count("Massoud") == 2
    for article, (start, end, text, candidates) in left:
        assert article.text[start:end] == text
        if text == "Massoud":
            assert set(candidates) == {"ahmad massoud", "ahmad shah massoud"}


def test_brothers_stay_apart(table: EntityTable) -> None:
    anas = entity_with(table, "Anas Haqqani")
    siraj = entity_with(table, "Sirajuddin Haqqani")
    assert anas.id != siraj.id
    network = entity_with(table, "Haqqani Network")
    assert network.kind == "org"
    assert network.id not in (anas.id, siraj.id)


def test_acronyms_link_to_their_expansions(table: EntityTable) -> None:
    nrf = entity_with(table, "NRF")
    assert nrf.name == "National Resistance Front"
    assert nrf.kind == "org"
    assert nrf.spellings["NRF"] >= 8
    isi = entity_with(table, "ISI")
    assert isi.name == "Inter-Services Intelligence"
    assert isi.spellings["ISI"] == 3  # defined twice, and once beside the long form without brackets


def test_surname_only_mentions_attach_to_the_full_name(table: EntityTable) -> None:
    hameed = entity_with(table, "Faiz Hameed")
    assert hameed.spellings["Hameed"] == 2
    assert hameed.name == "Faiz Hameed"
    assert "lieutenant general" in hameed.roles
    assert entity_with(table, "Amrullah Saleh").spellings.get("Saleh") == 1


def test_weekdays_and_sentence_openers_are_not_entities(table: EntityTable) -> None:
    spellings = {spelling for entity in table for spelling in entity.spellings}
    for word in ("Monday", "Sunday", "Tuesday", "Also", "Former", "However", "Meanwhile", "Read", "Several"):
        assert word not in spellings
    assert not any(s.startswith(("Also ", "Former ", "The ")) for s in spellings)


def test_kabul_place_is_not_kaul_person(table: EntityTable) -> None:
    kabul = entity_with(table, "Kabul")
    kaul = entity_with(table, "Aditya Raj Kaul")
    assert kabul.kind == "place"
    assert kaul.kind == "person"
    assert kabul.id != kaul.id
    assert "Kaul" not in kabul.spellings


def test_titles_are_kept_apart_from_names() -> None:
    text = "Fahim Dashty, the head of the office of Amir Saheb Ahmad Masoud, and General Sahib Abdul Wadood Zhor."
    found = {m.text: m for m in extract_mentions(text)}
    assert found["Ahmad Masoud"].title == "amir sahib"
    assert found["Abdul Wadood Zhor"].title == "general sahib"
    assert "head" in found["Fahim Dashty"].roles
    ranks = {
        m.text: m.title for m in extract_mentions("Lt Gen Faiz Hameed met Lieutenant-General Faiz Hameed.")
    }
    assert ranks == {"Faiz Hameed": "lieutenant general"}


def test_mention_offsets_point_at_the_names(articles: list[Article]) -> None:
    for article in articles:
        for mention in extract(article).mentions:
            assert article.text[mention.start : mention.end].split() == mention.text.split()
    table = build_entities(extract(article) for article in articles)
    for article in articles:
        for ref in table.article_mentions(article.id):
            written = article.text[ref.start : ref.end]
            assert table.get(ref.entity_id) is not None
            assert written.split()[0][:1].isupper()


def test_ids_are_stable_for_an_unchanged_corpus(articles: list[Article], table: EntityTable) -> None:
    again = build_entities(extract(article) for article in reversed(articles))
    assert [e.id for e in again] == [e.id for e in table]
    assert [e.as_dict() for e in again] == [e.as_dict() for e in table]


def test_expand_finds_other_spellings_of_the_named_part(table: EntityTable) -> None:
    [zara] = table.expand("Zara")
    assert zara.name == "Abdul Wadood Zhor"
    assert zara.alternatives == ("Zhor",)
    [dashty] = table.expand("Dashty")
    assert dashty.alternatives == ("Dashti",)
    [nrf] = table.expand("NRF")
    assert "National Resistance Front" in nrf.alternatives
    assert table.expand("Kabul") == []  # one spelling only: nothing to add
    assert "Wadood Zhor" in table.expand("Wudod Zara")[0].alternatives


def test_find_by_any_spelling_part_or_id(table: EntityTable) -> None:
    dashti = table.find("Dashty")
    assert dashti is not None and dashti.name == "Fahim Dashti"
    assert table.find(dashti.id) == dashti
    assert table.find("fahim dashty") == dashti
    assert table.find("Nobody Anywhere") is None
    massouds = {e.name for e in table.lookup("Massoud")}
    assert massouds == {"Ahmad Massoud", "Ahmad Shah Massoud"}


def test_filter_by_kind_and_articles(table: EntityTable) -> None:
    people = table.filter(kind="person", min_articles=3)
    names = [e.name for e in people]
    assert names[:2] == ["Ahmad Massoud", "Fahim Dashti"]
    assert all(e.kind == "person" and len(e.articles) >= 3 for e in people)
    counts = [len(e.articles) for e in table.filter()]
    assert counts == sorted(counts, reverse=True)
