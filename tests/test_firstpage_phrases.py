"""The phrase check's own position test answers what Whoosh's SpanNear2 answers.

``firstpage._in_order`` replaces Whoosh's span joining for fields whose postings hold
positions only; it must agree with ``SpanNear2Matcher._get_spans`` (ordered, mindist 1) for
every slop, repeated words and positions far apart included.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.query.spans import Span, SpanNear2

from search.firstpage import _in_order


class _Word:
    """A stand-in for a posting list standing on a document: its spans are its positions."""

    def __init__(self, positions: list[int]) -> None:
        self.positions = positions

    def spans(self) -> list[Span]:
        return [Span(position) for position in self.positions]


class _Whoosh:
    """The attributes SpanNear2Matcher._get_spans reads."""

    def __init__(self, positions: list[list[int]], slop: int) -> None:
        self.ms = [_Word(p) for p in positions]
        self.slop, self.ordered, self.mindist = slop, True, 1


def whoosh_says(positions: list[list[int]], slop: int) -> bool:
    return bool(SpanNear2.SpanNear2Matcher._get_spans(_Whoosh(positions, slop)))  # type: ignore[arg-type]


positions_of_a_word = st.lists(st.integers(0, 40), min_size=1, max_size=12, unique=True).map(sorted)


@settings(max_examples=600, deadline=None)
@given(st.lists(positions_of_a_word, min_size=2, max_size=4), st.integers(1, 4))
def test_in_order_agrees_with_whoosh(positions: list[list[int]], slop: int) -> None:
    assert _in_order(positions, slop) == whoosh_says(positions, slop)


def test_known_cases() -> None:
    assert _in_order([[3, 9], [4]], 1) and whoosh_says([[3, 9], [4]], 1)
    assert not _in_order([[3], [3]], 1)  # the same position is not the next one
    assert not _in_order([[4], [3]], 2)  # out of order
    assert _in_order([[1], [3]], 2) and not _in_order([[1], [3]], 1)
    # a repeated word ("net net"): two positions in a row
    assert _in_order([[2, 5, 6], [2, 5, 6]], 1) and not _in_order([[2, 5], [2, 5]], 1)
    assert _in_order([[1], [2], [3]], 1) and not _in_order([[1], [2], [4]], 1)
