"""Numbers and amounts as reporters write them: "600", "more than 1,000", "a thousand", "hundreds".

Sources most often disagree on figures, and write the same figure in
different ways, so each amount is read into a value (1,000 and "a
thousand" are both 1000), the hedge in front of it ("more than", "at
least"), and the words around it (what was counted, what happened).
Years, decades, clock times and ordinals are not amounts and are skipped.
"""

from __future__ import annotations

import re
from types import EllipsisType

from ..analysis import fold, stem
from . import caseless
from .lexicon import STOPWORDS
from .models import Quantity

_UNITS = {
    "zero": 0, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "dozen": 12, "hundred": 100, "thousand": 1000, "million": 1e6, "billion": 1e9, "trillion": 1e12,
}  # fmt: skip
_SCALES = {
    "hundred": 100, "thousand": 1000, "k": 1000, "million": 1e6, "mln": 1e6, "m": 1e6,
    "billion": 1e9, "bln": 1e9, "bn": 1e9, "trillion": 1e12,
}  # fmt: skip
_VAGUE = {
    "dozens": 12, "scores": 20, "hundreds": 100, "thousands": 1000, "tens of thousands": 10_000,
    "hundreds of thousands": 100_000, "millions": 1e6, "billions": 1e9,
}  # fmt: skip
_QUALIFIER = (
    r"(?P<qual>more than|over|at least|about|around|nearly|almost|some|up to|less than|fewer than|"
    r"under|approximately|roughly|close to|as many as|at most|an estimated|estimated|only|just)\s+"
)
_WORD_NUMBER = "|".join(sorted((w for w in _UNITS if w not in {"zero"}), key=len, reverse=True))
_PATTERN = re.compile(
    r"(?<![\w.,:/-])(?:" + _QUALIFIER + r")?(?:"
    r"(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<scale>\s*(?:%|percent\b|per cent\b|pct\b|(?:hundred|thousand|million|billion|trillion|mln|bln|bn)\b|[km]\b))?"
    r"|(?P<vague>tens of thousands|hundreds of thousands|dozens|scores|hundreds|thousands|millions|billions)\b"
    r"|(?P<article>an?\s+)?(?P<words>(?:" + _WORD_NUMBER + r")(?:[\s-]+(?:" + _WORD_NUMBER + r"))*)\b"
    r")(?![\w:]|\.\d|,\d)",
    re.I,
)
_PLAIN = caseless.plain(_PATTERN)
_CONTEXT_WORD = re.compile(r"[A-Za-z]+")
# Words that can make an amount without a digit: a passage with none of them and no digit has no amount.
NUMBER_WORDS = frozenset(_UNITS) | {w for phrase in _VAGUE for w in phrase.split()} | {"tens"}


def find_quantities(text: str, skip: list[tuple[int, int]] | None = None) -> list[Quantity]:
    """Amounts in ``text``, left to right; spans in ``skip`` (dates) are ignored."""
    return [
        Quantity(text[s:e], s, e, value, qualifier, magnitude, unit, context_words(text, s, e))
        for s, e, value, qualifier, magnitude, unit in quantity_spans(text, skip)
    ]


RawQuantity = tuple[int, int, "float | None", str, "float | None", str]


def quantity_spans(
    text: str, skip: list[tuple[int, int]] | None = None, low: str | EllipsisType | None = ...
) -> list[RawQuantity]:
    """Amounts as (start, end, value, qualifier, magnitude, unit): ``find_quantities`` without objects.

    ``low``: ``caseless.lowered(text)`` when the caller has it already (a string, or
    None for "scan with the re.I pattern"); left out, it is made here.
    """
    found: list[RawQuantity] = []
    if low is ...:
        low = caseless.lowered(text)
    for match in _PATTERN.finditer(text) if low is None else _PLAIN.finditer(low):
        if skip and any(a < match.end() and match.start() < b for a, b in skip):
            continue
        parsed = _value(match, text)
        if parsed is None:
            continue
        value, magnitude = parsed
        scale = caseless.word((match.group("scale") or "").strip())
        found.append(
            (
                match.start(),
                match.end(),
                value,
                caseless.word(match.group("qual") or ""),
                magnitude,
                "%" if scale in {"%", "percent", "per cent", "pct"} else "",
            )
        )
    return found


def _value(match: re.Match[str], text: str) -> tuple[float | None, float | None] | None:
    """The amount and magnitude ``match`` reads (its groups lower-cased), None for a year or a decade."""
    digits, words, vague = match.group("digits"), match.group("words"), match.group("vague")
    if vague:
        return None, float(_VAGUE[caseless.word(vague)])
    if digits:
        value = float(digits.replace(",", ""))
        scale = caseless.word((match.group("scale") or "").strip())
        if scale in _SCALES:
            value *= _SCALES[scale]
        elif not scale and not match.group("qual") and len(digits) == 4 and 1800 <= value <= 2100:
            return None  # a year
        if match.end() < len(text) and text[match.end() : match.end() + 1] == "s":
            return None  # the 1980s
        return value, None
    if words:
        parts = [p for p in re.split(r"[\s-]+", caseless.word(words)) if p]
        if parts == ["dozen"] and not match.group("article"):
            return None
        if len(parts) == 1 and parts[0] in _SCALES and not match.group("article"):
            return None  # "thousand" alone is not an amount; "a thousand" is
        return _words_value(parts), None
    return None


def _words_value(parts: list[str]) -> float:
    """'two hundred fifty' -> 250, 'a thousand' -> 1000."""
    total, current = 0.0, 0.0
    for part in parts:
        number = _UNITS[part]
        if number >= 100 and part != "dozen":
            current = (current or 1) * number
            if number >= 1000:
                total, current = total + current, 0.0
        else:
            current += number
    return total + current or 1.0


def context_words(text: str, start: int, end: int) -> tuple[str, ...]:
    """Stems of the content words just before and after an amount."""
    before_text = re.split(r"[.;!?]\s", text[max(0, start - 40) : start])[-1]
    after_text = re.split(r"[.;!?](?:\s|$)", text[end : end + 70])[0]
    before = _CONTEXT_WORD.findall(before_text)[-3:]
    after = _CONTEXT_WORD.findall(after_text)[:7]
    words = []
    for word in [*before, *after]:
        folded = fold(word)
        if folded in STOPWORDS or len(folded) < 3:
            continue
        words.append(stem(folded))
    return tuple(dict.fromkeys(words))


def format_value(quantity: Quantity) -> str:
    """A short normalised form: 'more than 1000', '~100s'."""
    if quantity.value is None:
        return f"{int(quantity.magnitude or 0)}s"
    value = int(quantity.value) if quantity.value == int(quantity.value) else quantity.value
    return f"{quantity.qualifier} {value}{quantity.unit}".strip()
