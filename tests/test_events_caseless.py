"""Scanning lower-cased text with plain patterns finds what the case-insensitive patterns find."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search.events import caseless, quantities, timex
from search.events.features import extract
from search.models import Article

PATTERNS = {
    "amounts": quantities._PATTERN,
    "calendar dates": timex._CALENDAR,
    "weekdays": timex._WEEKDAY,
    "relative days": timex._RELATIVE,
}

# Words the patterns look for, in every case, beside characters that case-fold oddly:
# İ lower-cases to two characters, ı and ſ match "i" and "s" under re.IGNORECASE only,
# the Kelvin sign lower-cases to "k" (a scale: "5 K").
PIECES = [
    "More Than", "MORE THAN", "at least", "About", "a", "An", "Thousand", "HUNDREDS", "Tens of Thousands",
    "1,000", "5", "12.5", "1980", "1980S", "1980s", "90S", "Percent", "PCT", "per cent", "%", "mln", "K", "k", "\u212a",
    "Monday", "SUNDAY", "last", "Next", "on", "Sundays", "(", ")", ",", "6 September", "SEPT. 6", "Aug 15",
    "2021-09-05", "Yesterday", "LAST NIGHT", "this morning", "Earlier Today", "the day before yesterday",
    "\u0130stanbul", "\u0131", "\u017fome", "some", "Some", "dozen", "a dozen", "two-hundred", "Fifty-Five",
    " ", " ", "\n", "-", ".", ":", "/", "x", "Kabul", "s",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14).map("".join))
def test_plain_patterns_on_lowered_text_match_as_ignorecase_patterns_do(text: str) -> None:
    low = caseless.lowered(text)
    if low is None:
        assert not caseless.UNLIKE.isdisjoint(text)
        return
    for pattern in PATTERNS.values():
        plain = caseless.plain(pattern)
        expected = [(m.span(), m.regs) for m in pattern.finditer(text)]
        assert [(m.span(), m.regs) for m in plain.finditer(low)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "More than 1,000 people fled on Sunday, 5 September 2021, the MINISTRY said.",
        "Exports rose 12 PCT in the 90S and the 90s, to 5 MLN tonnes, last Monday (Sept. 6).",
        "\u0130stanbul said \u017fome 600 fled yesterday; \u0131 think TWO HUNDRED stayed.",
        "Some 600 fled on \u017funday; \u0131n Kabul about a Thousand stayed Yesterday.",
        "More Than 40 PERCENT, the 2nd of September, said Ahmad on MONDAY.",
    ],
)
def test_extraction_is_the_same_through_either_scan(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    article = Article(id="a", source="s", title="", text=text, date="2021-09-06", path="a.txt")
    found = extract(article)
    monkeypatch.setattr(caseless, "lowered", lambda _text: None)  # every scan with the re.I patterns
    again = extract(article)
    assert again == found
    assert any(raw.quantities or raw.dates for raw in found.raws)  # the scans found something to compare


def test_a_pattern_with_capitals_cannot_be_made_plain() -> None:
    with pytest.raises(ValueError, match="upper-case"):
        caseless.plain(re.compile(r"(?P<word>Monday)\b", re.I))
    assert caseless.plain(re.compile(r"(?P<word>monday)\W\b", re.I)).flags & re.I == 0


def test_weekdays_and_number_words_with_odd_letters_are_read() -> None:
    """re.I matches "ſunday" and "tonıght" as "sunday" and "tonight": they are read as such (they raised)."""
    text = "Fighting resumed on \u017funday and went on ton\u0131ght; \u017feven hundred fled."
    dates = timex.date_spans(text, "2021-09-06")
    assert [(text[start:end], iso) for start, end, iso, _weekday, _relative in dates] == [
        ("on \u017funday", "2021-09-05"),
        ("ton\u0131ght", "2021-09-06"),
    ]
    assert [value for _s, _e, value, *_rest in quantities.quantity_spans(text)] == [700.0]
