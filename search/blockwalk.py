"""The first page found a window of documents at a time, from whole posting blocks.

Why: the document-at-a-time walk through Whoosh's matcher tree costs 10-20 µs a
document (a handful of Python calls per node and document), and the words people
search for are in most articles: `"net loss"` walked tens of thousands of documents
whose scores could never reach the page. Here the documents are taken in windows
that end where the first current posting block ends, and for each window:

1. the best score any document of it can reach is bounded from block statistics
   (Whoosh's header bound for the blocks that define the window, the exact scores
   of already decoded blocks elsewhere); most windows stop here, undecoded;
2. otherwise each list gives only the documents whose own score could still lift
   the total above the page's 20th score, given the others' bounds (a union's side
   that cannot reach it alone only gives documents the other side also holds...);
3. only those candidates are scored through the tree (a bisection per list), in
   document order, and a phrase's positions are checked only for a candidate that
   would enter the page.

The tree mirrors the Whoosh matcher tree node for node, so scores are added in the
same order and every score is the float Whoosh gives (``_BisectingLeaf.block_scores``
is Whoosh's BM25 term for term). The tree is pruned as the page's threshold rises,
as ``firstpage.prune`` prunes Whoosh's. A tree holding any other matcher is refused
(``Unfit``) and the caller walks Whoosh's matchers instead.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from itertools import compress
from typing import Any, NamedTuple

from whoosh.matching import (
    AndMaybeMatcher,
    AndNotMatcher,
    FilterMatcher,
    IntersectionMatcher,
    UnionMatcher,
    WrappingMatcher,
)

CANCEL_CHECK_EVERY = 64  # windows between two looks at the caller's cancel flag
SPARSE_SPREAD = 4  # a block this many times wider than the window is decoded to bound it
# An AND's posting list with more than this many times the other side's bytes is read lazily.
# 1: the larger of two lists of a phrase is, however close their sizes. Each candidate then
# moves it and bounds it from its block header (a call or two more a candidate), but only
# the smaller list cuts windows and the larger one's blocks are decoded only where the
# smaller holds a candidate: at 100k `"net loss"` (lists of 184 and 124 KB a segment)
# 967 -> 375 windows, `"central bank"` 37 -> 24 ms for the first page. (It was 8.)
LAZY_RATIO = 1
LAZY_SIZE = 1 << 30  # what a lazy list answers for its size in a window (unknown: large)
HEAVY_SHARE = 4  # a block is scored whole when more than this share of a stretch may pass (1/4)


class Unfit(Exception):
    """The matcher tree holds a node this module does not mirror."""


class _Node:
    """A matcher-tree node. ``ms`` is the score a document must exceed (None: any document counts)."""

    maxq: float = 0.0  # the best score any document can get from this node
    lazy = False  # a posting list read only where its AND's other side has documents (``_Leaf``)

    def weight(self) -> int:
        """About how many bytes of postings the node's documents take: which AND side is rarer."""
        raise NotImplementedError

    def leaves(self) -> list[_Leaf]:
        raise NotImplementedError

    # The last window bounded and its bound: a window's bound is asked several times.
    _bounded: tuple[int, int] = (-1, -1)
    _bound: float | None = None

    def bound(self, start: int, end: int) -> float | None:
        """At least every score of the node's documents in [start, end]; None: it has none there."""
        if self._bounded == (start, end):
            return self._bound
        found = self._bound = self._compute_bound(start, end)
        self._bounded = (start, end)
        return found

    def _compute_bound(self, start: int, end: int) -> float | None:
        raise NotImplementedError

    def candidates(self, start: int, end: int, ms: float | None) -> AbstractSet[int]:
        """The node's documents in [start, end] whose score may exceed ``ms`` (a superset of them)."""
        raise NotImplementedError

    def score(self, docnum: int) -> float | None:
        """The node's score of ``docnum`` (in the current window), None when it does not match."""
        raise NotImplementedError

    def at_most(self, docnum: int) -> float | None:
        """At least the node's score of ``docnum`` (None: it surely lacks it), decoding no block for it.

        Asked before ``score`` for a candidate once the page is full: a lazy list moves to
        the document's block and answers from its header unless that block is decoded.
        Every list's answer is at least its score and sums are added as in ``score``,
        so (float addition being monotonic) the node's answer is at least its score.
        """
        raise NotImplementedError

    def size(self, start: int, end: int) -> int:
        """About how many documents the node holds in [start, end] (exact for decoded blocks)."""
        raise NotImplementedError


class _Null(_Node):
    def leaves(self) -> list[_Leaf]:
        return []

    def bound(self, start: int, end: int) -> float | None:
        return None

    def candidates(self, start: int, end: int, ms: float | None) -> AbstractSet[int]:
        return set()

    def score(self, docnum: int) -> float | None:
        return None

    def at_most(self, docnum: int) -> float | None:
        return None

    def size(self, start: int, end: int) -> int:
        return 0

    def weight(self) -> int:
        return 0


NULL = _Null()


class _Leaf(_Node):
    """One posting list (a ``_BisectingLeaf``), read a block at a time.

    Within a window every list's current block covers the whole window (the window
    ends where the first block ends), so one bisection finds its postings there.

    A ``lazy`` list is the common side of an AND whose other side is rare (`exact:stock`
    beside a spelling variant's `exact:exchaange`): its blocks do not cut windows, and
    it is moved forward only to bound or score a document its AND's rare side holds.
    Then a window may end beyond its current block; it is bounded by its best score.
    """

    def __init__(self, matcher: Any) -> None:
        self.m = matcher
        self.maxq = matcher.max_quality()
        self._key: tuple[int, int] | None = None
        self._span = (0, 0)
        self.after = -1  # the last document of the previous block
        # The last window bounded and its bound: a window asks each list for its bound
        # several times (the tree's bound, then each AND and OR on the way to candidates).
        self._bounded = (-1, -1)
        self._bound: float | None = None

    def leaves(self) -> list[_Leaf]:
        return [self]

    def weight(self) -> int:
        length = getattr(self.m, "_length", 0)  # the list's bytes (Whoosh keeps it as a 1-tuple)
        if isinstance(length, tuple):
            length = length[0] if length else 0
        return length if isinstance(length, int) else 0

    def advance(self, lo: int) -> int | None:
        """Move to the block holding ``lo`` (headers only); its last document, None at the end."""
        m = self.m
        if not m._atend and m._maxid < lo:
            self._key = None
            self._bounded = (-1, -1)
            while not m._atend and m._maxid < lo:
                self.after = m._maxid
                m._next_block()
        return None if m._atend else m._maxid

    def sparse(self, start: int, end: int) -> bool:
        """Whether the current block spreads over several windows like this one (a rarer list).

        Decoding such a block serves the next windows too, and its exact scores say
        whether it holds a document here at all; a block about as wide as the window
        is decoded only when its header bound cannot rule the window out.
        """
        return self.m._maxid - self.after > SPARSE_SPREAD * (end - start + 1)

    def _range(self, start: int, end: int) -> tuple[int, int]:
        """Indexes in the current (decoded) block of the postings from ``start`` to ``end``."""
        if self._key != (start, end) or self.m._ids is None:
            m = self.m
            if m._ids is None:
                m._read_ids()
            ids = m._ids
            first = bisect_left(ids, start)
            self._span = (first, bisect_right(ids, end, first))
            self._key = (start, end)
        return self._span

    def _compute_bound(self, start: int, end: int) -> float | None:
        m = self.m
        if self.lazy:
            last = self.advance(start)
            if last is None:
                return None
            if last < end:
                return self.maxq  # the window runs past this block: any score of the list
        if m._atend:
            return None
        if m._ids is None and not self.sparse(start, end):
            return m.block_quality()  # Whoosh's bound from the block header, undecoded
        first, stop = self._range(start, end)
        if first == stop:
            return None
        return m.range_max(first, stop)

    def candidates(self, start: int, end: int, ms: float | None) -> AbstractSet[int]:
        m = self.m
        if m._atend:
            return set()
        if ms is None:
            first, stop = self._range(start, end)
            return set(m._ids[first:stop])
        return self.scores_above(start, end, ms).keys()

    def scores_above(self, start: int, end: int, ms: float) -> dict[int, float]:
        """The list's documents in [start, end] scoring above ``ms``, with their scores."""
        m = self.m
        if m._atend or (m._ids is None and m.block_quality() <= ms):
            return {}
        first, stop = self._range(start, end)
        ids = m._ids
        scores = m._scores
        if scores is None:
            floor = m.weight_floor(ms)
            if floor is not None:
                # Only postings heavy enough to pass with the block's shortest length are scored.
                # (The weights are compared in C.) When many pass, the whole block is scored:
                # one expression per posting in a list comprehension costs less than a call each.
                weights = m.weights()[first:stop]
                if not weights or max(weights) <= floor:
                    return {}  # the usual answer once the page is good, found in C
                heavy = list(compress(range(first, stop), map(floor.__lt__, weights)))
                if len(heavy) * HEAVY_SHARE <= stop - first:
                    score = m.posting_score
                    return {ids[i]: found for i in heavy if (found := score(i)) > ms}
            scores = m.block_scores()
        return {ids[i]: scores[i] for i in range(first, stop) if scores[i] > ms}

    def liftable(self, scored: dict[int, float], ms: float, boost: float, dropped: Any) -> set[int]:
        """The documents of ``scored`` whose score there plus this (lazy) list's ``at_most`` exceeds ``ms``.

        ``boost`` and ``dropped``: the list's boost and deleted documents (``_Chain``).
        Why: the common side of a two-word AND (every phrase of two words) is lazy, and
        the rarer side's candidates were each bounded through the whole tree: at 100k the
        body lists of `"net loss"` gave 4,486 candidates a search, of which that bound kept
        360. Here each costs a look at this list's current block. The sum is the AND's
        own (``_And.at_most``, the other side first), so it is at least the AND's score.
        """
        m = self.m
        if m._atend:
            return set()
        kept = set()
        maxid, ids = m._maxid, m._ids
        ahead = None  # the block after the current one that holds the documents beyond it
        for docnum, score in scored.items():  # in document order, as the block holds them
            if dropped is not None and docnum in dropped:
                continue
            if docnum > maxid:
                # Bounded by the header of the block that would hold it, the list left where it
                # stands: a document of another clause of this window may come before it.
                while ahead is None or docnum > ahead.header[1]:
                    try:
                        ahead = m.block_after(ahead)
                    except LookupError:  # a header laid out otherwise: let scoring drop what it lacks
                        return kept.union(
                            other for other in scored if dropped is None or other not in dropped
                        )
                    if ahead is None:
                        return kept  # past the list's last block: the list lacks the rest
                ceiling = m.doc_bound(docnum, ahead.header[2])
            elif ids is None:
                ceiling = m.doc_bound(docnum)  # ``at_most`` inlined: one call a document, not four
            else:
                i = bisect_left(ids, docnum)
                if i == len(ids) or ids[i] != docnum:
                    continue  # the list lacks it: so does the AND
                ceiling = m.posting_score(i)
            if score + ceiling * boost > ms:
                kept.add(docnum)
        return kept

    def size(self, start: int, end: int) -> int:
        m = self.m
        if self.lazy:
            return LAZY_SIZE  # unknown here: never the side to ask first
        if m._atend:
            return 0
        if m._ids is None:
            return m._blocklength  # undecoded: at most its block
        first, stop = self._range(start, end)
        return stop - first

    def score(self, docnum: int) -> float | None:
        m = self._block_of(docnum)
        if m is None:
            return None
        if m._ids is None:
            m._read_ids()
        return self._posting_score(docnum)

    def at_most(self, docnum: int) -> float | None:
        m = self._block_of(docnum)
        if m is None:
            return None
        if m._ids is None:
            return m.doc_bound(docnum)  # the document's own length: tighter than the block's bound
        return self._posting_score(docnum)

    def _block_of(self, docnum: int) -> Any:
        """The matcher, moved (when lazy) to the block that would hold ``docnum``; None past its end."""
        m = self.m
        if self.lazy:
            self.advance(docnum)
        if m._atend or docnum > m._maxid:
            return None
        return m

    def _posting_score(self, docnum: int) -> float | None:
        """The score of ``docnum`` in the decoded current block; None when the block lacks it."""
        m = self.m
        ids = m._ids
        i = bisect_left(ids, docnum)
        if i < len(ids) and ids[i] == docnum:
            return m.posting_score(i)
        return None


class _Pair(_Node):
    def __init__(self, a: _Node, b: _Node) -> None:
        self.a, self.b = a, b
        self.maxq = a.maxq + b.maxq

    def leaves(self) -> list[_Leaf]:
        return self.a.leaves() + self.b.leaves()

    def size(self, start: int, end: int) -> int:
        return self.a.size(start, end) + self.b.size(start, end)

    def weight(self) -> int:
        return self.a.weight() + self.b.weight()


class _Or(_Pair):
    """Whoosh's UnionMatcher: either side, scores added when both match."""

    def _compute_bound(self, start: int, end: int) -> float | None:
        a, b = self.a.bound(start, end), self.b.bound(start, end)
        if a is None:
            return b
        return a if b is None else a + b

    def candidates(self, start: int, end: int, ms: float | None) -> AbstractSet[int]:
        a, b = self.a.bound(start, end), self.b.bound(start, end)
        if a is None and b is None:
            return set()
        if ms is None:
            return self.a.candidates(start, end, None) | self.b.candidates(start, end, None)
        if a is None:
            return self.b.candidates(start, end, ms)
        if b is None:
            return self.a.candidates(start, end, ms)
        # A document both sides hold and that beats ``ms`` beats ``ms`` minus the other
        # side's bound on either side; one holding a single side must beat ``ms`` there.
        # So one side is asked with the lowered threshold (the one with fewer postings
        # here: `"net loss"` in a title, not in the text), the other with ``ms`` itself.
        if self.a.size(start, end) <= self.b.size(start, end):
            return self.a.candidates(start, end, ms - max(b, 0.0)) | self.b.candidates(start, end, ms)
        return self.a.candidates(start, end, ms) | self.b.candidates(start, end, ms - max(a, 0.0))

    def score(self, docnum: int) -> float | None:
        a, b = self.a.score(docnum), self.b.score(docnum)
        if a is None:
            return b
        return a if b is None else a + b

    def at_most(self, docnum: int) -> float | None:
        a, b = self.a.at_most(docnum), self.b.at_most(docnum)
        if a is None:
            return b
        return a if b is None else a + b


class _And(_Pair):
    """Whoosh's IntersectionMatcher: both sides, scores added.

    With a ``lazy`` side, the other side is asked first and alone gives the candidates;
    the lazy side only bounds and scores them (adding its score second changes no float:
    one addition of two numbers does not depend on their order).
    """

    def __init__(self, a: _Node, b: _Node) -> None:
        super().__init__(a, b)
        self.chains = (_chain(a), _chain(b))

    @property
    def first(self) -> _Node:
        """The side asked first: the one that is not lazy (which side is can change at a pruning)."""
        return self.b if self.a.lazy else self.a

    @property
    def second(self) -> _Node:
        return self.a if self.a.lazy else self.b

    def size(self, start: int, end: int) -> int:
        return min(self.a.size(start, end), self.b.size(start, end))

    def weight(self) -> int:
        return min(self.a.weight(), self.b.weight())

    def _compute_bound(self, start: int, end: int) -> float | None:
        a = self.first.bound(start, end)
        if a is None:
            return None
        b = self.second.bound(start, end)
        return None if b is None else a + b

    def candidates(self, start: int, end: int, ms: float | None) -> AbstractSet[int]:
        first, second = (self.b, self.a) if self.a.lazy else (self.a, self.b)
        a = first.bound(start, end)
        b = None if a is None else second.bound(start, end)
        if a is None or b is None:
            return set()
        if ms is not None and second.lazy:
            first_chain, lazy_chain = (self.chains[1], self.chains[0]) if self.a.lazy else self.chains
            if first_chain is not None and lazy_chain is not None:
                return _lifted(first_chain, lazy_chain, start, end, ms - b, ms)
        found = first.candidates(start, end, None if ms is None else ms - b)
        if not found or second.lazy:
            return found  # a superset: scoring drops those the lazy side lacks
        return found & second.candidates(start, end, None if ms is None else ms - a)

    def score(self, docnum: int) -> float | None:
        a = self.first.score(docnum)
        if a is None:
            return None
        b = self.second.score(docnum)
        return None if b is None else a + b

    def at_most(self, docnum: int) -> float | None:
        first, second = (self.b, self.a) if self.a.lazy else (self.a, self.b)
        a = first.at_most(docnum)
        if a is None:
            return None
        b = second.at_most(docnum)
        return None if b is None else a + b


class _Chain(NamedTuple):
    """One posting list under at most one boost and one deleted-document filter (a term's matcher)."""

    leaf: _Leaf
    boost: float
    dropped: Any  # the segment's deleted document numbers, None when it has none


def _chain(node: _Node) -> _Chain | None:
    """``node`` as a ``_Chain``; None when it is anything else (a compound)."""
    boost, dropped = 1.0, None
    while True:
        kind = type(node)
        if kind is _Leaf:
            return _Chain(node, boost, dropped)  # type: ignore[arg-type]
        if kind is _Scale and boost == 1.0:
            boost = node.boost  # type: ignore[attr-defined]
        elif kind is _Drop and dropped is None:
            dropped = node.dropped  # type: ignore[attr-defined]
        else:
            return None
        node = node.child  # type: ignore[attr-defined]


def _lifted(first: _Chain, second: _Chain, start: int, end: int, floor: float, ms: float) -> set[int]:
    """``_And.candidates`` of two lists, the second lazy: the first's documents above ``floor`` it may lift above ``ms``.

    The first list's scores are those ``_Scale`` and ``_Drop`` would give (``floor``
    divided by the boost, as ``_Scale.candidates`` divides it; the score times it).
    """
    found = first.leaf.scores_above(start, end, floor / first.boost)
    if not found:
        return set()
    boost, dropped = first.boost, first.dropped
    if boost != 1.0 or dropped is not None:
        found = {
            docnum: score * boost
            for docnum, score in found.items()
            if dropped is None or docnum not in dropped
        }
    return second.leaf.liftable(found, ms, second.boost, second.dropped)


class _Maybe(_Pair):
    """Whoosh's AndMaybeMatcher: the first side, plus the second's score where it matches too."""

    def size(self, start: int, end: int) -> int:
        return self.a.size(start, end)

    def weight(self) -> int:
        return self.a.weight()

    def _compute_bound(self, start: int, end: int) -> float | None:
        a = self.a.bound(start, end)
        if a is None:
            return None
        b = self.b.bound(start, end)
        return a if b is None else a + b

    def candidates(self, start: int, end: int, ms: float | None) -> AbstractSet[int]:
        if ms is None:
            return self.a.candidates(start, end, None)
        b = self.b.bound(start, end)
        return self.a.candidates(start, end, ms - max(b or 0.0, 0.0))

    def score(self, docnum: int) -> float | None:
        a = self.a.score(docnum)
        if a is None:
            return None
        b = self.b.score(docnum)
        return a if b is None else a + b

    def at_most(self, docnum: int) -> float | None:
        a = self.a.at_most(docnum)
        if a is None:
            return None
        b = self.b.at_most(docnum)
        return a if b is None else a + b


class _Not(_Pair):
    """Whoosh's AndNotMatcher: the first side's documents the second lacks, the first's score."""

    def __init__(self, a: _Node, b: _Node) -> None:
        super().__init__(a, b)
        self.maxq = a.maxq

    def size(self, start: int, end: int) -> int:
        return self.a.size(start, end)

    def weight(self) -> int:
        return self.a.weight()

    def _compute_bound(self, start: int, end: int) -> float | None:
        return self.a.bound(start, end)

    def candidates(self, start: int, end: int, ms: float | None) -> AbstractSet[int]:
        return self.a.candidates(start, end, ms)

    def score(self, docnum: int) -> float | None:
        a = self.a.score(docnum)
        if a is None or self.b.score(docnum) is not None:
            return None
        return a

    def at_most(self, docnum: int) -> float | None:
        return self.a.at_most(docnum)  # the excluded side can only remove the document


class _Wrapper(_Node):
    """A node over one child that answers as the child does unless it says otherwise."""

    def __init__(self, child: _Node) -> None:
        self.child = child
        self.maxq = child.maxq

    @property
    def lazy(self) -> bool:  # type: ignore[override]
        return self.child.lazy

    def leaves(self) -> list[_Leaf]:
        return self.child.leaves()

    def size(self, start: int, end: int) -> int:
        return self.child.size(start, end)

    def weight(self) -> int:
        return self.child.weight()

    def bound(self, start: int, end: int) -> float | None:
        return self.child.bound(start, end)

    def candidates(self, start: int, end: int, ms: float | None) -> AbstractSet[int]:
        return self.child.candidates(start, end, ms)

    def score(self, docnum: int) -> float | None:
        return self.child.score(docnum)

    def at_most(self, docnum: int) -> float | None:
        return self.child.at_most(docnum)


class _Scale(_Wrapper):
    """Whoosh's WrappingMatcher with a boost: the child's score times the boost."""

    def __init__(self, child: _Node, boost: float) -> None:
        super().__init__(child)
        self.boost = boost
        self.maxq = child.maxq * boost

    def bound(self, start: int, end: int) -> float | None:
        child = self.child.bound(start, end)
        return None if child is None else child * self.boost

    def candidates(self, start: int, end: int, ms: float | None) -> AbstractSet[int]:
        return self.child.candidates(start, end, None if ms is None else ms / self.boost)

    def score(self, docnum: int) -> float | None:
        child = self.child.score(docnum)
        return None if child is None else child * self.boost

    def at_most(self, docnum: int) -> float | None:
        child = self.child.at_most(docnum)
        return None if child is None else child * self.boost


class _Drop(_Wrapper):
    """Whoosh's FilterMatcher leaving out a segment's deleted documents (boost 1: scores unchanged)."""

    def __init__(self, child: _Node, dropped: Any) -> None:
        super().__init__(child)
        self.dropped = dropped

    def candidates(self, start: int, end: int, ms: float | None) -> AbstractSet[int]:
        dropped = self.dropped
        return {docnum for docnum in self.child.candidates(start, end, ms) if docnum not in dropped}

    def score(self, docnum: int) -> float | None:
        return None if docnum in self.dropped else self.child.score(docnum)

    def at_most(self, docnum: int) -> float | None:
        return None if docnum in self.dropped else self.child.at_most(docnum)


def build(matcher: Any) -> _Node:
    """The tree mirroring a Whoosh matcher tree; raises Unfit for any node it cannot mirror."""
    if not matcher.is_active():
        return NULL
    kind = type(matcher)
    if kind is UnionMatcher:
        return _Or(build(matcher.a), build(matcher.b))
    if kind is IntersectionMatcher:
        return _And(build(matcher.a), build(matcher.b))
    if isinstance(matcher, AndMaybeMatcher):
        return _Maybe(build(matcher.a), build(matcher.b))
    if kind is AndNotMatcher:
        return _Not(build(matcher.a), build(matcher.b))
    if kind is FilterMatcher and matcher._exclude and matcher.boost == 1.0:
        return _Drop(build(matcher.child), matcher._ids)
    if kind is WrappingMatcher and matcher.boost > 0:
        return _Scale(build(matcher.child), matcher.boost)
    if hasattr(matcher, "block_scores") and getattr(matcher.scorer, "norms", None) is not None:
        return _Leaf(matcher)
    raise Unfit(kind.__name__)


def _mark_lazy(node: _Node, cutting: bool = True) -> None:
    """Say which lists cut the windows (``lazy`` False) and which are only moved to what is asked of them.

    Only documents of a window-cutting list can enter the page: both sides of an OR cut,
    the rarer side of an AND alone (``_lazier``), the first side of an AND-MAYBE or
    AND-NOT alone. The other lists never give candidates; they bound a window (by their
    best score where it runs past their current block) and score a candidate found by
    another list, moving forward to it.

    Why: once the page is good, `"stock exchange"` and `oil prices` prune to "title AND
    (optionally) body": only the few articles with the words in their title can enter the
    page, but the body lists' blocks, a hundred times more, still cut the windows (140 a
    segment instead of a handful), and each window bounded and decoded them.
    """
    kind = type(node)
    if kind is _Leaf:
        node.lazy = not cutting
    elif kind is _Or:
        _mark_lazy(node.a, cutting)  # type: ignore[attr-defined]
        _mark_lazy(node.b, cutting)  # type: ignore[attr-defined]
    elif kind is _And:
        _mark_lazy(node.a, cutting)  # type: ignore[attr-defined]
        _mark_lazy(node.b, cutting)  # type: ignore[attr-defined]
        if cutting:
            _lazier(node.a, node.b)  # type: ignore[attr-defined]
    elif kind is _Maybe or kind is _Not:
        _mark_lazy(node.a, cutting)  # type: ignore[attr-defined]
        _mark_lazy(node.b, False)  # type: ignore[attr-defined]
    elif kind is _Scale or kind is _Drop:
        _mark_lazy(node.child, cutting)  # type: ignore[attr-defined]


def _lazier(a: _Node, b: _Node) -> tuple[_Node, _Node]:
    """The sides of an AND, a posting list among them made ``lazy`` when the other is rarer (``LAZY_RATIO``)."""
    for big, small in ((a, b), (b, a)):
        leaf = _list_of(big)
        if leaf is not None and not small.lazy and small.weight() * LAZY_RATIO < leaf.weight():
            leaf.lazy = True
            break
    return a, b


def _list_of(node: _Node) -> _Leaf | None:
    """The posting list ``node`` is, under its boost or deleted-document filter; None for a compound."""
    while type(node) is _Scale or type(node) is _Drop:
        node = node.child  # type: ignore[attr-defined]
    return node if type(node) is _Leaf else None


def prune(node: _Node, ms: float) -> _Node:
    """``node`` without what cannot lift a document above ``ms`` (``firstpage.prune``, on this tree).

    A union side that cannot exceed ``ms`` alone turns the union into an AND-MAYBE (only the
    other side's documents can reach the page); an AND with a side gone matches nothing.
    Sides are only reordered or dropped, so the scores of what is left are added as before.
    """
    kind = type(node)
    if kind is _Leaf:
        return NULL if node.maxq <= ms or node.m._atend else node
    if kind is _Or:
        a, b = node.a, node.b
        if a.maxq + b.maxq <= ms:
            return NULL
        if a.maxq <= ms and b.maxq <= ms:
            return prune(_And(a, b), ms)
        if a.maxq <= ms:
            return prune(_Maybe(b, a), ms)
        if b.maxq <= ms:
            return prune(_Maybe(a, b), ms)
        new_a, new_b = prune(a, ms - b.maxq), prune(b, ms - a.maxq)
        if new_a is NULL:
            return new_b
        if new_b is NULL:
            return new_a
        return node if (new_a is a and new_b is b) else _Or(new_a, new_b)
    if kind is _And or kind is _Maybe:
        a, b = node.a, node.b
        if a.maxq + b.maxq <= ms:
            return NULL
        if kind is _Maybe and a.maxq <= ms:
            return prune(_And(a, b), ms)
        new_a, new_b = prune(a, ms - b.maxq), prune(b, ms - a.maxq)
        if new_a is NULL:
            return NULL
        if new_b is NULL:
            return NULL if kind is _And else new_a
        return node if (new_a is a and new_b is b) else kind(new_a, new_b)
    if kind is _Not:
        new_a = prune(node.a, ms)
        return NULL if new_a is NULL else (node if new_a is node.a else _Not(new_a, node.b))
    if kind is _Scale:
        child = prune(node.child, ms / node.boost)
        return NULL if child is NULL else (node if child is node.child else _Scale(child, node.boost))
    if kind is _Drop:
        child = prune(node.child, ms)
        return NULL if child is NULL else (node if child is node.child else _Drop(child, node.dropped))
    return node


def collect(
    root: _Node,
    check: Callable[[int], float | None] | None,
    offset: int,
    heap: list[tuple[float, int]],
    limit: int,
    margin: float,
    cancelled: Callable[[], None] | None = None,
    provisional: set[int] | None = None,
) -> int:
    """Add the segment's best documents to ``heap`` ((score, -document) pairs, at most ``limit``).

    ``check``: the exact score of a candidate under the original query, None when it does
    not match (phrases); ``cancelled`` raises to stop. ``provisional``: the heap's entries
    (their -document keys) that hold a lower bound of their document's score, not the
    score (``firstpage``'s first pass over a query's titles); a document met here gets
    its exact score in place of its entry, and leaves the set. Returns the number of
    windows read.
    """
    tree = root
    minscore: float | None = None
    _mark_lazy(tree)
    leaves: Sequence[_Leaf] = _eager(tree)
    lo = 0
    windows = 0
    while True:
        windows += 1
        if cancelled is not None and windows % CANCEL_CHECK_EVERY == 0:
            cancelled()
        full = len(heap) >= limit
        if full and heap[0][0] != minscore:
            minscore = heap[0][0]
            tree = prune(tree, minscore - margin)
            _mark_lazy(tree)
            leaves = _eager(tree)
        ms = minscore - margin if full and minscore is not None else None
        end = -1
        for leaf in leaves:
            last = leaf.advance(lo)
            if last is not None and (end < 0 or last < end):
                end = last
        if end < 0:
            return windows
        bound = tree.bound(lo, end)
        if bound is not None and (ms is None or bound > ms):
            for docnum in sorted(tree.candidates(lo, end, ms)):
                if ms is not None:
                    ceiling = tree.at_most(docnum)
                    if ceiling is None or ceiling <= ms:
                        continue
                score = tree.score(docnum)
                if score is None:
                    continue
                full = len(heap) >= limit
                if full and score <= heap[0][0]:
                    continue
                if check is not None:
                    score = check(docnum)
                    if score is None:
                        continue
                offer(heap, limit, score, -(offset + docnum), provisional)
        lo = end + 1


def offer(
    heap: list[tuple[float, int]], limit: int, score: float, key: int, provisional: set[int] | None
) -> None:
    """Put a document's exact ``score`` on the page (``heap``, at most ``limit`` entries), if it belongs there.

    A document with a provisional entry (a lower bound: see ``collect``) gets the exact
    score in that entry instead; if the entry was pushed out meanwhile, it is offered
    like any other.
    """
    if provisional and key in provisional:
        provisional.discard(key)
        for place, (held, entry) in enumerate(heap):
            if entry == key:
                if score != held:
                    heap[place] = (score, key)
                    heapq.heapify(heap)
                return
    if len(heap) < limit:
        heapq.heappush(heap, (score, key))
    elif score > heap[0][0]:
        heapq.heapreplace(heap, (score, key))


def _eager(tree: _Node) -> list[_Leaf]:
    """The lists whose blocks cut the windows: all but the lazy ones."""
    return [leaf for leaf in tree.leaves() if not leaf.lazy]
