"""Where the query's words are in a text, and the best few lines to show.

Snippets and the article pane both use ``find_matches``, so what is
highlighted is always what the search matched (variants included).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from functools import lru_cache

from .analysis import WORD_PATTERN, fold, stem
from .models import MatchTerms, Segment, Span

SNIPPET_CHARS = 220


def find_matches(text: str, terms: MatchTerms) -> list[Span]:
    """Spans of every word in ``text`` that the search matched.

    Why in two passes: deciding word by word in Python was most of the cost of a page
    of snippets. So the distinct words are listed by the regex engine first, each
    decided once (and remembered for the next hits of the same search), and only the
    matching ones are looked for again, by a pattern of exactly those words.
    """
    if not terms.words and not terms.stems:
        return []
    known = _verdicts(terms)
    words, stems = terms.words, terms.stems
    matched = []
    for word in set(WORD_PATTERN.findall(text)):
        hit = known.get(word)
        if hit is None:
            folded = fold(word)
            hit = folded in words or (bool(stems) and stem(folded) in stems)
            known[word] = hit
        if hit:
            matched.append(word)
    if not matched:
        return []
    spans = []
    for found in _pattern(frozenset(matched)).finditer(text):
        start, end = found.span()
        token = WORD_PATTERN.match(text, start)
        if token is not None and token.end() == end and _starts_word(text, start):
            spans.append(Span(start, end))
    return spans


@lru_cache(maxsize=256)
def _pattern(words: frozenset[str]) -> re.Pattern[str]:
    """One regex for these exact words, longest first (so `Bankers` is not found as `Bank`)."""
    return re.compile("|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)))


def _starts_word(text: str, start: int) -> bool:
    """Whether WORD_PATTERN's scan would start a word at ``start`` (not inside `U.S` or `O'Brien`)."""
    if start == 0:
        return True
    before = text[start - 1]
    if _WORD_CHAR.match(before):
        return False
    return not (before in "'’." and start >= 2 and _WORD_CHAR.match(text[start - 2]))


_WORD_CHAR = re.compile(r"\w", re.UNICODE)


_VERDICTS: OrderedDict[MatchTerms, dict[str, bool]] = OrderedDict()
_VERDICTS_KEPT = 8
_VERDICTS_LOCK = threading.Lock()
_VERDICT_WORDS = 50_000


def _verdicts(terms: MatchTerms) -> dict[str, bool]:
    """Surface word -> matched, remembered per search terms.

    Why: a page of hits repeats most of its words (`the`, `said`, the query's own), and
    folding plus stemming each occurrence again was most of the cost of 50 snippets.
    """
    with _VERDICTS_LOCK:  # the TUI highlights an article while a worker searches
        known = _VERDICTS.get(terms)
        if known is None or len(known) > _VERDICT_WORDS:
            known = _VERDICTS[terms] = {}
            while len(_VERDICTS) > _VERDICTS_KEPT:
                _VERDICTS.popitem(last=False)
        else:
            _VERDICTS.move_to_end(terms)
        return known


def matched_words(text: str, spans: list[Span]) -> tuple[str, ...]:
    """The distinct words (folded) that matched, in order of first appearance."""
    seen: dict[str, None] = {}
    for span in spans:
        seen.setdefault(fold(text[span.start : span.end]), None)
    return tuple(seen)


def make_snippet(text: str, spans: list[Span], width: int = SNIPPET_CHARS) -> tuple[Segment, ...]:
    """The window of about ``width`` characters with the most distinct matched words.

    Whitespace is collapsed so a snippet is always one line.
    """
    if not text:
        return ()
    start, end = _best_window(text, spans, width)
    segments: list[Segment] = []
    if start > 0:
        segments.append(Segment("…"))
    cursor = start
    for span in spans:
        if span.start < start or span.end > end:
            continue
        if span.start > cursor:
            segments.append(Segment(_one_line(text[cursor : span.start])))
        segments.append(Segment(text[span.start : span.end], match=True))
        cursor = span.end
    if cursor < end:
        segments.append(Segment(_one_line(text[cursor:end])))
    if end < len(text):
        segments.append(Segment("…"))
    if segments and not segments[0].match:
        segments[0] = Segment(segments[0].text.lstrip())
    return tuple(s for s in segments if s.text)


def _one_line(text: str) -> str:
    collapsed = " ".join(text.split())
    if text[:1].isspace() and collapsed:
        collapsed = " " + collapsed
    if text[-1:].isspace() and collapsed and not collapsed.endswith(" "):
        collapsed += " "
    return collapsed or (" " if text else "")


def _best_window(text: str, spans: list[Span], width: int) -> tuple[int, int]:
    if not spans:
        return 0, _word_end(text, min(width, len(text)))
    best_score, best_first = -1, 0
    right = 0
    for left in range(len(spans)):
        while right < len(spans) and spans[right].end - spans[left].start <= width:
            right += 1
        window = spans[left:right]
        score = len({fold(text[s.start : s.end]) for s in window}) * 10 + len(window)
        if score > best_score:
            best_score, best_first = score, left
    first = spans[best_first]
    # Start a little before the first match, at a word boundary.
    start = max(0, first.start - width // 4)
    if start > 0:
        space = text.rfind(" ", 0, start + 1)
        start = space + 1 if space >= 0 and first.start - space < width // 2 else start
    end = _word_end(text, min(len(text), start + width))
    return start, end


def _word_end(text: str, position: int) -> int:
    if position >= len(text):
        return len(text)
    space = text.find(" ", position)
    return len(text) if space < 0 or space - position > 20 else space
