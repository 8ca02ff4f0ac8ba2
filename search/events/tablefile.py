"""The event table on disk: one file, a JSON header then raw sections.

Layout: the magic line ``EVTABLE\\n``, the header length (8 bytes,
little-endian), the header (UTF-8 JSON: format version, counts, the alias
tables, and where each section is), then the sections back to back: int
arrays as little-endian bytes (``array``, no pickle), string columns such as
article ids, event ids and labels as lines of JSON arrays (``turns.dump_list``,
so that reading them never holds the GIL for long), and per-article content
as zlib-compressed JSON chunks.

Why: loading is then a JSON parse of the string columns plus
``array.frombytes`` per int column, well under a second for a Reuters-sized
table, and article texts and features are decompressed only when asked for
(``store.Content``). A file of another version, or that fails to parse,
loads as None: the caller rebuilds.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from itertools import chain
from pathlib import Path
from typing import Any

from .. import turns
from ..atomic import remove_abandoned, write_chunks_atomic
from .store import CHUNK, Content, Store, flatten, from_native, native, unflatten
from .terms import Vocabulary

MAGIC = b"EVTABLE\n"
FORMAT_VERSION = 4


@functools.cache
def engine_fingerprint() -> str:
    """A digest of the event engine's own source files, saved with every table.

    A table derived by another version of the engine (an upgrade, a fix to
    grouping) is not reused: its events would differ from what this engine
    makes of the same articles. Hashing the sources makes that automatic
    instead of relying on someone remembering to bump a number.
    """
    digest = hashlib.sha256()
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


_INT_COLUMNS = (
    "first", "count", "p_slot", "p_start", "p_end", "p_event", "term_offsets", "term_codes",
    "df", "adf", "inverted_offsets", "inverted_flat", "e_sources", "e_articles", "a_story",
)  # fmt: skip
_BYTE_COLUMNS = ("p_flags", "e_alive", "s_alive")
_NESTED_COLUMNS = ("e_members", "s_articles", "s_events")
# e_label before e_terms: a save may run while a view labels events (``events.ensure_label``
# sets the terms, then the label), so a label saved always has its terms; an event saved with
# no label is labelled again when asked.
_JSON_COLUMNS = (
    "ids", "sources", "dates", "titles", "fingerprints", "e_id", "e_label", "e_terms", "e_date",
    "e_published", "s_id", "s_label", "s_date",
)  # fmt: skip


def write_store(store: Store, path: Path, texts: bool = True) -> None:
    """Write ``store`` to ``path`` atomically (``atomic.write_chunks_atomic``).

    A section is written as the pieces it was made of: the compressed chunks of the
    articles' features and texts (a quarter of a gigabyte at 100,000 articles) are never
    joined into one copy.
    """
    sections: list[tuple[str, Sequence[bytes]]] = []
    for name in _INT_COLUMNS:
        sections.append((name, [native(getattr(store, name))]))
    for name in _BYTE_COLUMNS:
        sections.append((name, [bytes(getattr(store, name))]))
    for name in _NESTED_COLUMNS:
        offsets, flat = flatten(getattr(store, name))
        sections.append((name + ".offsets", [native(offsets)]))
        sections.append((name + ".flat", [native(flat)]))
    for name in _JSON_COLUMNS:
        sections.append((name + ".json", [turns.dump_list(getattr(store, name))]))
    sections.append(("vocabulary.json", [turns.dump_list(store.vocabulary.terms)]))
    sections.append(("hooked.json", [turns.dump_list(list(store.hooked.items()))]))
    sections.append(
        ("e_differences.json", [turns.dump_list([_differences_json(d) for d in store.e_differences])])
    )
    features, text_chunks = store.content.chunks(lambda slot: store.ids[slot] is not None, texts)
    sections.append(("features", features))
    sections.append(("texts", text_chunks))
    layout: list[list[Any]] = []
    position = 0
    for name, pieces in sections:
        size = sum(map(len, pieces))
        layout.append([name, position, size])
        position += size
    header = {
        "version": FORMAT_VERSION,
        "engine": engine_fingerprint(),
        "texts": texts,
        "chunk": CHUNK,
        "feature_chunks": [len(c) for c in features],
        "text_chunks": [len(c) for c in text_chunks],
        "total": store.total,
        "total_articles": store.total_articles,
        "aliases": store.aliases,
        "inverted_extra": {str(t): v for t, v in store.inverted_extra.items()},
        "sections": layout,
    }
    encoded = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    remove_abandoned(path)
    head = [MAGIC, len(encoded).to_bytes(8, "little"), encoded]
    write_chunks_atomic(path, chain(head, *(pieces for _name, pieces in sections)))
    store.content.written(features, text_chunks)


def _differences_json(value: Any) -> Any:
    if value is None or isinstance(value, list):
        return value
    return [
        [d.kind, d.source, d.article_id, d.passage, d.text, d.value, d.explanation, d.start, d.end]
        for d in value
    ]


def read_store(path: Path, text_of: Callable[[str], str] | None = None) -> Store | None:
    """The store saved at ``path``, or None (missing, unreadable, another version, no texts).

    Each section is read from the file on its own, as bytes: the read lets other threads
    run, where copying a section out of the whole file read at once (hundreds of MB at
    100,000 articles) held the GIL for 0.1-0.4 s a copy.
    """
    try:
        with path.open("rb") as handle:
            file_size = os.fstat(handle.fileno()).st_size
            if handle.read(len(MAGIC)) != MAGIC:
                return None
            header_size = int.from_bytes(handle.read(8), "little")
            if header_size > file_size:  # damaged: never ask ``read`` for more than the file
                return None
            header = json.loads(handle.read(header_size))
            if (
                not isinstance(header, dict)
                or header.get("version") != FORMAT_VERSION
                or header.get("engine") != engine_fingerprint()
                or header.get("chunk") != CHUNK
            ):
                return None
            if not header["texts"] and text_of is None:
                return None
            base = handle.tell()
            sections = {}
            for name, offset, length in header["sections"]:
                if offset < 0 or length < 0 or base + offset + length > file_size:
                    return None
                handle.seek(base + offset)
                sections[name] = handle.read(length)
                if len(sections[name]) != length:
                    return None
        return _parse(header, sections, text_of)
    except OSError:
        return None
    except (KeyError, TypeError, ValueError, IndexError):
        return None


def _parse(
    header: dict[str, Any], sections: dict[str, bytes], text_of: Callable[[str], str] | None
) -> Store | None:
    store = Store()
    for name in _INT_COLUMNS:
        setattr(store, name, from_native(sections[name]))
    for name in _BYTE_COLUMNS:
        setattr(store, name, bytearray(sections[name]))
    for name in _NESTED_COLUMNS:
        offsets = from_native(sections[name + ".offsets"])
        flat = from_native(sections[name + ".flat"])
        setattr(store, name, unflatten(offsets, flat))
    for name in _JSON_COLUMNS:
        setattr(store, name, turns.load_list(sections[name + ".json"]))
    store.slot_of = {article_id: slot for slot, article_id in enumerate(store.ids) if article_id is not None}
    store.vocabulary = Vocabulary(turns.load_list(sections["vocabulary.json"]))
    store.total = header["total"]
    store.total_articles = header["total_articles"]
    store.aliases = header["aliases"]
    store.hooked = dict(turns.load_list(sections["hooked.json"]))
    store.inverted_extra = {int(t): v for t, v in header["inverted_extra"].items()}
    store.e_terms = [tuple(t) if t is not None else None for t in store.e_terms]
    store.e_differences = turns.load_list(sections["e_differences.json"])
    content = Content()
    slots = len(store.ids)
    content.extracts = [None] * slots
    content.texts = [None] * slots
    content.article_ids = list(store.ids)
    content.feature_chunks = _split(sections.pop("features"), header["feature_chunks"])
    content.text_chunks = _split(sections.pop("texts"), header["text_chunks"])
    content.text_of = text_of
    content.loaded_size = slots
    store.content = content
    if len(store.p_slot) + 1 != len(store.term_offsets) or len(store.df) != len(store.vocabulary):
        return None
    return store


def _split(data: bytes, lengths: list[int]) -> list[bytes]:
    chunks, position = [], 0
    for length in lengths:
        chunks.append(data[position : position + length])
        position += length
    return chunks
