"""The first page of hits, found without walking every match.

Whoosh's own top-N collector skips posting blocks that cannot beat the
current N-th score ("block quality"), but three things defeat it here:

- phrases: Whoosh checks word positions for *every* document holding all the
  words (40,000 for `"net loss"` at 100,000 articles) before it looks at
  scores, and its phrase matcher cannot skip blocks at all. A phrase's score
  is the sum of its words' scores, so this module searches the phrase's words
  as an AND (which skips blocks like any term query), and checks positions
  only for a document whose score could still enter the page;
- filters: a document outside a --since/--source filter is stepped over one
  posting at a time; here the matcher jumps to the next allowed document;
- counting: a filtered Whoosh search counts every match exactly afterwards.

The page is exactly what Whoosh's collector returns for the same query (same
documents, scores and order, ties to the lower document number); a test
compares the two. Only the total is not counted: callers estimate it.
"""

from __future__ import annotations

import mmap
import threading
import weakref
import zlib
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from itertools import accumulate, compress
from pickle import dumps, loads
from typing import Any
from weakref import WeakKeyDictionary

from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3LeafMatcher, W3TermsReader
from whoosh.formats import Positions
from whoosh.matching import (
    AndMaybeMatcher,
    AndNotMatcher,
    FilterMatcher,
    IntersectionMatcher,
    NullMatcher,
    ReadTooFar,
    UnionMatcher,
    WrappingMatcher,
)
from whoosh.query.spans import SpanNear2
from whoosh.reading import ReaderClosed, SegmentReader, TermNotFound
from whoosh.scoring import BM25F, BM25FScorer
from whoosh.system import _INT_SIZE, unpack_int
from whoosh.util.numeric import byte_to_length

from . import blockwalk

PRUNE_EVERY = 32  # documents between two prunings (and whenever the threshold rises)
MARGIN = 1e-9  # scores within this of the threshold are never skipped (float sums differ in order)


class _AndMaybe(AndMaybeMatcher):
    """Whoosh's AND-MAYBE with ``skip_to`` fixed: the optional side follows where the required side landed.

    Whoosh moves the optional side to the requested document, not to where the
    required side stopped, so the optional side's score is then left out.
    """

    def skip_to(self, id: int) -> bool:
        moved = self.a.skip_to(id)
        if self.a.is_active() and self.b.is_active() and self.b.id() < self.a.id():
            moved = self.b.skip_to(self.a.id()) or moved
        return bool(moved)


class _BisectingLeaf(W3LeafMatcher):
    """Whoosh's posting-list matcher, made cheaper per block and per document, with exact block bounds.

    - ``skip_to`` finds its target in a block by bisection: Whoosh steps through a block
      one posting at a time (``is_active``, ``id``, ``next``: three Python calls each),
      which was the largest cost of a common word once the page was good;
    - a block's ids and weights are decoded without its positions (``_ids_and_weights``):
      positions are most of a block's bytes, and only a phrase check needs them;
    - ``block_scores`` scores a whole block at once, ``score`` then reads that list, and
      ``range_quality`` is the exact best score of a stretch of the block: Whoosh's block
      bound pairs the block's highest frequency with its shortest document, which for a
      common word is near the word's best score in every block (`"net loss"` at 100k:
      the bound beat the page's 20th score in 513 of 873 block ranges, the exact scores in 15).

    Same postings, same scores to the last bit; only the work per block and document differs.
    """

    _scores: list[float] | None = None  # this block's scores, once computed
    _quality: float | None = None  # this block's bound from its header, once computed
    _partial = False  # this block's data was decoded without its positions
    _shared: _Blocks | None = None  # blocks of this segment read so far by this search
    _block: _Block | None = None  # the current block's record in ``_shared``

    def _read_header(self) -> None:
        """Whoosh's, from the memory map when the posting file is mapped (no seek and read)."""
        postfile = self._postfile
        if type(postfile) is not _MappedFile:
            super()._read_header()
            return
        if postfile.get(self._startoffset, 4) != WHOOSH3_HEADER_MAGIC:
            raise Exception(f"Block tag error at {self._startoffset}")
        self._baseoffset = self._startoffset + 4

    def _goto(self, position: int) -> None:
        """Whoosh's, reading the block header from one slice of bytes instead of a pickle stream.

        Whoosh's ``read_pickle`` unpickles from the file object (about 35 µs a block, the
        largest cost of walking a long list's blocks without decoding them). The header is
        the block length and a small pickled tuple; its size is that of the same tuple
        pickled again, checked byte for byte (any other layout takes Whoosh's path).

        With ``_shared``, a block another list of the same search already reached (the
        same word in several clauses: `"stock exchange"` holds `exact:stock` once per
        spelling variant, and the phrase check reads the words the walk read) is taken
        from there, header and whatever of it was decoded.
        """
        self._scores = None
        self._quality = None
        self._partial = False
        block = self._block_at(position)
        if block is None:  # not a protocol-2 header: Whoosh reads it
            self._block = None
            super()._goto(position)
        else:
            self._enter(block)

    def _block_at(self, position: int) -> _Block | None:
        """The header of the block at ``position``, from ``_shared`` or read (and then shared)."""
        shared = self._shared
        block = None if shared is None else shared.get(position)
        if block is not None:
            return block
        head = self._postfile.get(position, _HEADER_BYTES)
        try:
            info = loads(head[_INT_SIZE:])
            infobytes = dumps(info, 2)
        except Exception:  # not a protocol-2 header in those bytes
            return None
        end = _INT_SIZE + len(infobytes)
        if head[_INT_SIZE:end] != infobytes or type(info) is not tuple or len(info) != 6:
            return None
        (length,) = unpack_int(head[:_INT_SIZE])
        block = _Block(position + _INT_SIZE + abs(length), position + end, length < 0, info)
        if shared is not None:
            shared[position] = block
        return block

    def share(self, shared: _Blocks) -> None:
        """Share blocks with the search's other lists from now on, the current one too if it is the first.

        Whoosh read the first block when it made the list; if the list still stands at its
        start, it takes that block from (or gives it to) ``shared`` instead.
        """
        self._shared = shared
        if self._i != 0 or self._atend or self._data is not None:
            return
        block = self._block_at(self._baseoffset)
        if block is not None and block.dataoffset == self._dataoffset:
            self._enter(block)

    def _enter(self, block: _Block) -> None:
        """Stand at the start of ``block``, with what of it is already decoded."""
        self._block = block
        self._i = 0
        if block.last:
            self._lastblock = True
        self._nextoffset, self._dataoffset = block.nextoffset, block.dataoffset
        self._blocklength, self._maxid, self._maxweight, self._compression = block.header
        self._minlength, self._maxlength = block.lengths
        self._data, self._partial = block.data, block.partial
        self._ids, self._weights, self._values = block.ids, block.weights, block.values

    def skip_to(self, targetid: int) -> None:
        if not self.is_active():
            raise ReadTooFar
        if targetid <= self.id():
            return
        if targetid > self._maxid:
            self._skip_to_block(lambda: targetid > self._maxid)  # Whoosh's own block skipping
            if not self.is_active():
                return
        # The block's last id is at least ``targetid``, so the bisection lands inside it.
        if self._ids is None:
            self._read_ids()
        self._i = bisect_left(self._ids, targetid, self._i)

    def _read_data(self) -> None:
        """The block's ids and weights only, when it is compressed and laid out as Whoosh writes it."""
        block = self._block
        if block is not None and block.data is not None:
            self._data, self._partial = block.data, block.partial
            return
        self._partial = False
        data = None
        if self._compression:
            raw = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
            data = _ids_and_weights(raw, self._blocklength)
        if data is not None:
            self._data, self._partial = data, True
        else:
            super()._read_data()
        if block is not None:
            block.data, block.partial = self._data, self._partial

    def _read_ids(self) -> None:
        """Whoosh's, with the delta decoding done by ``accumulate`` in C, not a Python generator."""
        block = self._block
        if block is not None and block.ids is not None:
            self._ids = block.ids
            return
        if self._data is None:
            self._read_data()
        ids = self._data[0]
        self._ids = ids if self._byteids else tuple(accumulate(ids))
        if block is not None:
            block.ids = self._ids

    def _read_weights(self) -> None:
        """Whoosh's, a block of equal weights made by repeating one array item (Whoosh: a generator)."""
        block = self._block
        if block is not None and block.weights is not None:
            self._weights = block.weights
            return
        if self._data is None:
            self._read_data()
        weights = self._data[1]
        if weights is None or type(weights) is float:
            # array("f"): the same 32-bit floats Whoosh's array holds
            self._weights = array("f", (1.0 if weights is None else weights,)) * self._blocklength
        else:
            super()._read_weights()
        if block is not None:
            block.weights = self._weights

    def _read_values(self) -> None:
        """Positions: the whole block is decoded now, if only its ids and weights were."""
        block = self._block
        if block is not None and block.values is not None:
            self._values = block.values
            return
        if block is not None and block.data is not None and not block.partial:
            self._data, self._partial = block.data, False
        if self._partial or self._data is None:
            self._partial = False
            super()._read_data()
        super()._read_values()
        if block is not None:
            block.data, block.partial, block.values = self._data, False, self._values

    def block_scores(self) -> list[float] | None:
        """Every score of this block, in posting order; None when the scorer is not our BM25F.

        The expression is Whoosh's ``bm25`` term for term (its length part, which depends
        on the document only, computed once per segment: ``_field_norms``), so each score
        is the float ``scorer.score`` gives for that posting.
        """
        scores = self._scores
        if scores is None:
            scorer = self.scorer
            norms = getattr(scorer, "norms", None)
            if norms is None:
                return None
            idf, K1 = scorer.idf, scorer.K1
            block = self._block
            kept = None if block is None else block.scores
            if kept is not None and kept[0] == idf and kept[1] == K1 and kept[2] is norms:
                self._scores = kept[3]
                return kept[3]
            if self._ids is None:
                self._read_ids()
            if self._weights is None:
                self._read_weights()
            k1_plus_1 = K1 + 1  # the same float Whoosh's expression computes for every posting
            scores = [
                idf * ((tf * k1_plus_1) / (tf + norms[docnum]))
                for docnum, tf in zip(self._ids, self._weights, strict=False)  # one length (Whoosh)
            ]
            self._scores = scores
            if block is not None:
                block.scores = (idf, K1, norms, scores)  # another searcher's idf scores differently
        return scores

    def posting_score(self, i: int) -> float:
        """The score of the block's ``i``-th posting, alone: ``block_scores()[i]``, the same float.

        Why: a window needs the scores of a few postings of a block (those whose weight can
        lift them over the threshold: ``weight_floor``), not of its 128.
        """
        scores = self._scores
        if scores is not None:
            return scores[i]
        if self._ids is None:
            self._read_ids()
        if self._weights is None:
            self._read_weights()
        scorer = self.scorer
        tf = self._weights[i]
        return scorer.idf * ((tf * (scorer.K1 + 1)) / (tf + scorer.norms[self._ids[i]]))

    def weights(self) -> Any:
        """The current block's weights (term frequencies), decoded if they were not."""
        if self._weights is None:
            self._read_weights()
        return self._weights

    def range_max(self, first: int, stop: int) -> float:
        """The best score of the block's postings ``first`` to ``stop - 1`` (some), scoring few of them.

        The heaviest posting's score is a score there; only postings heavier than the
        weight floor of that score (``weight_floor``) can beat it, and only they are scored.
        """
        scores = self._scores
        if scores is not None:
            return max(scores[first:stop])
        weights = self.weights()[first:stop]
        best = self.posting_score(first + weights.index(max(weights)))
        floor = self.weight_floor(best)
        if floor is None:
            return max(self.block_scores()[first:stop])
        heavy = list(compress(range(first, stop), map(floor.__lt__, weights)))
        if len(heavy) * 4 > stop - first:  # many: one list comprehension costs less than a call each
            return max(self.block_scores()[first:stop])
        return max(best, *map(self.posting_score, heavy)) if heavy else best

    def doc_bound(self, docnum: int, maxweight: float | None = None) -> float:
        """At least the score ``docnum`` can have in this block, from the header alone (no decoding).

        Whoosh's ``bm25`` of the block's highest weight with the document's own length
        (``scorer.norms``), not the block's shortest: the float only grows with the weight,
        and the weight is taken a millionth above the header's (a block of equal weights
        holds them as 32-bit floats, which may round up). ``maxweight``: another block's
        (``block_after``).
        """
        scorer = self.scorer
        weight = (self._maxweight if maxweight is None else maxweight) * (1 + 1e-6)
        return scorer.idf * ((weight * (scorer.K1 + 1)) / (weight + scorer.norms[docnum]))

    def block_after(self, block: _Block | None) -> _Block | None:
        """The block after ``block`` (after the current one when None), its header read, the list unmoved.

        None past the last block; raises LookupError when its header is not laid out as
        ``_block_at`` reads it.
        """
        if block is None:
            if self._atend or self._lastblock:
                return None
            position = self._nextoffset
        elif block.last:
            return None
        else:
            position = block.nextoffset
        found = self._block_at(position)
        if found is None:
            raise LookupError(position)
        return found

    def _min_norm(self) -> float:
        """``K1 * ((1 - B) + B * fl / avgfl)`` of the block's shortest length (``_field_norms``'s float)."""
        scorer = self.scorer
        return scorer.K1 * ((1 - scorer.B) + scorer.B * self._minlength / scorer.avgfl)

    def weight_floor(self, threshold: float) -> float | None:
        """A weight at or below which no posting of this block scores above ``threshold``; None: no such cut.

        With the block's shortest length, ``bm25`` exceeds ``threshold`` only above the weight
        ``w0 = threshold * n / (idf * (K1 + 1) - threshold)``. The floor is a millionth below it,
        where the score falls short of the threshold by far more than float rounding
        (a few units in the 16th digit) can make up: it is only asked for when ``w0`` is
        small (at most 10,000) and the denominator is not close to zero.
        """
        if threshold <= 0.0:
            return None
        scorer = self.scorer
        ceiling = scorer.idf * (scorer.K1 + 1)
        room = ceiling - threshold
        if room <= ceiling * 1e-6:
            return None if room > -ceiling * 1e-6 else float("inf")
        w0 = threshold * self._min_norm() / room
        if w0 > 10_000.0:
            return None
        return w0 * (1.0 - 1e-6)

    def block_quality(self) -> float:
        """Whoosh's bound for the current block (from its header), computed once per block."""
        quality = self._quality
        if quality is None:
            quality = self._quality = self.scorer.block_quality(self)
        return quality

    def score(self) -> float:
        scores = self._scores
        if scores is not None:
            return scores[self._i]
        return self.scorer.score(self)

    def range_quality(self, end: int) -> float | None:
        """The best score of this block's postings from the current one to document ``end``.

        None when it cannot be computed here (not our scorer, or ``end`` beyond the block).
        """
        if end > self._maxid:
            return None
        scores = self.block_scores()
        if scores is None:
            return None
        stop = len(scores) if end == self._maxid else bisect_right(self._ids, end, self._i)
        return max(scores[self._i : stop]) if stop > self._i else None


class _Block:
    """One posting block as the lists of one search read it: header, and each part once decoded.

    Shared by every list of the search standing on the same block (``_BisectingLeaf._shared``):
    the decoded tuples are never changed, and scores are kept with the scorer they came from
    (the same word in the same field and segment has the same one).
    """

    __slots__ = (
        "data",
        "dataoffset",
        "header",
        "ids",
        "last",
        "lengths",
        "nextoffset",
        "partial",
        "scores",
        "values",
        "weights",
    )

    def __init__(self, nextoffset: int, dataoffset: int, last: bool, info: tuple[Any, ...]) -> None:
        self.nextoffset, self.dataoffset, self.last = nextoffset, dataoffset, last
        blocklength, maxid, maxweight, compression, mnlen, mxlen = info
        self.header = (blocklength, maxid, maxweight, compression)
        self.lengths = (byte_to_length(mnlen), byte_to_length(mxlen))
        self.data: Any = None
        self.partial = False
        self.ids: Any = None
        self.weights: Any = None
        self.values: Any = None
        self.scores: tuple[float, float, list[float], list[float]] | None = None


_Blocks = dict[int, "_Block"]  # one search's blocks of one segment, by their place in its posting file


def _shares_blocks(query: wq.Query, relaxed: wq.Query) -> bool:
    """Whether the lists of a search would read the same blocks: a word in several clauses, or a phrase.

    Only then are blocks shared (``_Blocks``): keeping every block a search decoded, where no
    other list reads it again, costs more than it saves (a cycle of one- and two-word searches
    at 100,000 articles was 15% slower with every block kept; the kept lists and their floats
    are also more for Python's garbage collector to walk).
    """
    if relaxed is not query:
        return True  # the phrase check reads the words the walk read
    terms = list(relaxed.iter_all_terms())
    return len(set(terms)) < len(terms)


_VALUES_START = b"(c_codecs\nencode\n"
_HEADER_BYTES = 64  # a block length and its pickled statistics fit (about 30 bytes)


def _ids_and_weights(raw: bytes, count: int) -> tuple[Any, Any, None] | None:
    """A compressed block's (delta ids, weights, None), inflating and unpickling only their bytes.

    A block is the protocol-2 pickle of (ids, weights, positions); positions are a tuple
    of bytes, each pickled as a call to ``_codecs.encode``, so the positions start at the
    first MARK followed by that global. The ids and weights before it are pickled ints and
    floats whose opcodes (K, M, J, G) occur at least every 9 bytes and are not among the 17
    bytes searched for, so the marker cannot be found inside them. That prefix, closed by an
    empty tuple and TUPLE3, unpickles alone. Anything unexpected returns None (full decode).
    """
    head = zlib.decompressobj().decompress(raw, 16 * count + 64)  # ids <= 5 bytes, weights 9
    cut = head.find(_VALUES_START)
    if cut < 0:
        return None
    try:
        ids, weights, _ = loads(head[:cut] + b")\x87.")
    except Exception:  # not the layout described above
        return None
    if type(ids) is not tuple or len(ids) != count:
        return None
    if not (weights is None or type(weights) is float or (type(weights) is tuple and len(weights) == count)):
        return None
    return ids, weights, None


def _bisecting(matcher: Any, shared: _Blocks | None = None) -> Any:
    """``matcher`` with every Whoosh posting-list leaf in it made a ``_BisectingLeaf`` (in place).

    ``shared``: the blocks read so far by the search's other lists of the same segment
    (keyed by their place in the segment's posting file), which these leaves then share.
    """
    if type(matcher) is W3LeafMatcher:
        matcher.__class__ = _BisectingLeaf
        matcher._postfile = _mapped(matcher._postfile)
        if shared is not None:
            matcher.share(shared)
        return matcher
    for child in _children(matcher):
        _bisecting(child, shared)
    return matcher


class _MappedFile:
    """A segment's posting file or term table whose ``get`` slices a memory map instead of seeking and reading.

    Why: Whoosh reads a block header or a block with a seek and a buffered read; a
    header far from the last read costs a system call filling the 8 KB buffer (10-20 µs
    on a busy machine), and a common word's walk reads thousands of headers. A slice of
    the map is a copy of the bytes asked for. Every other attribute (Whoosh's own
    seek-and-read path, used for layouts ``_goto`` does not read itself) is the file's.

    The file is held weakly (its segment's reader holds it): ``_MAPS`` keeps this object
    only while the file lives, so the map and its descriptor go with a closed reader's
    files, rather than keeping a replaced segment's deleted files on disk until exit.
    """

    __slots__ = ("_file", "_map")

    def __init__(self, file: Any, mapped: mmap.mmap) -> None:
        self._file = weakref.proxy(file)
        self._map = mapped

    def get(self, position: int, length: int) -> bytes:
        return self._map[position : position + length]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)


_MAPS: WeakKeyDictionary[Any, _MappedFile | None] = WeakKeyDictionary()
_MAPS_LOCK = threading.Lock()


def _mapped(file: Any) -> Any:
    """``file`` (a Whoosh StructFile) served from a memory map, kept while the file lives.

    The file itself when it cannot be mapped (not a real file, empty, closed, or the
    system refuses): Whoosh's reads then serve as before.
    """
    if type(file) is _MappedFile:
        return file
    with _MAPS_LOCK:
        try:
            found = _MAPS.get(file)
        except TypeError:  # not weakly referenceable
            return file
        if found is None and file not in _MAPS:
            found = None
            if getattr(file, "is_real", False) and not getattr(file, "is_closed", True):
                try:
                    found = _MappedFile(file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ))
                except (OSError, ValueError):
                    found = None
            _MAPS[file] = found
        return file if found is None else found


class _SegmentView:
    """One segment's searcher as the matchers of one search see it: term look-ups kept, lists made fast from the start.

    Why: making a query's matchers looked each term up in the segment's term table
    five times or so (is it there, its frequency for the AND and OR trees' order, its
    statistics for the scorer, its postings), and Whoosh's AND moved its lists to their
    first common document through Whoosh's own block reading before ``_bisecting`` made
    them fast: `"stock exchange"` spent 11 ms at 100,000 articles (six segments) making
    its matchers. Here each term is looked up once per search and segment, and its list
    is a ``_BisectingLeaf`` sharing the search's blocks as soon as it exists. Everything
    else is the segment searcher's.
    """

    def __init__(self, searcher: Any, shared: _Blocks | None) -> None:
        self._searcher = searcher
        self._shared = shared
        reader = searcher.reader()
        if type(reader) is SegmentReader and type(getattr(reader, "_terms", None)) is W3TermsReader:
            reader = _TermCache(reader, shared)
            self.term_info = reader.term_info
            self.doc_frequency = reader.doc_frequency
        self._reader = reader

    def reader(self) -> Any:
        return self._reader

    def postings(self, fieldname: str, text: Any, weighting: Any = None, qf: int = 1) -> Any:
        """Searcher.postings of a segment: its scorer (from the global statistics), its list."""
        weighting = weighting or self._searcher.weighting
        scorer = weighting.scorer(self, fieldname, text, qf=qf)
        return self._reader.postings(fieldname, text, scorer=scorer)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._searcher, name)


class _TermCache:
    """A segment reader whose term look-ups are kept (for one search) and whose lists are ``_BisectingLeaf``."""

    def __init__(self, reader: Any, shared: _Blocks | None) -> None:
        self.wrapped = reader
        self._shared = shared
        self._infos: dict[tuple[str, Any], Any] = {}
        table = getattr(reader._terms, "_tindex", None)
        if table is not None and hasattr(table, "dbfile"):
            # A look-up reads a hash slot, a key and its info: three seeks and reads of the
            # term table (file seeks were 3.6% of a two-word phrase's search at 100k, sampled);
            # from its memory map, three slices. (The map is the segment's, made once.)
            table.dbfile = _mapped(table.dbfile)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped, name)

    def _info(self, fieldname: str, text: Any) -> Any:
        """The term's TermInfo, None when the segment lacks it (or the field)."""
        key = (fieldname, text)
        try:
            return self._infos[key]
        except KeyError:
            pass
        reader = self.wrapped
        if reader.is_closed:
            raise ReaderClosed
        info = None
        if fieldname in reader.schema:
            tbytes = reader.schema[fieldname].to_bytes(text)
            try:
                info = reader._terms.term_info(fieldname, tbytes)
            except (KeyError, TermNotFound):  # TermNotFound is a KeyError in some versions only
                info = None
        self._infos[key] = info
        return info

    def __contains__(self, term: tuple[str, Any]) -> bool:
        return self._info(*term) is not None

    def term_info(self, fieldname: str, text: Any) -> Any:
        info = self._info(fieldname, text)
        if info is None:
            raise TermNotFound(f"{fieldname}:{text!r}")
        return info

    def doc_frequency(self, fieldname: str, text: Any) -> int:
        info = self._info(fieldname, text)
        return 0 if info is None else info.doc_frequency()

    def postings(self, fieldname: str, text: Any, scorer: Any = None) -> Any:
        """SegmentReader.postings, the list a ``_BisectingLeaf`` on the mapped posting file."""
        reader = self.wrapped
        info = self._info(fieldname, text)
        if info is None:
            return reader.postings(fieldname, text, scorer=scorer)  # Whoosh raises as it does
        tbytes = reader.schema[fieldname].to_bytes(text)
        format_ = reader.schema[fieldname].format
        terms = reader._terms
        if info.is_inlined():
            matcher = terms._codec.postings_reader(
                terms._postfile, info, format_, term=(fieldname, tbytes), scorer=scorer
            )
        else:
            offset, length = info.extent()
            matcher = _BisectingLeaf.__new__(_BisectingLeaf)
            matcher._shared = self._shared
            matcher.__init__(  # type: ignore[misc]
                _mapped(terms._postfile), offset, length, format_, term=(fieldname, tbytes), scorer=scorer
            )
        deleted = reader.deleted_docs_set
        if deleted:
            matcher = FilterMatcher(matcher, deleted, exclude=True)
        return matcher


def _unwrapped(reader: Any) -> Any:
    """The segment reader itself, under a ``_TermCache``."""
    return reader.wrapped if type(reader) is _TermCache else reader


def _children(matcher: Any) -> list[Any]:
    """The matchers inside a Whoosh matcher: its two sides, its wrapped child, or its list."""
    found = [
        child for child in (getattr(matcher, name, None) for name in ("a", "b", "child")) if child is not None
    ]
    return found + list(getattr(matcher, "matchers", None) or ())


class SearchCancelled(Exception):
    """The caller no longer wants this search (the person typed on); raised between documents."""


CANCEL_CHECK_EVERY = 256  # documents walked between two looks at the caller's cancel flag


class Unsupported(Exception):
    """The query holds a phrase in a construct this module cannot check; use Whoosh's collector."""


def first_page(
    searcher: Any,
    query: wq.Query,
    limit: int,
    allowed: Sequence[int] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[tuple[float, int]]:
    """The ``limit`` best (score, document number) pairs, best first.

    ``allowed``: sorted document numbers the page may hold (None: any). Raises
    Unsupported for a query whose phrases it cannot check, and SearchCancelled
    as soon as ``cancelled()`` says so (it is asked every few hundred documents:
    a search overtaken by the next keystroke stops instead of running to the end).
    """
    heap: list[tuple[float, int]] = []  # (score, -docnum): the weakest hit on top
    provisional: set[int] | None = None
    titles = _titles_first(query) if allowed is None and limit <= TITLES_FIRST_LIMIT else None
    if titles is not None:
        _walk(searcher, titles, limit, heap, None, cancelled)
        provisional = {key for _score, key in heap}
    _walk(searcher, query, limit, heap, allowed, cancelled, provisional)
    return [(score, -negated) for score, negated in sorted(heap, key=lambda item: (-item[0], -item[1]))]


def _walk(
    searcher: Any,
    query: wq.Query,
    limit: int,
    heap: list[tuple[float, int]],
    allowed: Sequence[int] | None,
    cancelled: Callable[[], bool] | None,
    provisional: set[int] | None = None,
) -> None:
    """Every segment's best documents for ``query`` into ``heap`` (see ``blockwalk.collect``)."""
    relaxed = relax(query)
    verify = relaxed is not query
    context = searcher.context()
    share = _shares_blocks(query, relaxed)
    for subsearcher, offset in searcher.leaf_searchers():
        if subsearcher.reader().doc_count() == 0:
            continue  # every document deleted (a segment an update replaced): nothing to walk
        leaf_allowed = None
        if allowed is not None:
            end = offset + subsearcher.reader().doc_count_all()
            leaf_allowed = allowed[bisect_left(allowed, offset) : bisect_left(allowed, end)]
            if not leaf_allowed:
                continue
        shared: _Blocks | None = {} if share else None
        view = _SegmentView(subsearcher, shared)
        matcher = _bisecting(relaxed.matcher(view, context), shared)
        checker = _Checker(query, view, context, shared) if verify else None
        tree = None
        if leaf_allowed is None:
            try:
                tree = blockwalk.build(matcher)
            except blockwalk.Unfit:
                tree = None
        if tree is not None:
            check = None if checker is None else checker.score
            blockwalk.collect(tree, check, offset, heap, limit, MARGIN, _raiser(cancelled), provisional)
        else:
            _collect(matcher, checker, offset, leaf_allowed, heap, limit, cancelled, provisional)


TITLE_FIELD = "title"
# Pages up to this size walk titles first: each document met again costs a look through the
# page (``blockwalk.offer``), which a page of thousands (`--limit 5000`) would pay many times.
TITLES_FIRST_LIMIT = 100


def _titles_first(query: wq.Query) -> wq.Query | None:
    """The clauses of ``query`` on titles, to walk first when the page's threshold is worth raising early.

    Why: a phrase's page is found by walking its words' lists until nothing left can reach
    the page's 20th score, and that score starts at nothing. Titles are short lists whose
    hits score high (the field's boost), so walking them first in every segment puts
    title hits on the page before the text's long lists are read, and the threshold
    starts near where it ends. Their scores are lower bounds of the documents' scores
    under the whole query (an OR adds its clauses' scores), so nothing is skipped that
    could enter the page, and the second walk puts the exact score in place. Only for a
    plain OR (no coordination scaling, no boost; nested plain ORs count as one) with a
    phrase in a title clause. At 100,000 articles, whole searches, the codes taking turns
    (medians of 21, four rounds): `"stock exchange"` 41.8-44.1 -> 34.4-38.5 ms, `"net loss"`
    48.7-52.0 -> 47.6-50.6 ms, the six other phrases of the benchmark within the rounds' noise.
    """
    clauses = _or_clauses(query)
    if clauses is None:
        return None
    titles = [q for q in clauses if getattr(q, "fieldname", None) == TITLE_FIELD]
    if not titles or len(titles) == len(clauses):
        return None
    if not any(isinstance(q, wq.Phrase) for q in titles):
        return None
    return titles[0] if len(titles) == 1 else wq.Or(titles)


def _or_clauses(query: wq.Query) -> list[wq.Query] | None:
    """The clauses of a plain OR, nested plain ORs flattened (their scores add up the same way);
    None when ``query`` is not one (a boost, coordination scaling or a minimum to match)."""
    if type(query) is not wq.Or or query.scale or query.boost != 1.0 or getattr(query, "minmatch", 0):
        return None
    clauses: list[wq.Query] = []
    for sub in query.subqueries:
        inner = _or_clauses(sub)
        clauses.extend(inner if inner is not None else [sub])
    return clauses


def _raiser(cancelled: Callable[[], bool] | None) -> Callable[[], None] | None:
    """A callable raising SearchCancelled once ``cancelled()`` says so (None: never asked)."""
    if cancelled is None:
        return None

    def check() -> None:
        if cancelled():
            raise SearchCancelled

    return check


def relax(query: wq.Query, negated: bool = False) -> wq.Query:
    """``query`` with every phrase outside a NOT turned into the AND of its words.

    The AND matches every document the phrase matches, with the same score (a Whoosh
    phrase scores as the sum of its words), so its scores bound the phrase's from above.
    Returns ``query`` itself when it holds no phrase to relax.
    """
    if isinstance(query, wq.Phrase) and not negated:
        if len(query.words) < 2:
            return query
        return wq.And([wq.Term(query.fieldname, w, boost=query.boost) for w in query.words])
    if isinstance(query, wq.Not):
        return query
    if isinstance(query, wq.AndNot):
        a = relax(query.a, negated)
        return query if a is query.a else wq.AndNot(a, query.b)
    if not query.is_leaf():
        children = list(query.children())
        relaxed = [relax(child, negated) for child in children]
        if any(r is not c for r, c in zip(relaxed, children, strict=True)):
            return query.apply(lambda child: relax(child, negated))
    return query


def _collect(
    matcher: Any,
    checker: _Checker | None,
    offset: int,
    allowed: Sequence[int] | None,
    heap: list[tuple[float, int]],
    limit: int,
    cancelled: Callable[[], bool] | None = None,
    provisional: set[int] | None = None,
) -> None:
    """Whoosh's TopCollector loop, with sound skipping, phrase checks and jumps over filtered-out documents.

    ``provisional``: as for ``blockwalk.collect``.

    Whoosh's collector prunes with ``matcher.replace()``, whose AND turns into one of
    its sides when the other cannot reach the threshold (then matching documents
    that lack a word); ``prune`` is the same without that fault.
    """
    minscore = heap[0][0] if len(heap) >= limit else 0.0
    usequality = matcher.supports_block_quality()
    # Whoosh's deleted-documents filter does not say when its list entered a new block.
    every_document = _has_filter(matcher)
    checkquality = True
    countdown = 0
    position = 0  # into ``allowed``
    walked = 0
    while matcher.is_active():
        walked += 1
        if cancelled is not None and walked % CANCEL_CHECK_EVERY == 0 and cancelled():
            raise SearchCancelled
        threshold_rose = len(heap) >= limit and heap[0][0] != minscore
        if threshold_rose:
            minscore = heap[0][0]
            checkquality = True
        if usequality and minscore and (threshold_rose or countdown <= 0):
            matcher = prune(matcher, minscore - MARGIN)
            countdown = PRUNE_EVERY
            if not matcher.is_active():
                break
        countdown -= 1
        if usequality and checkquality and minscore:
            skip_below(matcher, minscore - MARGIN)
            if not matcher.is_active():
                break
        docnum = matcher.id()
        if allowed is not None:
            position = bisect_left(allowed, offset + docnum, position)
            if position >= len(allowed):
                break
            wanted = allowed[position] - offset
            if wanted != docnum:
                matcher.skip_to(wanted)
                checkquality = True
                continue
        full = len(heap) >= limit
        score = matcher.score()
        if not full or score > minscore:
            if checker is not None:
                score = checker.score(docnum)
            if score is not None:
                blockwalk.offer(heap, limit, score, -(offset + docnum), provisional)
        checkquality = matcher.next() or every_document


_PAIRS = (UnionMatcher, IntersectionMatcher, AndMaybeMatcher, _AndMaybe, AndNotMatcher)


def prune(matcher: Any, minscore: float) -> Any:
    """A simpler matcher for the documents of ``matcher`` that can still score above ``minscore``.

    As Whoosh's ``replace()``: a branch whose best possible score cannot reach the
    threshold goes; an OR whose side cannot reach it alone keeps that side only as
    an optional extra (the big win: once the page is good, `oil` in the text alone
    cannot compete and only articles with `oil` in the title are visited). Unlike
    Whoosh, an AND with a side gone matches nothing.
    """
    if not matcher.is_active():
        return NullMatcher()
    kind = type(matcher)
    if kind is UnionMatcher:
        a, b = matcher.a, matcher.b
        if not a.is_active():
            return prune(b, minscore)
        if not b.is_active():
            return prune(a, minscore)
        a_max, b_max = a.max_quality(), b.max_quality()
        if a_max + b_max <= minscore:
            return NullMatcher()
        if a_max <= minscore and b_max <= minscore:
            return prune(IntersectionMatcher(a, b), minscore)
        if a_max <= minscore:
            return prune(_AndMaybe(b, a), minscore)
        if b_max <= minscore:
            return prune(_AndMaybe(a, b), minscore)
        new_a, new_b = prune(a, minscore - b_max), prune(b, minscore - a_max)
        if new_a is a and new_b is b:
            return matcher
        return UnionMatcher(new_a, new_b)
    if kind is IntersectionMatcher or kind is AndMaybeMatcher or kind is _AndMaybe:
        a, b = matcher.a, matcher.b
        required = kind is IntersectionMatcher
        if not b.is_active():
            return NullMatcher() if required else prune(a, minscore)
        a_max, b_max = a.max_quality(), b.max_quality()
        if a_max + b_max <= minscore:
            return NullMatcher()
        if not required and a_max <= minscore:
            return prune(IntersectionMatcher(a, b), minscore)
        new_a, new_b = prune(a, minscore - b_max), prune(b, minscore - a_max)
        if not new_a.is_active():
            return NullMatcher()
        if not new_b.is_active():
            return NullMatcher() if required else new_a
        if new_a is a and new_b is b and kind is not AndMaybeMatcher:
            return matcher
        return IntersectionMatcher(new_a, new_b) if required else _AndMaybe(new_a, new_b)
    if kind is AndNotMatcher:
        new_a = prune(matcher.a, minscore)
        if not new_a.is_active():
            return NullMatcher()
        return matcher if new_a is matcher.a else AndNotMatcher(new_a, matcher.b)
    if kind is FilterMatcher and matcher.boost == 1.0:  # a segment's deleted documents left out
        child = prune(matcher.child, minscore)
        if not child.is_active():
            return NullMatcher()
        return matcher if child is matcher.child else matcher._replacement(child)
    if kind is WrappingMatcher and matcher.boost > 0:
        child = prune(matcher.child, minscore / matcher.boost)
        if not child.is_active():
            return NullMatcher()
        return matcher if child is matcher.child else WrappingMatcher(child, matcher.boost)
    if _leaf(matcher) and matcher.max_quality() <= minscore:
        return NullMatcher()
    return matcher


def skip_below(matcher: Any, minscore: float) -> None:
    """Move past ranges of documents that cannot score above ``minscore``, without missing one that can.

    Why not Whoosh's ``skip_to_quality``: for AND and OR it adds the *current block*
    qualities of both sides, although their blocks cover different documents, and
    skips one side's blocks accordingly; the skipped documents may meet the other
    side's later, better blocks. On the Reuters index that loses real top hits
    (`oil prices` misses its best article). Here the range considered ends where the
    first of the current posting blocks ends, so every block quality added really
    bounds every document of the range; a range whose bound is too low is skipped.
    """
    while matcher.is_active():
        end = _range_end(matcher)
        if end is None:
            return
        bound = _bound(matcher, end, exact=False)
        if bound is not None and bound > minscore:
            # Whoosh's block bounds let the range through: bound it by its decoded scores.
            bound = _bound(matcher, end, exact=True)
            if bound is not None and bound > minscore:
                return
        matcher.skip_to(end + 1)


def _range_end(matcher: Any) -> int | None:
    """The last document up to which every current block bound holds; None when unknown."""
    kind = type(matcher)
    if kind in _PAIRS:
        ends = [_range_end(side) for side in (matcher.a, matcher.b) if side.is_active()]
        if not ends or None in ends:
            return None
        return min(ends)  # type: ignore[type-var]
    if kind is WrappingMatcher or kind is FilterMatcher:
        return _range_end(matcher.child)
    if _leaf(matcher):
        return matcher.block_max_id()
    return None


def _bound(matcher: Any, end: int, exact: bool) -> float | None:
    """The best score ``matcher`` can give a document from its position to ``end``; None: it has none.

    ``exact``: bound posting lists by the scores of their current block (decoding it),
    not by Whoosh's block statistics.
    """
    if not matcher.is_active() or matcher.id() > end:
        return None
    kind = type(matcher)
    if kind is UnionMatcher:
        bounds = [b for b in (_bound(matcher.a, end, exact), _bound(matcher.b, end, exact)) if b is not None]
        return sum(bounds) if bounds else None
    if kind is IntersectionMatcher or kind is AndMaybeMatcher or kind is _AndMaybe:
        a = _bound(matcher.a, end, exact)
        b = _bound(matcher.b, end, exact)
        if a is None or (b is None and kind is IntersectionMatcher):
            return None
        return a + (b or 0.0)
    if kind is AndNotMatcher:
        return _bound(matcher.a, end, exact)
    if kind is WrappingMatcher or kind is FilterMatcher:  # deleted documents only lower the bound
        child = _bound(matcher.child, end, exact)
        return None if child is None else child * matcher.boost
    if exact and type(matcher) is _BisectingLeaf:
        quality = matcher.range_quality(end)
        if quality is not None:
            return quality
    if matcher.block_max_id() >= end:
        return matcher.block_quality()
    return matcher.max_quality()


def _has_filter(matcher: Any) -> bool:
    if type(matcher) is FilterMatcher:
        return True
    return any(_has_filter(child) for child in _children(matcher))


def _leaf(matcher: Any) -> bool:
    """A term's posting list, whose blocks know their best possible score."""
    return hasattr(matcher, "block_max_id") and matcher.is_active() and matcher.supports_block_quality()


class _Checker:
    """The exact score of the original query for one document at a time, or None when it does not match.

    Documents come in increasing order, so every matcher only moves forward.
    """

    def __init__(self, query: wq.Query, searcher: Any, context: Any, shared: _Blocks | None = None) -> None:
        self.searcher = searcher
        self.context = context
        self.shared = shared  # the walk's blocks: the checker reads the same words
        self.root = self._node(query)

    def score(self, docnum: int) -> float | None:
        return self.root(docnum)

    def _node(self, query: wq.Query) -> Any:
        if relax(query) is query:  # no phrase inside: Whoosh's matcher answers
            return _At(_bisecting(query.matcher(self.searcher, self.context), self.shared))
        if isinstance(query, wq.Phrase):
            return _Phrase(query, self.searcher, self.context, self.shared)
        if isinstance(query, wq.AndNot):
            negative = _bisecting(query.b.matcher(self.searcher, self.context), self.shared)
            return _AndNot(self._node(query.a), _At(negative))
        if type(query) is wq.And or (type(query) is wq.Or and not query.scale):
            children = [self._node(q) for q in query.subqueries]
            if len(children) == 1:  # Whoosh ignores the boost of a one-child compound
                return children[0]
            return _Sum(children, required=isinstance(query, wq.And), boost=query.boost)
        if isinstance(query, wq.AndMaybe):
            return _Sum([self._node(query.a), self._node(query.b)], required=False, first=True)
        if isinstance(query, wq.Require):
            return _Require(self._node(query.a), self._node(query.b))
        raise Unsupported(type(query).__name__)


class _At:
    """A Whoosh matcher asked about one document at a time."""

    def __init__(self, matcher: Any) -> None:
        self.matcher = matcher

    def __call__(self, docnum: int) -> float | None:
        return self.matcher.score() if _on(self.matcher, docnum) else None


class _Sum:
    """AND (every child), OR (any child) or AND-MAYBE (the first child), scores added."""

    def __init__(self, children: list[Any], required: bool, boost: float = 1.0, first: bool = False) -> None:
        self.children = children
        self.required = required
        self.boost = boost
        self.first = first

    def __call__(self, docnum: int) -> float | None:
        total = 0.0
        matched = False
        for number, child in enumerate(self.children):
            score = child(docnum)
            if score is None:
                if self.required or (self.first and number == 0):
                    return None
                continue
            total += score
            matched = True
        return total * self.boost if matched else None


class _AndNot:
    def __init__(self, positive: Any, negative: Any) -> None:
        self.positive, self.negative = positive, negative

    def __call__(self, docnum: int) -> float | None:
        score = self.positive(docnum)
        if score is None or self.negative(docnum) is not None:
            return None
        return score


class _Require:
    def __init__(self, scored: Any, required: Any) -> None:
        self.scored, self.required = scored, required

    def __call__(self, docnum: int) -> float | None:
        score = self.scored(docnum)
        if score is None or self.required(docnum) is None:
            return None
        return score


class _Phrase:
    """A phrase checked the way Whoosh's SpanNear2 checks it, scored as Whoosh scores it."""

    def __init__(self, phrase: wq.Phrase, searcher: Any, context: Any, shared: _Blocks | None = None) -> None:
        reader = searcher.reader()
        try:
            field = searcher.schema[phrase.fieldname]
        except KeyError:
            field = None
        self.boost = phrase.boost
        self.ms: list[Any] | None = []
        frequencies: list[int] = []
        for word in phrase.words:
            try:
                term = (phrase.fieldname, field.to_bytes(word)) if field is not None else None
                present = term is not None and term in reader
            except ValueError:
                present = False
            if not present:
                self.ms = None  # a word the field lacks: Whoosh matches nothing
                break
            frequencies.append(reader.doc_frequency(*term))  # type: ignore[misc]
            self.ms.append(_bisecting(wq.Term(phrase.fieldname, word).matcher(searcher, context), shared))
        # Which words hold the document is asked rarest first: a spelling variant's phrase
        # (`exact:"stock exchaange"`) then costs a look in the variant's one block, not a walk
        # through the common word's blocks up to the document.
        self.rarest_first = [] if self.ms is None else [self.ms[i] for i in _ascending(frequencies)]
        # The attributes SpanNear2Matcher._get_spans reads, so its own code checks positions
        # where ``_in_order`` cannot (a field whose postings hold more than positions).
        self.slop, self.ordered, self.mindist = phrase.slop, True, 1
        self.positions = None if field is None or type(field.format) is not Positions else field.format

    def __call__(self, docnum: int) -> float | None:
        if self.ms is None:
            return None
        total = 0.0
        for matcher in self.rarest_first:
            if not _on(matcher, docnum):
                return None
        if self.positions is not None:
            decode = self.positions.decode_positions
            if not _in_order([decode(matcher.value()) for matcher in self.ms], self.slop):
                return None
        elif not SpanNear2.SpanNear2Matcher._get_spans(self):  # type: ignore[arg-type]
            return None
        for matcher in self.ms:
            total += matcher.score()
        return total * self.boost


def _in_order(positions: list[list[int]], slop: int) -> bool:
    """Whether each word follows the one before it by 1 to ``slop`` positions: SpanNear2's answer, ordered.

    Whoosh's ``_get_spans`` (ordered, ``mindist`` 1) joins a span ending at ``e`` with a
    next word at ``q`` exactly when ``1 <= q - e <= slop`` (a nearer ``q`` overlaps the span,
    an earlier one is out of order), and the joined span ends at ``q``; so only the ends of
    the spans matched so far matter. It builds a Span object per position and compares
    them pairwise: 60 µs a document for `"net loss"` at 100k, where the words occur a dozen
    times each; this is a set look-up per position.
    """
    ends = positions[0]
    for following in positions[1:]:
        if not ends:
            return False
        reached = set(ends)
        if slop == 1:
            ends = [q for q in following if q - 1 in reached]
        else:
            steps = range(1, slop + 1)
            ends = [q for q in following if any(q - step in reached for step in steps)]
    return bool(ends)


def _ascending(values: list[int]) -> list[int]:
    """The indexes of ``values``, smallest value first (ties in their order)."""
    return sorted(range(len(values)), key=values.__getitem__)


# -- scoring -------------------------------------------------------------------------------


class FastBM25F(BM25F):
    """Whoosh's BM25F with each segment's field lengths read once, as an array.

    Why: Whoosh's scorer asks the segment for a document's field length on every
    score (a column look-up, a struct unpack and a byte decode in Python: a quarter
    of the time of a common-word search). The lengths are the same lossy values
    Whoosh decodes, so every score is identical.
    """

    def scorer(self, searcher: Any, fieldname: str, text: bytes, qf: int = 1) -> Any:
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if type(scorer) is BM25FScorer:
            reader = _unwrapped(searcher.reader())
            lengths = _cached_lengths(reader, fieldname)
            if lengths is not None:
                scorer.dfl = lengths.__getitem__
                # read by _BisectingLeaf.block_scores
                scorer.norms = _field_norms(reader, fieldname, lengths, scorer.B, scorer.K1, scorer.avgfl)
        return scorer


_NORMS: WeakKeyDictionary[Any, dict[tuple[str, float, float, float], list[float]]] = WeakKeyDictionary()


def _field_norms(
    reader: Any, fieldname: str, lengths: array[int], B: float, K1: float, avgfl: float
) -> list[float]:
    """Per document, ``K1 * ((1 - B) + B * fl / avgfl)``: the part of Whoosh's ``bm25`` that a term does not change.

    Computed once per segment and field (the same floats ``bm25`` computes per posting).
    """
    with _LENGTHS_LOCK:
        per_key = _NORMS.setdefault(reader, {})
        key = (fieldname, B, K1, avgfl)
        norms = per_key.get(key)
        if norms is None:
            # Lengths are stored as one byte, so a segment holds at most 256 distinct ones:
            # each is worked out once (the same expression, so the same float), not once per
            # document (0.14 s of the first search at a million headlines).
            of = {fl: K1 * ((1 - B) + B * fl / avgfl) for fl in set(lengths)}
            norms = per_key[key] = list(map(of.__getitem__, lengths))
        return norms


_LENGTHS: WeakKeyDictionary[Any, dict[str, array[int] | None]] = WeakKeyDictionary()
_LENGTHS_LOCK = threading.Lock()


def _cached_lengths(reader: Any, fieldname: str) -> array[int] | None:
    """Field lengths of one segment, kept while its reader lives; None when they cannot be read so."""
    with _LENGTHS_LOCK:
        per_field = _LENGTHS.setdefault(reader, {})
        if fieldname not in per_field:
            per_field[fieldname] = _field_lengths(reader, fieldname)
        return per_field[fieldname]


def _field_lengths(reader: Any, fieldname: str) -> array[int] | None:
    """Per document, what ``reader.doc_field_length(doc, fieldname, 1)`` answers, read in one go."""
    try:
        column = reader._perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
        raw = column._dbfile.get(column._basepos, column._count)
    except Exception:  # not Whoosh 2.7's column layout: keep Whoosh's own look-up
        return None
    table = [1] + [byte_to_length(value) for value in range(1, 256)]
    lengths = array("I", map(table.__getitem__, raw))
    lengths.extend([1] * (reader.doc_count_all() - len(lengths)))
    return lengths


def _on(matcher: Any, docnum: int) -> bool:
    """Move ``matcher`` forward to ``docnum`` if it is behind; whether it now stands on it.

    Matchers only move forward: one already past ``docnum`` stays where it is.
    """
    if not matcher.is_active():
        return False
    if matcher.id() < docnum:
        matcher.skip_to(docnum)
        if not matcher.is_active():
            return False
    return matcher.id() == docnum
