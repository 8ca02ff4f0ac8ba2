"""Dates inside passages, resolved against the article's publication date.

Reports rarely give the event's calendar date: they say "on Sunday",
"yesterday", "last night". Those resolve only against the day the article
was published, which is a different thing from the day the event happened,
so the two are kept apart: the article keeps its publication date, each
mention gets the day it names.

Rules: a weekday names the most recent such day on or before the
publication date ("on Sunday" in an article of Monday 2021-09-06 is
2021-09-05; "on Monday" in that article is the same day); "next Monday" the
first one after it. "yesterday" and "last night" are the day before,
"today", "tonight", "this morning" the day itself. A written date without a
year ("15 August", "Monday (6 September)") takes the publication year (or
the year before when that would put it months in the future). Without a
publication date, weekdays stay unresolved but keep their day name.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache
from types import EllipsisType

from ..dates import parse_date, to_datetime
from . import caseless
from .models import DateMention

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?:1[89]|20)\d\d)?"
_CALENDAR = re.compile(
    r"(?<![\w-])(?:" + _DAY + r"\s+(?:of\s+)?" + _MONTH + _YEAR + r"|" + _MONTH + r"\s+" + _DAY + r"(?![\w:])" + _YEAR
    + r"|(?:1[89]|20)\d\d-[01]\d-[0-3]\d)(?![\w-])",
    re.I,
)  # fmt: skip
_WEEKDAY = re.compile(
    r"\b(?:(?P<mod>last|next|this|on|since|by|until|late|early)\s+)?"
    r"(?P<day>monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\b"
    r"(?:\s*(?:\(|,)\s*(?P<written>[^()]{3,25}?)\s*\)?)?",
    re.I,
)
_RELATIVE = re.compile(
    r"\b(?P<word>yesterday|last night|overnight|today|tonight|this (?:morning|afternoon|evening)|"
    r"earlier today|the day before yesterday|tomorrow)\b",
    re.I,
)
_PLAIN_CALENDAR, _PLAIN_WEEKDAY, _PLAIN_RELATIVE = (
    caseless.plain(_CALENDAR),
    caseless.plain(_WEEKDAY),
    caseless.plain(_RELATIVE),
)
_OFFSETS = {
    "yesterday": -1,
    "last night": -1,
    "overnight": -1,
    "today": 0,
    "tonight": 0,
    "this morning": 0,
    "this afternoon": 0,
    "this evening": 0,
    "earlier today": 0,
    "the day before yesterday": -2,
    "tomorrow": 1,
}


@lru_cache(maxsize=65536)
def publication_day(published: str | None) -> date | None:
    """The calendar day of an ISO publication date, None when absent or unreadable."""
    if not published:
        return None
    try:
        return to_datetime(published).date()
    except ValueError:
        return None


def find_dates(text: str, published: str | None) -> list[DateMention]:
    """Date mentions in ``text``, each resolved against ``published`` where possible."""
    return [
        DateMention(text[s:e], s, e, iso, weekday, relative)
        for s, e, iso, weekday, relative in date_spans(text, published)
    ]


RawDate = tuple[int, int, "str | None", "str | None", bool]
# Folded words without which a passage has no date but a written one (which needs a digit).
DATE_WORDS = frozenset(_WEEKDAYS) | {d + "s" for d in _WEEKDAYS} | {
    "yesterday", "today", "tonight", "overnight", "night", "morning", "afternoon", "evening", "tomorrow"
}  # fmt: skip


def date_spans(
    text: str,
    published: str | None,
    written: list[tuple[int, int]] | None = None,
    low: str | EllipsisType | None = ...,
) -> list[RawDate]:
    """Dates as (start, end, iso, weekday, relative): ``find_dates`` without objects.

    ``written``: when given, receives the spans of every written calendar date,
    resolvable or not, from the same scan ("6 September" is no amount even when
    it cannot be placed in a year). ``low``: ``caseless.lowered(text)`` when the
    caller has it already (a string, or None for "scan with the re.I patterns");
    left out, it is made here. What is read is sliced from ``text``.
    """
    pub = publication_day(published)
    mentions: list[RawDate] = []
    taken: list[tuple[int, int]] = []
    if low is ...:
        low = caseless.lowered(text)
    scanned, by_calendar, by_weekday, by_relative = (
        (text, _CALENDAR, _WEEKDAY, _RELATIVE)
        if low is None
        else (low, _PLAIN_CALENDAR, _PLAIN_WEEKDAY, _PLAIN_RELATIVE)
    )
    for match in by_calendar.finditer(scanned):
        if written is not None:
            written.append(match.span())
        iso = _calendar(text[match.start() : match.end()], pub)
        if iso:
            mentions.append((match.start(), match.end(), iso, None, False))
            taken.append(match.span())
    for match in by_weekday.finditer(scanned):
        day = caseless.word(match.group("day"))
        told = text[match.start("written") : match.end("written")] if match.group("written") else None
        iso = None
        if told:
            inner = _CALENDAR.search(told)
            iso = _calendar(inner.group(0), pub) if inner else None
        if iso is None and pub is not None:
            iso = _weekday(day, caseless.word(match.group("mod") or ""), pub).isoformat()
        end = match.end() if told and iso and _CALENDAR.search(told) else match.end("day")
        if any(a < end and match.start() < b for a, b in taken):
            continue
        mentions.append((match.start(), end, iso, day, True))
        taken.append((match.start(), end))
    for match in by_relative.finditer(scanned):
        if any(a < match.end() and match.start() < b for a, b in taken):
            continue
        word = caseless.word(match.group("word"))
        iso = (pub + timedelta(days=_OFFSETS[word])).isoformat() if pub else None
        weekday = _WEEKDAYS[(pub + timedelta(days=_OFFSETS[word])).weekday()] if pub else None
        mentions.append((match.start(), match.end(), iso, weekday, True))
    mentions.sort(key=lambda m: m[0])
    return mentions


def _weekday(day: str, modifier: str, pub: date) -> date:
    target = _WEEKDAYS.index(day)
    if modifier == "next":
        return pub + timedelta(days=(target - pub.weekday() - 1) % 7 + 1)
    return pub - timedelta(days=(pub.weekday() - target) % 7)


@lru_cache(maxsize=65536)
def _calendar(written: str, pub: date | None) -> str | None:
    """A written calendar date as ISO; without a year, the publication year (needs ``pub``)."""
    found = parse_date(written)
    if found:
        return found[:10]
    if pub is None:
        return None
    cleaned = re.sub(r"\s+of\s+", " ", written)
    for year in (pub.year, pub.year - 1):
        found = parse_date(f"{cleaned} {year}") or parse_date(f"{cleaned}, {year}")
        if found:
            day = date.fromisoformat(found[:10])
            if day <= pub + timedelta(days=31):
                return day.isoformat()
    return None
