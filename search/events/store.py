"""The event table's data as columns: articles, passages, terms, events, stories.

Why columns and not objects: a Reuters-sized corpus has 180,000 passages
and 120,000 events. As Python objects they take half a minute to load and
as JSON 80 MB on disk; as flat ``array`` columns (passage spans, coded
terms, event members) they load as raw bytes in milliseconds. The records
a caller sees (``Event``, ``Passage``) are made from the columns only when
asked for (``EventTable``).

Numbering: articles have *slots*, passages *global numbers* (an article's
passages are ``first[slot] .. first[slot] + count[slot] - 1`` in reading
order), events and stories numbers. An update appends new slots, passages
and events and marks the replaced ones dead, so every number stays valid
in the old table (an update returns a new table; the old one is not
changed: columns are copied, not shared).

Per-article content (the text and the extracted raw features) is needed
only to show passages or to regroup around a change; a loaded table keeps
it as compressed chunks and decodes a chunk when one of its articles is
first needed (``Content``).
"""

from __future__ import annotations

import json
import sys
import zlib
from array import array
from collections.abc import Callable, Iterable
from typing import Any

from .features import EMPTY, Extract, PassageSpan, RawFeatures
from .terms import Vocabulary

CHUNK = 16  # articles per compressed chunk: an update decodes only the chunks of the articles it regroups
TITLE, BOILERPLATE, DENIES = 1, 2, 4  # passage flags (DENIES: has a denial cue, see denials.py)
DEAD = -2  # p_event of a passage whose article was removed or replaced
NONE = -1  # p_event of a boilerplate passage (in no event)


def ints(values: Iterable[int] = ()) -> array:
    return array("i", values)


def flatten(groups: Iterable[Iterable[int]]) -> tuple[array, array]:
    """Offsets and flat values of a list of int sequences (offsets has one more entry)."""
    offsets = ints([0])
    flat = ints()
    for group in groups:
        flat.extend(group)
        offsets.append(len(flat))
    return offsets, flat


def unflatten(offsets: array, flat: array) -> list[tuple[int, ...]]:
    return [tuple(flat[offsets[k] : offsets[k + 1]]) for k in range(len(offsets) - 1)]


# -- per-article content ------------------------------------------------------------


def extract_to_json(found: Extract) -> list[Any]:
    spans = [[1 if s.field == "title" else 0, s.start, s.end, int(s.boilerplate)] for s in found.spans]
    raws = [
        0
        if raw is EMPTY or raw == EMPTY
        else [
            [[s, e, list(t), int(sp)] for s, e, t, sp in raw.mentions],
            list(raw.words),
            [
                surface if surface != word else 0
                for word, surface in zip(raw.words, raw.surfaces, strict=True)
            ],
            [list(q) for q in raw.quantities],
            [list(d) for d in raw.dates],
            [list(q) for q in raw.quotes],
            [list(c) for c in raw.cues],
        ]
        for raw in found.raws
    ]
    return [spans, raws]


def extract_from_json(data: list[Any]) -> Extract:
    spans = tuple(PassageSpan("title" if f else "text", s, e, bool(b)) for f, s, e, b in data[0])
    raws = []
    for raw in data[1]:
        if not raw:
            raws.append(EMPTY)
            continue
        mentions, words, surfaces, quantities, dates, quotes, cues = raw
        raws.append(
            RawFeatures(
                tuple((s, e, tuple(t), bool(sp)) for s, e, t, sp in mentions),
                tuple(words),
                tuple(surface or word for word, surface in zip(words, surfaces, strict=True)),
                tuple((s, e, v, q, m, u) for s, e, v, q, m, u in quantities),
                tuple((s, e, i, w, bool(r)) for s, e, i, w, r in dates),
                tuple((s, e) for s, e in quotes),
                tuple((k, s, e) for k, s, e in cues),
            )
        )
    return Extract(spans, tuple(raws))


class Content:
    """Text and raw features per article slot: in memory, or compressed chunks decoded on demand."""

    def __init__(self) -> None:
        self.extracts: list[Extract | None] = []
        self.texts: list[str | None] = []
        self.feature_chunks: list[bytes] = []  # compressed JSON, CHUNK slots each (loaded tables)
        self.text_chunks: list[bytes] = []
        self.text_of: Callable[[str], str] | None = None
        self.article_ids: list[str | None] = []  # to ask ``text_of`` (kept in step with the store)
        self.loaded_size = 0  # slots covered by the chunks read from a file
        self._decoded_features: set[int] = set()
        self._decoded_texts: set[int] = set()

    def copy(self) -> Content:
        other = Content()
        other.extracts = list(self.extracts)
        other.texts = list(self.texts)
        other.feature_chunks = self.feature_chunks  # immutable bytes: shared
        other.text_chunks = self.text_chunks
        other.text_of = self.text_of
        other.article_ids = list(self.article_ids)
        other.loaded_size = self.loaded_size
        other._decoded_features = set(self._decoded_features)
        other._decoded_texts = set(self._decoded_texts)
        return other

    def append(self, article_id: str, found: Extract | None, text: str | None) -> None:
        self.article_ids.append(article_id)
        self.extracts.append(found)
        self.texts.append(text)

    def extract(self, slot: int) -> Extract:
        found = self.extracts[slot]
        if found is None:
            self._decode_features(slot // CHUNK)
            found = self.extracts[slot]
        if found is None:
            raise LookupError(f"no features stored for article slot {slot}")
        return found

    def text(self, slot: int, article_id: str) -> str:
        found = self.texts[slot]
        if found is None:
            number = slot // CHUNK
            if number < len(self.text_chunks) and number not in self._decoded_texts:
                texts = json.loads(zlib.decompress(self.text_chunks[number]))
                for offset, text in enumerate(texts):
                    if self.texts[number * CHUNK + offset] is None:
                        self.texts[number * CHUNK + offset] = text
                self._decoded_texts.add(number)  # only once decoded: see ``_decode_features``
                found = self.texts[slot]
            if found is None and self.text_of is not None:
                found = self.text_of(article_id)
                self.texts[slot] = found
        return found or ""

    def _decode_features(self, number: int) -> None:
        if number >= len(self.feature_chunks) or number in self._decoded_features:
            return
        rows = json.loads(zlib.decompress(self.feature_chunks[number]))
        for offset, row in enumerate(rows):
            slot = number * CHUNK + offset
            if row is not None and self.extracts[slot] is None:
                self.extracts[slot] = extract_from_json(row)
        # Marked only once decoded: the explorer shares one table between the views' worker
        # threads, and a thread that saw the mark early would find the chunk's rows missing.
        # Two threads may both decode a chunk; they write the same values.
        self._decoded_features.add(number)

    def chunks(self, alive: Callable[[int], bool], texts: bool) -> tuple[list[bytes], list[bytes]]:
        """Compressed chunks for saving (``alive(slot)``: whether to keep that article's content).

        Chunks read from a file and not grown since are written back as
        they are: saving after an update compresses only the new articles.
        """
        features: list[bytes] = []
        text_chunks: list[bytes] = []
        size = len(self.extracts)
        for number in range((size + CHUNK - 1) // CHUNK):
            low, high = number * CHUNK, min(size, (number + 1) * CHUNK)
            slots = range(low, high)
            if number < len(self.feature_chunks) and high <= self.loaded_size:
                features.append(self.feature_chunks[number])
            else:
                rows = [extract_to_json(self.extract(s)) if alive(s) else None for s in slots]
                features.append(zlib.compress(_dumps(rows), 1))
            if not texts:
                continue
            if number < len(self.text_chunks) and high <= self.loaded_size:
                text_chunks.append(self.text_chunks[number])
            else:
                values = [self.text(s, self.article_ids[s] or "") if alive(s) else None for s in slots]
                text_chunks.append(zlib.compress(_dumps(values), 1))
        return features, text_chunks

    def written(self, features: list[bytes], texts: list[bytes]) -> None:
        """Keep the chunks just saved, so that the next save of this table or of an update's copy
        compresses only what was added since (a table built in this process has no chunks read
        from a file: before this, every save after an update compressed all of it again)."""
        self.feature_chunks = features
        self.text_chunks = texts
        self.loaded_size = len(self.extracts)


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# -- the columns ----------------------------------------------------------------------


class Store:
    """All columns of one table (see the module docstring)."""

    def __init__(self) -> None:
        # articles, by slot
        self.ids: list[str | None] = []
        self.sources: list[str] = []
        self.dates: list[str | None] = []
        self.titles: list[str] = []
        self.fingerprints: list[str] = []
        self.first = ints()
        self.count = ints()
        self.slot_of: dict[str, int] = {}
        self.content = Content()
        # passages, by global number
        self.p_slot = ints()
        self.p_start = ints()
        self.p_end = ints()
        self.p_flags = bytearray()
        self.p_event = ints()
        self.term_offsets = ints([0])
        self.term_codes = ints()
        # terms
        self.vocabulary = Vocabulary()
        self.df = ints()  # passages per term
        self.adf = ints()  # articles per term
        self.total = 0  # live passages with terms
        self.total_articles = 0
        self.inverted_offsets = ints([0])  # per term id, into inverted_flat (terms rare enough only)
        self.inverted_flat = ints()
        self.inverted_extra: dict[int, list[int]] = {}  # postings added by updates
        self.aliases: dict[str, str] = {}
        self.hooked: dict[str, list[str]] = {}  # folded name word -> entity keys the hook gave
        # events, by number
        self.e_id: list[str] = []
        self.e_label: list[str] = []
        self.e_date: list[str | None] = []
        self.e_published: list[str | None] = []
        self.e_members: list[tuple[int, ...]] = []  # passages in display order
        self.e_terms: list[tuple[int, ...]] = []  # the term ids behind the label
        self.e_sources = ints()  # number of sources
        self.e_articles = ints()  # number of articles
        self.e_differences: list[Any] = []  # None, stored JSON (list), or a tuple of Difference
        self.e_alive = bytearray()
        # stories, by number
        self.s_id: list[str] = []
        self.s_label: list[str] = []
        self.s_date: list[str | None] = []
        self.s_articles: list[tuple[int, ...]] = []  # slots
        self.s_events: list[tuple[int, ...]] = []  # event numbers
        self.s_alive = bytearray()
        self.a_story = ints()  # per slot

    # -- reading -------------------------------------------------------------------

    def codes(self, passage: int) -> array:
        return self.term_codes[self.term_offsets[passage] : self.term_offsets[passage + 1]]

    def passage_index(self, passage: int) -> int:
        return passage - self.first[self.p_slot[passage]]

    def passage_text(self, passage: int) -> str:
        slot = self.p_slot[passage]
        start, end = self.p_start[passage], self.p_end[passage]
        if self.p_flags[passage] & TITLE:
            return self.titles[slot][start:end]
        return self.article_text(slot)[start:end]

    def article_text(self, slot: int) -> str:
        return self.content.text(slot, self.ids[slot] or "")

    def raw(self, passage: int) -> RawFeatures:
        slot = self.p_slot[passage]
        return self.content.extract(slot).raws[passage - self.first[slot]]

    def postings(self, term: int) -> list[int]:
        """Live passages with ``term`` (only for terms kept in the inverted index)."""
        found: list[int] = []
        if term + 1 < len(self.inverted_offsets):
            found = list(self.inverted_flat[self.inverted_offsets[term] : self.inverted_offsets[term + 1]])
        found.extend(self.inverted_extra.get(term, ()))
        events = self.p_event
        return [p for p in found if events[p] != DEAD]

    def live_slots(self) -> list[int]:
        return [slot for slot, article_id in enumerate(self.ids) if article_id is not None]

    # -- changing (on a copy) ----------------------------------------------------------

    def copy(self) -> Store:
        other = Store.__new__(Store)
        for name, value in self.__dict__.items():
            if isinstance(value, array | bytearray | list | dict):
                value = value[:] if not isinstance(value, dict) else dict(value)
            setattr(other, name, value)
        other.vocabulary = self.vocabulary.copy()
        other.content = self.content.copy()
        other.inverted_extra = {t: list(v) for t, v in self.inverted_extra.items()}
        other.hooked = {word: list(keys) for word, keys in self.hooked.items()}  # an update appends to them
        return other


def native(values: array) -> bytes:
    """Little-endian bytes of an int array (the file format's byte order)."""
    if sys.byteorder == "little":
        return values.tobytes()
    swapped = array(values.typecode, values)
    swapped.byteswap()
    return swapped.tobytes()


def from_native(data: bytes) -> array:
    values = array("i")
    values.frombytes(data)
    if sys.byteorder != "little":
        values.byteswap()
    return values
