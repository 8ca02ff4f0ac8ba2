"""Where the query's words are in a text, and the best few lines to show.

Snippets and the article pane both use ``find_matches``, so what is
highlighted is always what the search matched (variants included).
"""

from __future__ import annotations

from .analysis import fold, iter_words, stem
from .models import MatchTerms, Segment, Span

SNIPPET_CHARS = 220


def find_matches(text: str, terms: MatchTerms) -> list[Span]:
    """Spans of every word in ``text`` that the search matched."""
    if not terms.words and not terms.stems:
        return []
    spans = []
    for word, start, end in iter_words(text):
        folded = fold(word)
        if folded in terms.words or (terms.stems and stem(folded) in terms.stems):
            spans.append(Span(start, end))
    return spans


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
