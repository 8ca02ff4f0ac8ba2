"""Case-insensitive regex scans on text lower-cased once, with patterns compiled without ``re.I``.

Why: amounts and dates are found with patterns of many alternatives ("more
than|over|at least|...", month names, number words), tried at every word of
every passage. Under ``re.IGNORECASE`` Python's regex engine compares each
alternative letter by letter through case folding; without it, an alternative
whose first letter differs from the text's is skipped at once. On the text
lower-cased once the same patterns run about twice as fast (1.8-2.4x over
2,000 synthetic articles).

Exactly the same matches: ``str.lower`` keeps every character's length and
kind (letter, digit, space, underscore) except for three characters that
``re.IGNORECASE`` pairs with an ASCII letter although ``str.lower`` does not
turn them into it (İ, ı, ſ); a text holding one of them is scanned with the
``re.I`` pattern instead (``lowered`` answers None). Offsets are the same in
both texts, so callers slice what they keep from the original.
"""

from __future__ import annotations

import re

UNLIKE = frozenset("\u0130\u0131\u017f")  # İ ı ſ: see the module docstring


_ODD = str.maketrans({"\u0131": "i", "\u017f": "s", "\u0307": ""})  # ı, ſ, and the dot İ lower-cases with


def word(matched: str) -> str:
    """A matched word as the lower-case ASCII the patterns spell it ("ſunday" -> "sunday").

    A re.I pattern matches "ſunday", "TONıGHT" or "İN"; their ``lower()`` is not
    the word the pattern names, and looking that up in a table of weekdays or
    number words failed (a traceback that stopped the whole derivation). On text
    without those characters this is ``lower()``.
    """
    return matched.lower().translate(_ODD)


def lowered(text: str) -> str | None:
    """``text`` lower-cased for a scan with ``plain`` patterns; None when it must be scanned with ``re.I``."""
    if not UNLIKE.isdisjoint(text):
        return None
    return text.lower()


def plain(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` without ``re.IGNORECASE``, for lower-cased text (its own letters must be lower case)."""
    # Escapes (\W, \S) and group syntax ((?P<name>...)) are not letters to match.
    source = re.sub(r"\\.|\(\?P<\w+>|\(\?P=\w+\)", "", pattern.pattern)
    if source != source.lower():
        raise ValueError(
            f"pattern has upper-case letters, a lower-cased text cannot match them: {pattern.pattern!r}"
        )
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


def lower_keeping_offsets(text: str) -> str:
    """``text`` lower-cased character by character, a character whose lower case is longer ("İ") kept.

    For scans that always run on lower-cased text, whatever it holds (the cue words,
    ``features.find_raw_cues``): offsets found in it are offsets in ``text``.
    """
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
