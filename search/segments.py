"""Writing whole Whoosh segments fast, in one process per core, for large batches of articles.

Why not Whoosh's own writer: profiling a build showed most of the time spent
in Whoosh's generic per-posting machinery, not in our analysis: a Token object
per word and three filter generators, a tuple per posting pushed through an
external sort, a length read back from disk for every posting, and a Python
call per posting in the codec. None of it is needed when a fresh segment is
written from articles held in hand, so this writer

- analyses each text once with one regular-expression pass and one dictionary
  look-up per surface word (``analysis.analyse``, the same tokens, folds and
  stems the field analyzers give),
- keeps postings in memory per field and term, already in document order,
- writes each term's posting blocks itself, in Whoosh's W3 block format (same
  block size, pickled tuples, block headers and term info), and leaves stored
  fields, columns, the term table and the segment object to Whoosh's own
  classes. Two deliberate differences: a block whose pickle is under 256 bytes
  is stored uncompressed (its header says so; Whoosh decides per block when
  reading) and larger ones use zlib with a small window, because setting up
  zlib's default state cost more than the rest of a one-posting term.

The result is an ordinary Whoosh segment (tests compare it, term by term and
posting by posting, positions included, with one written by Whoosh) that any
Whoosh reader opens.

Why processes: analysis is CPU-bound Python, so each core gets a contiguous
slice of the articles and writes its own segments; the parent, which holds the
index's write lock, commits them all in one table of contents, in article
order, so document numbers (and so tie order in results) are the same as from
a single writer. A worker asks the kernel to kill it when its parent dies, so
a killed indexer leaves no process behind that could hold the lock.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import re
import signal
import traceback
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from hashlib import md5
from multiprocessing.connection import Connection, wait
from operator import sub
from pickle import dumps
from typing import Any

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3TermInfo
from whoosh.fields import NUMERIC
from whoosh.filedb.filetables import _lengths as _HASH_LENGTHS
from whoosh.system import pack_int, pack_long, pack_uint, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from .analysis import analyse
from .corpus import CorpusFile, read_articles
from .models import Article

# Postings a worker keeps in memory before it writes them out as a segment: about
# 35 bytes each, so the postings stay near 300 MB whatever the corpus size (the worker's
# slice of articles is held as well: see ``_worker``).
FLUSH_POSTINGS = 9_000_000
PREPARED_CHUNK = 2000  # articles whose derived-table results a worker sends at once
TOKEN_FIELDS = ("title", "body", "exact")  # analysed here; every other field goes through Whoosh

_TERMINFO = W3TermInfo._struct
# ``Positions.encode([p])`` by position p: most postings are a word seen once in a document.
_SINGLE: list[bytes] = [pack_uint(1) + dumps([p], 2) for p in range(4096)]


def _single(position: int) -> bytes:
    if position < 4096:
        return _SINGLE[position]
    return pack_uint(1) + dumps([position], 2)


def _encode(positions: list[int]) -> bytes:
    """Exactly ``whoosh.formats.Positions.encode``: the count, then pickled position deltas."""
    return pack_uint(len(positions)) + dumps([positions[0], *map(sub, positions[1:], positions)], 2)


# The words of a KEYWORD field as Whoosh's ``KeywordAnalyzer`` (no commas, no lower-casing) splits them.
_KEYWORD_WORDS = re.compile(r"[^ \t\r\n]+")


def _keyword_items(value: str, boost: float) -> list[tuple[bytes, int, float, bytes]]:
    """``KEYWORD().index(value)`` without a Token per word: (word, count, count x boost,
    encoded count) per distinct word, as ``Frequency.word_values`` gives them."""
    counts = Counter(_KEYWORD_WORDS.findall(value))
    return [(word.encode("utf-8"), n, float(n) * boost, pack_uint(n)) for word, n in counts.items()]


def _field_items(fieldobj: Any, value: Any) -> list[tuple[bytes, int, float, bytes]]:
    """``list(fieldobj.index(value))``, a number's tiers made from one conversion.

    Why: a date is indexed as eight terms (its value shifted by 0, 8, ... 56 bits, for
    range queries), and Whoosh's ``NUMERIC.index`` converts the value again for each
    one (``prepare_datetime`` and ``to_sortable``): 3% of a build's time on Reuters,
    whose dates carry the time of day and so are rarely repeated. Here the first tier
    is Whoosh's own ``to_bytes`` and the others shift the number it holds, as
    ``sortable_to_bytes`` does for each. Anything but a plain number or date (a list,
    bytes given as they are, nothing) takes Whoosh's path.
    """
    if not isinstance(fieldobj, NUMERIC) or not fieldobj.shift_step or type(value) not in _NUMBER_TYPES:
        return list(fieldobj.index(value))
    first = fieldobj.to_bytes(value)
    (number,) = fieldobj._struct.unpack(first[1:])
    to_bytes = fieldobj.sortable_to_bytes
    return [(to_bytes(number, shift), 1, 1.0, b"") for shift in range(0, fieldobj.bits, fieldobj.shift_step)]


_NUMBER_TYPES = (int, float, datetime)


def supported(ix: whoosh_index.Index) -> bool:
    """True when the index uses the codec settings this writer reproduces (Whoosh's defaults)."""
    codec = W3Codec()
    return (
        codec._blocklimit == 128
        and codec._compression == 3
        and codec._inlinelimit == 1
        and all(name in ix.schema for name in TOKEN_FIELDS)
    )


class FastSegmentWriter(SegmentWriter):
    """A SegmentWriter for whole articles whose postings skip Whoosh's generic path (see module doc)."""

    def __init__(self, ix: whoosh_index.Index, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        # field -> term -> flat [document number, frequency (or weight), encoded value, ...]:
        # one list per term keeps a posting at three pointers and two appends.
        self._terms: dict[str, dict[Any, list[Any]]] = {}
        self._lengths: dict[str, array] = {name: array("I") for name in TOKEN_FIELDS}
        self._indexed: dict[tuple[str, Any], list[tuple[bytes, int, float, bytes]]] = {}
        self._column_values: dict[tuple[str, Any], Any] = {}  # a date's column value, made once
        self.postings = 0

    def add_article(self, doc: dict[str, Any]) -> None:
        """Add one document given as ``index._document`` builds it (title/body/exact as text)."""
        self._check_state()
        perdoc = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        title_folded, title_stems = analyse(doc["title"])
        body_folded, body_stems = analyse(doc["body"])
        tokens = {"title": title_stems, "body": body_stems, "exact": title_folded + body_folded}
        perdoc.start_doc(docnum)
        for name in sorted(doc):
            value = doc[name]
            if value is None:
                continue
            fieldobj = schema[name]
            length = 0
            if name in tokens:
                length = self._add_tokens(name, tokens[name], docnum)
            elif fieldobj.indexed:
                length = self._add_field(name, fieldobj, value, docnum)
            perdoc.add_field(name, fieldobj, value if fieldobj.stored else None, length)
            column = fieldobj.column_type
            if column:
                key = (name, value)
                cached = self._column_values.get(key)
                if cached is None:
                    cached = self._column_values[key] = fieldobj.to_column_value(value)
                perdoc.add_column_value(name, column, cached)
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _add_field(self, name: str, fieldobj: Any, value: Any, docnum: int) -> int:
        """Postings of a field Whoosh analyses itself (ids, dates, names), made as
        ``fieldobj.index(value)`` makes them. Repeated values (files, sources, dates: a date
        alone yields eight tiered terms) are analysed once; an id, different in every
        article, and the names, a few words split on spaces, are made here directly."""
        if name == "id":
            items = [(value.encode("utf-8"), 1, fieldobj.format.field_boost, b"")]
        elif name == "names":
            items = _keyword_items(value, fieldobj.format.field_boost)
        else:
            key = (name, value)
            items = self._indexed.get(key)  # type: ignore[assignment]
            if items is None:
                items = self._indexed[key] = _field_items(fieldobj, value)
        terms = self._terms.get(name)
        if terms is None:
            terms = self._terms[name] = {}
        length = 0
        for tbytes, freq, weight, vbytes in items:
            entry = terms.get(tbytes)
            if entry is None:
                terms[tbytes] = [docnum, weight, vbytes]
            else:
                entry += (docnum, weight, vbytes)
            length += freq
        self.postings += len(items)
        return length if fieldobj.scorable else 0

    def _add_tokens(self, name: str, words: list[str], docnum: int) -> int:
        """Postings of one analysed field of one document; returns its length (tokens)."""
        count = len(words)
        self._lengths[name].append(byte_to_length(length_to_byte(count)) if count else 0)
        if not count:
            return 0
        where: dict[str, Any] = {}
        for position, word in enumerate(words):
            found = where.get(word)
            if found is None:
                where[word] = position
            elif found.__class__ is int:
                where[word] = [found, position]
            else:
                found.append(position)
        terms = self._terms.get(name)
        if terms is None:
            terms = self._terms[name] = {}
        get = terms.get
        single = _SINGLE
        for word, positions in where.items():
            if positions.__class__ is int:
                posting: tuple[int, int, bytes] = (
                    docnum,
                    1,
                    single[positions] if positions < 4096 else _single(positions),
                )
            else:
                posting = (docnum, len(positions), _encode(positions))
            entry = get(word)
            if entry is None:
                terms[word] = list(posting)
            else:
                entry += posting
        self.postings += len(where)
        return count

    def vocabulary(self) -> dict[str, list[int]]:
        """Word -> [articles, articles writing it capitalised] of this segment, from the postings in
        hand: what the vocabulary would otherwise read back from the term table."""
        names = {
            term.decode("utf-8"): len(entry) // 3 for term, entry in self._terms.get("names", {}).items()
        }
        return {
            word: [len(entry) // 3, names.get(word, 0)]
            for word, entry in sorted(self._terms.get("exact", {}).items())
        }

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        writer = self.fieldwriter
        for name in sorted(self._terms):
            terms = self._terms[name]
            if not terms:
                continue
            fieldobj = self.schema[name]
            writer.start_field(name, fieldobj)
            _write_field(writer, fieldobj, terms, self._lengths.get(name), name in self._lengths)
            writer.finish_field()
        self._terms.clear()
        writer.close()


# A block's pickle shorter than this is stored uncompressed (its block header says so, and
# Whoosh's reader decompresses per block): zlib cannot shrink a few dozen bytes, and setting
# it up costs more than everything else done for a one-posting term.
COMPRESS_FROM = 256


def _compress(data: bytes) -> bytes:
    """zlib at Whoosh's level 3, as Whoosh compresses a block. (A 1 KB window with small hash
    tables was tried for blocks of a few KB: on Reuters' blocks of 256 bytes and more it took
    twice as long as the default state and compressed less, 22.9 MB against 22.1 MB.)"""
    return zlib.compress(data, 3)


def _write_field(
    writer: Any, fieldobj: Any, terms: dict[Any, list[Any]], lengths: Any, counted: bool
) -> None:
    """Every term of one field: posting blocks as ``W3PostingsWriter`` writes them, then its term info.

    ``counted``: entries hold frequencies (weights are frequency times the field
    boost, as ``Positions.word_values`` computes them); otherwise they hold the
    weights Whoosh's field gave.
    """
    postfile = writer._postfile
    keys: list[bytes] = []  # the term table's rows, added in one pass at the end (_add_terms)
    infos: list[bytes] = []
    prefix = pack_ushort(writer._fieldid)
    boost = fieldobj.format.field_boost
    fixed = fieldobj.format.fixed_value_size()
    encoded = isinstance(next(iter(terms)), str)
    out = bytearray()  # this field's postings, written to the file in large pieces
    base = postfile.tell()
    write = out.extend
    pack_terminfo = _TERMINFO.pack
    header = WHOOSH3_HEADER_MAGIC
    for term in sorted(terms):
        entry = terms[term]
        key = prefix + (term.encode("utf-8") if encoded else term)
        if len(out) > 1 << 20:
            postfile.write(bytes(out))
            base += len(out)
            out.clear()
        start = base + len(out)
        if len(entry) == 3:  # one posting: the common case, written without the general loop
            docnum, count, value = entry
            weight = float(count) * boost if counted else entry[1]
            length = lengths[docnum] if lengths is not None else 0
            if fixed is None or fixed < 0:
                mini_values: Any = (value,) if value else ()
            elif fixed == 0:
                mini_values = None
            else:
                mini_values = value
            data = _pickle_block((docnum,), None if weight == 1.0 else weight, mini_values)
            comp = 3 if len(data) >= COMPRESS_FROM else 0
            if comp:
                data = _compress(data)
            lbyte = _length_byte(length) if length else 0
            info = dumps((1, docnum, weight, comp, lbyte, _length_byte(length)), 2)
            write(header)
            write(pack_int(-(len(info) + len(data))))
            write(info)
            write(data)
            info_bytes = pack_terminfo(False, weight, 1, lbyte, lbyte, max(0, weight), docnum, docnum)
            keys.append(key)
            infos.append(info_bytes + pack_long(start) + pack_int(base + len(out) - start))
            continue
        docnums = entry[0::3]
        counts = entry[1::3]
        values = entry[2::3]
        write(header)
        total = len(docnums)
        weight_sum = 0.0
        term_max_weight: float = 0
        term_min_length = None
        term_max_length = 0
        for first in range(0, total, 128):
            last = min(first + 128, total)
            ids = docnums[first:last]
            if not counted:
                weights = counts[first:last]
            elif boost == 1.0:
                weights = list(map(float, counts[first:last]))
            else:
                weights = list(map(boost.__mul__, map(float, counts[first:last])))
            block_max = max(0, max(weights))  # the first largest, as W3 compares them one by one
            if lengths is not None:
                block_lengths = list(map(lengths.__getitem__, ids))
                present = list(filter(None, block_lengths))
                block_min = min(present) if present else None
                block_max_length = max(block_lengths)
            else:
                block_min, block_max_length = None, 0
            mini_ids = (ids[0], *map(sub, ids[1:], ids))
            size = len(weights)
            if weights.count(1.0) == size:
                mini_weights: Any = None
            elif weights.count(weights[0]) == size:
                mini_weights = weights[0]
            else:
                mini_weights = tuple(weights)
            block_values = list(filter(None, values[first:last]))
            if fixed is None or fixed < 0:
                mini_values = tuple(block_values)
            elif fixed == 0:
                mini_values = None
            else:
                mini_values = b"".join(block_values)
            data = _pickle_block(mini_ids, mini_weights, mini_values)
            comp = 3 if len(data) >= COMPRESS_FROM else 0
            if comp:
                data = _compress(data)
            info = dumps(
                (
                    last - first,
                    ids[-1],
                    block_max,
                    comp,
                    _length_byte(block_min) if block_min else 0,
                    _length_byte(block_max_length),
                ),
                2,
            )
            size = len(info) + len(data)
            write(pack_int(-size if last == total else size))
            write(info)
            write(data)
            # W3TermInfo.add_block, block by block
            weight_sum += sum(weights)
            if term_min_length is None:
                term_min_length = block_min
            elif block_min is not None:
                term_min_length = min(term_min_length, block_min)
            term_max_length = max(term_max_length, block_max_length)
            term_max_weight = max(term_max_weight, block_max)
        info_bytes = pack_terminfo(
            False,
            weight_sum,
            total,
            _length_byte(term_min_length) if term_min_length else 0,
            _length_byte(term_max_length),
            term_max_weight,
            docnums[0],
            docnums[-1],
        )
        keys.append(key)
        infos.append(info_bytes + pack_long(start) + pack_int(base + len(out) - start))
    postfile.write(bytes(out))
    _add_terms(writer._tindex, keys, infos)


# MARK, then ``_codecs.encode`` pushed and popped again (POP): a protocol-2 pickle's bytes
# values start with this MARK and global, which ``firstpage._ids_and_weights`` looks for to
# cut a block's ids and weights from its positions; popped, the global is never called.
_VALUES_OPEN = b"(c_codecs\nencode\n0"
_BINPUT = ord("q")


def _pickle_block(ids: tuple[int, ...], weights: Any, values: Any) -> bytes:
    """``dumps((ids, weights, values), 2)`` as any unpickler reads it, with the values (a tuple
    of bytes) pickled at protocol 3.

    Why: protocol 2 has no opcode for bytes and pickles each as a call to
    ``_codecs.encode`` on a latin-1 string: half of a block's pickle, which made the
    pickling three times and the zlib compression 1.5 times slower than bytes written as
    they are (Reuters: 61 MB of block pickles instead of 41, 22 MB compressed instead of
    14). The ids and weights stay protocol 2 and the values still open with the MARK and
    global that ``firstpage`` cuts at; unpicklers take protocol-3 opcodes whatever
    protocol the stream's header names. The values' memo indices may repeat the
    head's: no reference in the head is ever read back, so the later ones win.
    """
    if values.__class__ is not tuple or not values:
        return dumps((ids, weights, values), 2)
    head = dumps((ids, weights), 2)  # PROTO 2, ids, weights, TUPLE2, BINPUT (2 bytes), STOP
    body = dumps(values, 3)  # PROTO 3, [MARK,] bytes..., TUPLE or TUPLE1-3, BINPUT (2 bytes), STOP
    if head[-3] != _BINPUT or body[-3] != _BINPUT:  # a memo index past 255: not from a block
        return dumps((ids, weights, values), 2)
    return b"".join((head[:-4], _VALUES_OPEN, body[3:-4] if len(values) > 3 else body[2:-4], b"t\x87."))


# Whoosh's ``length_to_byte`` (a bisection in Python) by length: the lengths written are the
# few hundred that a byte can encode, looked up once per posting block and term.
_LENGTH_BYTES: dict[int, int] = {}


def _length_byte(length: int) -> int:
    found = _LENGTH_BYTES.get(length)
    if found is None:
        found = _LENGTH_BYTES[length] = length_to_byte(length)
    return found


def _add_terms(table: Any, keys: list[bytes], values: list[bytes]) -> None:
    """Add a field's rows to Whoosh's term table (an ``OrderedHashWriter``) in one pass: what its
    ``add`` does row by row (check the order, note the row's offset, write lengths, key and
    value, file the key's MD5 hash in its bucket), with one write to the file.

    Why: row by row, the table's Python methods cost as much as writing the postings of a
    one-posting term.
    """
    if not keys:
        return
    if keys[0] <= table.lastkey:
        raise ValueError(f"Keys must increase: {table.lastkey!r}..{keys[0]!r}")
    dbfile = table.dbfile
    position = dbfile.tell()
    out = bytearray()
    offsets = []
    buckets = table.buckets
    pack = _HASH_LENGTHS.pack
    for key, value in zip(keys, values, strict=True):
        offsets.append(position + len(out))
        out += pack(len(key), len(value))
        out += key
        out += value
        hashed = int.from_bytes(md5(key, usedforsecurity=False).digest()[12:], "big")  # md5_hash
        buckets[hashed & 255].append((hashed, offsets[-1]))
    dbfile.write(bytes(out))
    index = table.index  # a GrowableArray, which widens its type for larger offsets
    try:
        index.array.extend(array(index.typecode, offsets))
    except OverflowError:
        index.extend(offsets)
    table.lastkey = keys[-1]


# -- building with every core ---------------------------------------------------------------


@dataclass
class FilePlan:
    """One corpus file to index and the ids the parent accepted from it, in order."""

    file: CorpusFile
    digest: str
    ids: list[str] = field(default_factory=list)


Prepare = Callable[[Article], Any]
MakeDocument = Callable[[Article, CorpusFile, str], dict[str, Any]]
# Saves a new segment's vocabulary (segment id, word -> counts); runs in the writer process.
SaveVocabulary = Callable[[str, dict[str, list[int]]], None]


@dataclass
class SliceResult:
    segments: list[Any]
    ids: list[str]
    vocabularies: dict[str, dict[str, list[int]]]  # segment id -> FastSegmentWriter.vocabulary()


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this process when its parent dies (elsewhere, workers finish their slice)."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the request above was made
        os._exit(1)


def _articles(plan: Sequence[FilePlan], root: Any, lo: int, hi: int) -> Iterator[tuple[FilePlan, Article]]:
    """Accepted articles number ``lo`` to ``hi`` (exclusive) of the plan, read again from disk."""
    seen = 0
    for item in plan:
        count = len(item.ids)
        if seen + count <= lo:
            seen += count
            continue
        if seen >= hi:
            return
        wanted = set(item.ids)
        taken: set[str] = set()
        for article in read_articles(item.file, root, lambda _w: None):
            if article.id not in wanted or article.id in taken:
                continue
            taken.add(article.id)
            if lo <= seen < hi:
                yield item, article
            seen += 1
            if seen >= hi:
                return


def _worker(
    conn: Connection,
    index_path: str,
    plan: Sequence[FilePlan],
    root: Any,
    lo: int,
    hi: int,
    make_document: MakeDocument,
    preparers: Sequence[Prepare],
    flush_postings: int,
    parent: int,
    save_vocabulary: SaveVocabulary | None,
) -> None:
    _die_with_parent(parent)
    # Objects inherited from the parent are shared copy-on-write; a collection pass would
    # touch (and so copy) every one of them. Freeze them out of this process's collections,
    # and collect nothing while writing: the postings are millions of lists without cycles,
    # which full collections would traverse again and again, and this process ends soon.
    gc.freeze()
    gc.disable()
    try:
        ix = whoosh_index.open_dir(index_path)
        segments = []
        vocabularies: dict[str, dict[str, list[int]]] = {}
        ids: list[str] = []
        # First the per-article work of the derived tables, sent as soon as it is done so that
        # the parent can build its tables while this process writes the index.
        articles = list(_articles(plan, root, lo, hi))  # the slice is held: read once, used twice
        for start in range(0, len(articles), PREPARED_CHUNK):  # sent in pieces: small messages
            chunk = articles[start : start + PREPARED_CHUNK]
            conn.send(("prepared", [[prepare(article) for _item, article in chunk] for prepare in preparers]))
        conn.send(("prepared", None))
        writer = FastSegmentWriter(ix, _lk=False, compound=False)
        done_files = 0
        current = None
        for item, article in articles:
            if item is not current:
                if current is not None:
                    done_files += 1
                    conn.send(("progress", done_files))
                current = item
            writer.add_article(make_document(article, item.file, item.digest))
            ids.append(article.id)
            if writer.postings >= flush_postings:
                _keep_vocabulary(writer, vocabularies, save_vocabulary)
                segments.append(writer._finalize_segment())
                writer = FastSegmentWriter(ix, _lk=False, compound=False)
        # Never destroy the writers' temporary storage here: it is one folder shared with the
        # parent's writer, which removes it when it finishes.
        if writer.docnum:
            _keep_vocabulary(writer, vocabularies, save_vocabulary)
            segments.append(writer._finalize_segment())
        else:
            writer._close_segment()
        conn.send(("done", SliceResult(segments, ids, vocabularies)))
    except BaseException:
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


def _keep_vocabulary(
    writer: FastSegmentWriter,
    vocabularies: dict[str, dict[str, list[int]]],
    save: SaveVocabulary | None,
) -> None:
    """Note the vocabulary of the segment ``writer`` is about to write, and save it from here:
    the parent's work after the writers is done on one core while the other waits."""
    segment_id = writer.newsegment.segment_id()
    counts = vocabularies[segment_id] = writer.vocabulary()
    if save is not None:
        save(segment_id, counts)


class WorkerFailed(Exception):
    pass


class CorpusChanged(WorkerFailed):
    """The writer processes read other articles than the plan: a file changed or vanished."""


def write_parallel(
    ix: whoosh_index.Index,
    plan: Sequence[FilePlan],
    root: Any,
    make_document: MakeDocument,
    preparers: Sequence[Prepare] = (),
    take_prepared: Callable[[list[list[Any]]], None] | None = None,
    on_prepared: Callable[[], None] | None = None,
    procs: int = 2,
    progress: Callable[[int, int], None] | None = None,
    flush_postings: int | None = None,
    save_vocabulary: SaveVocabulary | None = None,
) -> tuple[list[Any], dict[str, dict[str, list[int]]]]:
    """Write the plan's articles as new segments, ``procs`` contiguous slices at once.

    Each process first runs the ``preparers`` over its articles and sends the
    results in pieces, which ``take_prepared`` gets as they come (per preparer, a
    piece of one process's articles in their order; the pieces of the processes
    interleave); once all have, ``on_prepared`` runs here while the processes go on
    writing the index. Why pieces: the entity records of 100,000 articles held at
    once as objects took about 2 GB of this process; taken piece by piece they are
    packed as they come (``entities.store``).
    Returns the segments in article order (to be committed by the caller, who
    holds the write lock) and each new segment's vocabulary, which the processes
    also hand to ``save_vocabulary`` (called in them) when given.
    The caller must hold the index's write lock for the whole call.
    """
    flush_postings = flush_postings or FLUSH_POSTINGS
    total = sum(len(item.ids) for item in plan)
    procs = max(1, min(procs, total // 500 or 1))
    bounds = [total * k // procs for k in range(procs + 1)]
    context = multiprocessing.get_context("fork")
    workers = []
    for k in range(procs):
        parent_end, child_end = context.Pipe(duplex=False)
        process = context.Process(
            target=_worker,
            args=(
                child_end,
                str(ix.storage.folder),
                plan,
                root,
                bounds[k],
                bounds[k + 1],
                make_document,
                preparers,
                flush_postings,
                os.getpid(),
                save_vocabulary,
            ),
            daemon=True,
        )
        process.start()
        child_end.close()
        workers.append((process, parent_end))
    results: list[SliceResult | None] = [None] * procs
    prepared_done = [False] * procs
    files_done = [0] * procs
    pending = {conn: k for k, (_, conn) in enumerate(workers)}
    try:
        while pending:
            for conn in wait(list(pending)):
                k = pending[conn]  # type: ignore[index]
                try:
                    kind, payload = conn.recv()  # type: ignore[union-attr]
                except EOFError:
                    raise WorkerFailed(f"indexing process {k} ended without a result") from None
                if kind == "progress":
                    files_done[k] = payload
                    if progress:
                        progress(min(sum(files_done), len(plan)), len(plan))
                elif kind == "error":
                    raise WorkerFailed(f"indexing process {k} failed:\n{payload}")
                elif kind == "prepared":
                    if payload is not None:
                        if take_prepared:
                            take_prepared(payload)
                        del payload
                        continue
                    prepared_done[k] = True
                    if all(prepared_done) and on_prepared:
                        on_prepared()
                else:
                    results[k] = payload
                    del pending[conn]  # type: ignore[arg-type]
    except BaseException:
        for process, _ in workers:
            if process.is_alive():
                process.kill()
        raise
    finally:
        for process, conn in workers:
            process.join(timeout=5)
            conn.close()
    segments: list[Any] = []
    vocabularies: dict[str, dict[str, list[int]]] = {}
    expected = [i for item in plan for i in item.ids]
    got: list[str] = []
    for result in results:
        assert result is not None
        segments.extend(result.segments)
        vocabularies.update(result.vocabularies)
        got.extend(result.ids)
    if got != expected:
        raise CorpusChanged("the corpus changed while it was being indexed")
    if progress:
        progress(len(plan), len(plan))
    return segments, vocabularies


def cpu_count() -> int:
    """Cores this process may use (the affinity mask, not the machine's total)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1
