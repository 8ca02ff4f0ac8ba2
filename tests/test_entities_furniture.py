"""Ordinary capitalised words that are no names: joined names, page furniture, clock words, U.S."""

from __future__ import annotations

import itertools

from search.entities import build_entities, extract, group_names
from search.entities.mentions import extract_mentions
from search.models import Article


def _table(texts: list[str]):
    articles = [Article(id=str(n), source="s", title="", text=t, date=None) for n, t in enumerate(texts)]
    return build_entities([extract(a) for a in articles])


def _names(table) -> set[str]:
    return {e.name for e in table.entities}


def test_ampersand_joins_one_name() -> None:
    written = [
        m.text for m in extract_mentions("Shares of AT&T and Procter & Gamble rose, Standard & Poor's said.")
    ]
    assert "AT&T" in written and "Procter & Gamble" in written and "Standard & Poor" in written
    assert "Poor" not in written and "Gamble" not in written


def test_x_and_ys_is_one_name_only_when_the_corpus_always_writes_the_s() -> None:
    texts = [
        f"Standard and Poor's Corp said on day {n} that it cut the debt of Acme Corp. "
        f"Later Standard and Poor's said the outlook was weak. Spain and Portugal's ministers met."
        for n in range(4)
    ] + [f"Portugal and Spain signed a treaty in year {n}. Portugal said so." for n in range(4)]
    names = _names(_table(texts))
    assert "Standard and Poor's" in names and "Poor" not in names and "Standard" not in names
    assert "Spain" in names and "Portugal" in names
    assert not any("Spain and Portugal" in n for n in names)


def test_possessive_name_before_its_organisation_words() -> None:
    texts = [
        f"Moody's Investors Service Inc said on day {n} it may cut Acme. Moody's said later."
        for n in range(4)
    ]
    names = _names(_table(texts))
    assert "Moody's Investors Service Inc" in names
    assert "Investors Service Inc" not in names and "Moody" not in names


def test_web_furniture_and_clock_words_are_no_names() -> None:
    texts = [
        f"Follow us on Image Source : AP In this photo Ahmad Massoud speaks.\n"
        f"Ahmad Massoud told Reuters on day {n} that the valley held.\n"
        f"Published on: Monday, September 06, 2021, 11:43 AM IST\n"
        "Read more\n"
        for n in range(3)
    ]
    names = _names(_table(texts))
    assert "Ahmad Massoud" in names
    assert not names & {"Follow", "Image Source", "AM IST", "AM", "IST", "Read more"}


def test_a_line_repeated_alone_across_many_articles_is_boilerplate() -> None:
    texts = [f"Acme Corp said its profit rose {n} pct in the year.\n Wirebot\n" for n in range(12)]
    names = _names(_table(texts))
    assert "Wirebot" not in names and "Acme Corp" in names


def test_dotted_abbreviation_is_one_spelling_and_joins_its_long_form() -> None:
    texts = [
        f"The United States and the U.S. Treasury agreed on day {n}. U.S. officials said so."
        for n in range(3)
    ]
    texts += [f"Trade with the U.S. rose {n} pct. The U.S. said so." for n in range(3)]
    table = _table(texts)
    entity = next(e for e in table.entities if "United States" in e.spellings)
    assert "U.S." in entity.spellings and "U.S" not in entity.spellings
    assert sum(1 for e in table.entities if "U.S." in e.spellings) == 1


def test_variants_groups_do_not_chain_through_a_shared_spelling() -> None:
    """Complete link: in a group every two names match each other, not only through a third
    (spellings of two places, or two people, would otherwise join through one in between)."""
    from search.entities.namelist import SINGLE_MIN
    from search.entities.names import STRONG, compare, core_tokens, name_tokens

    names = ["Tashkurgan", "Tashkurghan", "Tashqorghan", "Tashqurghan", "Tāshkurghān", "Tāshqorghān"]
    groups = [group.names for group in group_names(names) if len(group.names) > 1]
    assert groups  # some spellings do group
    for group in groups:
        for a, b in itertools.combinations(group, 2):
            ca, cb = core_tokens(name_tokens(a)), core_tokens(name_tokens(b))
            assert ca == cb or compare(ca, cb, SINGLE_MIN).kind == STRONG, (a, b)
