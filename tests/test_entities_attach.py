"""Short forms attached inside one article: their evidence, titles, hyphenated and apostrophised names, places."""

from __future__ import annotations

from search.entities import EntityTable, build_entities, extract
from search.models import Article

from .test_entities_seeds import entity_with, seed_articles


def corpus(*texts: str) -> EntityTable:
    """The entity table of a small corpus of our own, one article per text."""
    articles = [Article(f"a{number}", "wire", "", text) for number, text in enumerate(texts)]
    return build_entities(extract(article) for article in articles)


def evidence_text(table: EntityTable, spelling: str) -> str:
    return "\n".join(item.describe() for item in entity_with(table, spelling).evidence)


def test_seed_short_forms_and_acronyms_say_why_they_belong() -> None:
    table = build_entities(extract(article) for article in seed_articles())
    hameed = evidence_text(table, "Hameed")
    assert "Hameed = Faiz Hameed (short form): used alone in article 002_026596cb75424136" in hameed
    assert "names Faiz Hameed in full" in hameed
    isi = evidence_text(table, "ISI")
    assert "ISI = Inter-Services Intelligence (acronym): defined as 'Inter-Services Intelligence'" in isi


def test_own_corpus_short_forms_have_evidence() -> None:
    table = corpus(
        "The Ministry of Water Resources (MWR) said on Monday that Maria Oduya will lead it. "
        "Oduya said the MWR would publish the plan.",
        "Maria Oduya visited the dam. Later Oduya told reporters it was safe.",
    )
    oduya = evidence_text(table, "Maria Oduya")
    assert (
        "Oduya = Maria Oduya (short form): used alone in 2 articles (a0, a1) that name Maria Oduya" in oduya
    )
    assert "name score" not in oduya
    mwr = evidence_text(table, "MWR")
    assert (
        "MWR = Ministry of Water Resources (acronym): defined as 'Ministry of Water Resources' in article a0"
        in mwr
    )


def test_hyphenated_titles_stay_out_of_the_name() -> None:
    table = corpus(
        "Vice-President Kamala Harris met President-elect Joe Biden in Delaware. "
        "Harris said the talks went well, and Biden agreed.",
        "Kamala Harris and Joe Biden spoke in Wilmington.",
    )
    harris = entity_with(table, "Kamala Harris")
    assert set(harris.spellings) == {"Kamala Harris", "Harris"}
    assert "vice president" in harris.roles
    biden = entity_with(table, "Joe Biden")
    assert set(biden.spellings) == {"Joe Biden", "Biden"}
    assert "president elect" in biden.roles
    assert not any("-" in spelling for entity in table for spelling in entity.spellings)


def test_hyphenated_and_apostrophised_surnames_attach_to_the_full_name() -> None:
    table = corpus(
        "Karine Jean-Pierre spoke to reporters at the White House. "
        "A reporter questioned Jean-Pierre about the budget.",
        "Conan O'Brien opened the show; later O'Brien joked about it.",
        "Abdul Qader Al-Shami was named in the report. Officials said Al-Shami had left.",
    )
    assert set(entity_with(table, "Karine Jean-Pierre").spellings) == {"Karine Jean-Pierre", "Jean-Pierre"}
    assert set(entity_with(table, "Conan O'Brien").spellings) == {"Conan O'Brien", "O'Brien"}
    assert set(entity_with(table, "Abdul Qader Al-Shami").spellings) == {"Abdul Qader Al-Shami", "Al-Shami"}
    evidence = evidence_text(table, "Karine Jean-Pierre")
    assert "Jean-Pierre = Karine Jean-Pierre (short form)" in evidence


def test_an_unattached_hyphenated_name_stays_a_name() -> None:
    table = corpus("Officials at Rolls-Royce said the engines were safe.")
    assert entity_with(table, "Rolls-Royce").spellings == {"Rolls-Royce": 1}


def test_a_word_written_as_a_place_is_not_a_short_form_of_a_person() -> None:
    table = corpus(
        "Denzel Washington starred in the film. The actor later flew to Washington for the premiere.",
        "Michael Jordan visited officials in Amman, Jordan. Jordan's King Abdullah welcomed him.",
        "Maria Oduya spoke to Oduya's staff in the morning.",
    )
    assert set(entity_with(table, "Denzel Washington").spellings) == {"Denzel Washington"}
    assert set(entity_with(table, "Michael Jordan").spellings) == {"Michael Jordan"}
    assert "Oduya" in entity_with(table, "Maria Oduya").spellings  # `spoke to` is no place cue


def test_a_person_written_near_place_words_is_still_a_person() -> None:
    """Only strong local cues make a one-word mention a place: a person's border wall, an award
    that went to someone, or a name between commas after `at Harvard` say nothing of the kind."""
    table = corpus(
        "Donald Trump spoke on Monday. Trump's border wall was debated; Trump said it would rise.",
        "Joe Biden met aides. The award went to Biden. In Biden's view the plan works.",
        "Barack Obama visited Boston. Speaking at Harvard, Obama, who was relaxed, joked.",
    )
    assert set(entity_with(table, "Donald Trump").spellings) == {"Donald Trump", "Trump"}
    assert set(entity_with(table, "Joe Biden").spellings) == {"Joe Biden", "Biden"}
    assert set(entity_with(table, "Barack Obama").spellings) == {"Barack Obama", "Obama"}
