"""Dates as newspapers and data dumps write them, normalised to ISO 8601.

Metadata fields come in many shapes (`2021-09-07`, `20210907`,
`26-FEB-1987 15:01:01.79`, `Monday, September 06, 2021, 11:43 AM IST`), and
articles without metadata often carry their date in the text, either labelled
(` date 2021-09-07`, `Published on: ...`) or as the first full date near the
top. Only dates with a year are accepted: "on 3 September" is not a date we
can place.
"""

from __future__ import annotations

import re
from datetime import date, datetime

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_TIME = r"(?:[,\s]+(?:at\s+)?(?P<hour>[0-2]?\d):(?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d)(?:\.\d+)?)?\s*(?P<ampm>[ap]\.?m\.?)?)?"

_PATTERNS = [
    # 2021-09-07, 2021/09/07, 2021-09-07T10:00:00
    re.compile(
        r"(?<!\d)" + _YEAR + r"[-/.](?P<mnum>[01]?\d)[-/.](?P<day>[0-3]?\d)(?!\d)"
        r"(?:[T\s](?P<hour>[0-2]\d):(?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d))?)?",
        re.I,
    ),
    # Monday, September 06, 2021, 11:43 AM   /   Sep. 6, 2021
    re.compile(_WEEKDAY + _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR + _TIME, re.I),
    # 6 September 2021   /   26-FEB-1987 15:01:01.79
    re.compile(r"(?<!\d)" + _WEEKDAY + _DAY + r"(?:\s+|-)" + _MONTH + r"(?:,?\s+|-)" + _YEAR + _TIME, re.I),
]
_COMPACT = re.compile(r"^(?P<year>(?:1[89]|20)\d\d)(?P<mnum>[01]\d)(?P<day>[0-3]\d)$")
_LABELLED = re.compile(
    r"(?:^|\b)(?:published|updated|posted|dated?|first published)\s*(?:on|at)?\s*:?\s*", re.I
)


def _from_match(match: re.Match[str]) -> str | None:
    parts = match.groupdict()
    try:
        year = int(parts["year"])
        if parts.get("mnum"):
            month = int(parts["mnum"])
        else:
            month = _MONTHS[parts["month"].lower().rstrip(".")]
        day = int(parts["day"])
        date(year, month, day)  # validates
    except (KeyError, TypeError, ValueError):
        return None
    if parts.get("hour") is None:
        return f"{year:04d}-{month:02d}-{day:02d}"
    hour, minute = int(parts["hour"]), int(parts["minute"])
    second = int(parts.get("second") or 0)
    ampm = (parts.get("ampm") or "").replace(".", "").lower()
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    try:
        return datetime(year, month, day, hour, minute, second).isoformat()
    except ValueError:
        return f"{year:04d}-{month:02d}-{day:02d}"


def parse_date(value: str | None) -> str | None:
    """Normalise a metadata date field; None when it is not a date we recognise."""
    if not value:
        return None
    value = str(value).strip()
    compact = _COMPACT.match(value)
    if compact:
        return _from_match(compact)
    for pattern in _PATTERNS:
        match = pattern.search(value)
        if match:
            found = _from_match(match)
            if found:
                return found
    return None


def find_date(text: str, *, head: int = 400) -> tuple[str | None, tuple[int, int] | None]:
    """Find an article's publication date in its text.

    A labelled date anywhere wins (bylines often sit at the end); otherwise the
    first full date in the opening ``head`` characters. Returns the date and
    its character span, so callers can keep a date line out of a derived title.
    """
    for label in _LABELLED.finditer(text):
        rest = text[label.end() : label.end() + 80]
        for pattern in _PATTERNS:
            match = pattern.match(rest)
            if match:
                found = _from_match(match)
                if found:
                    return found, (label.start(), label.end() + match.end())
    opening = text[:head]
    best: tuple[int, str, tuple[int, int]] | None = None
    for pattern in _PATTERNS:
        for match in pattern.finditer(opening):
            found = _from_match(match)
            if found and (best is None or match.start() < best[0]):
                best = (match.start(), found, match.span())
            if found:
                break
    if best:
        return best[1], best[2]
    return None, None


def date_only(iso: str | None) -> str | None:
    """The calendar-day part of an ISO date or datetime."""
    return iso[:10] if iso else None


def to_datetime(iso: str) -> datetime:
    """Parse an ISO date or datetime as produced by this module."""
    if len(iso) == 10:
        return datetime.strptime(iso, "%Y-%m-%d")
    return datetime.fromisoformat(iso)
