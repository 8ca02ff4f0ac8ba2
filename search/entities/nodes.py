"""The name nodes: everything the corpus knows about each full name, kept between runs.

Why kept: counting every mention of the corpus into its name's node was the
largest step of an index update (about 11 s at 100,000 articles, memory-bound
over 3.6 million mentions) although ten changed articles change a few hundred
nodes. So the nodes are saved with the corpus statistics, and an update counts
out the articles whose resolution it drops (changed, removed, or resolved
again because a word's reading changed) and counts in those it resolves.

Why that ends where a fresh count does: every count is a plain sum over
articles; a node's articles are kept as sorted ids (not as numbers, which an
insertion shifts); the nodes are put in the order a fresh count meets them
(their first article, then where that article first names them); and nothing
downstream reads the order in which a count met its keys (``kinds._votes``,
``describe_cues``, the table's sorted spellings). Tests compare an updated set
with a fresh count after random sequences of changes.
"""

from __future__ import annotations

import contextlib
import pickle
from bisect import bisect_left, insort
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .blocking import BLOCKS_VERSION
from .kinds import MENTIONS
from .names import core_tokens, name_key
from .resolve import ResolvedRow
from .rows import (
    ACRONYM,
    AFFILIATION,
    ARTICLE_ID,
    ARTICLE_MENTIONS,
    ARTICLE_SOURCE,
    CUES,
    ROLES,
    TEXT,
    TITLE,
    ArticleRow,
)

# The saved form (``NodeSet.state``): 6, each node pickled apart, its counts pickled apart inside
# it (``Node._counts``); 5, the counts among the other fields, with its blocking keys and what
# ``Node.finish`` made of it; 4, without the latter; 3, without either; 1 and 2, one list of
# every node's fields. Each is read.
NODES_VERSION = 6
_JOIN = "\x00"  # between the article ids of a node, saved as one string

Counts = dict[str, int]  # plain dicts: a ``Counter`` pickles, and counts a missing key, slower

# The fields a node counts its mentions in, read from their own pickle when first asked for.
COUNT_FIELDS = ("spellings", "sources", "titles", "roles", "affiliations", "cues")


@dataclass(slots=True)
class Node:
    """All the corpus knows about one full name (one folded key)."""

    key: str
    tokens: tuple[str, ...]
    core: tuple[str, ...]
    position: int = 0  # where its first article first names it (with the article: its order)
    spellings: Counts = field(default_factory=dict)
    sources: dict[str, Counts] = field(default_factory=dict)
    articles: list[str] = field(default_factory=list)  # ids, sorted
    titles: Counts = field(default_factory=dict)
    roles: Counts = field(default_factory=dict)
    affiliations: Counts = field(default_factory=dict)
    cues: Counts = field(default_factory=dict)
    acronyms: Counts = field(default_factory=dict)
    short_forms: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (spelling, via) -> ids
    display: str = ""  # the most written full spelling of this key (set by ``finish``)
    is_acronym: bool = False
    count: int = 0  # mentions (set by ``finish``: every cluster's head is chosen by it, often)
    # Its blocking keys (``blocking.block_keys`` of ``core``, a function of the key alone), kept
    # with the node: working out 71,000 names' sound keys again took each update 0.3 s.
    blocks: tuple[str, ...] | None = None
    # The ``COUNT_FIELDS`` as saved, until one is asked for (they are then unset until read):
    # an update reads the counts of the few hundred names it touches, and unpickling every
    # name's took a third of loading the 71,000 nodes of 100,000 articles.
    _counts: bytes | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def of_key(cls, key: str, position: int, *counted: Any) -> Node:
        """A node of this name key (its words and core follow from it), with what was counted."""
        tokens = tuple(key.split())
        return cls(key, tokens, core_tokens(tokens), position, *counted)

    @classmethod
    def saved(
        cls,
        key: str,
        position: int,
        articles: list[str],
        acronyms: Counts,
        short_forms: dict[tuple[str, str], list[str]],
        finished: tuple[str, bool, int],
        counts: bytes,
    ) -> Node:
        """A node as ``NodeSet.state`` saved it (``finished``: what ``finish`` made of it), its
        counts left pickled: their fields stay unset, so ``__init__``, which would fill them
        with empty dicts, is not called."""
        node = object.__new__(cls)
        tokens = tuple(key.split())
        node.key, node.tokens, node.core, node.position = key, tokens, core_tokens(tokens), position
        node.articles, node.acronyms, node.short_forms, node._counts = articles, acronyms, short_forms, counts
        node.display, node.is_acronym, node.count = finished
        node.blocks = None
        return node

    def __getattr__(self, name: str) -> Any:
        """Only called for an unset field: the counts, read from their pickle the first time.

        ``_counts`` is read past this method: a copy or an unpickling asks for attributes of
        an object whose fields are not set yet, and must be told they are missing."""
        if name not in COUNT_FIELDS:
            raise AttributeError(name)
        counts = _field(self, "_counts")
        if counts is None:
            raise AttributeError(name)
        self._read_counts(counts)
        return object.__getattribute__(self, name)

    def _read_counts(self, counts: bytes) -> None:
        """Set the count fields from their pickle, but for one set since (it is newer)."""
        for name, value in zip(COUNT_FIELDS, pickle.loads(counts), strict=True):
            if _field(self, name) is None:
                setattr(self, name, value)
        self._counts = None

    def pickled_counts(self) -> bytes:
        """The ``COUNT_FIELDS`` as saved: the pickle they were loaded from while none was read
        or set."""
        counts = self._counts
        if counts is not None:
            if all(_field(self, name) is None for name in COUNT_FIELDS):
                return counts
            self._read_counts(counts)
        return pickle.dumps(
            tuple(getattr(self, name) for name in COUNT_FIELDS), protocol=pickle.HIGHEST_PROTOCOL
        )

    def counted(self) -> tuple[Any, ...]:
        """What counting made of the node (the rest follows from it): what the tests compare
        with a fresh count."""
        return (
            self.key,
            self.position,
            self.spellings,
            self.sources,
            self.articles,
            self.titles,
            self.roles,
            self.affiliations,
            self.cues,
            self.acronyms,
            self.short_forms,
        )

    def finish(self) -> None:
        """Fix the display spelling once all mentions are counted (``NodeSet`` makes the display
        empty again whenever it counts the node in or out, and saves it with the node).

        Short forms attached in articles (`ISI`, `Hameed`) are never the display of their full name.
        """
        short = {spelling for spelling, _via in self.short_forms}
        written = [s for s in self.spellings if s not in short] or list(self.spellings)
        full = [s for s in written if len(s.split()) >= len(self.tokens)] or written
        self.display = min(full, key=lambda s: (-self.spellings[s], s))
        written = self.display.replace(".", "")
        self.is_acronym = len(self.tokens) == 1 and written.isupper() and 2 <= len(written) <= 6
        self.count = sum(self.spellings.values())


class NodeSet:
    """The nodes of a corpus by name key, counted in and out one article at a time."""

    def __init__(self, nodes: dict[str, Node] | None = None) -> None:
        self.nodes: dict[str, Node] = nodes or {}
        self._unplaced: set[str] = set()  # keys whose first article was counted out
        # Keys counted in or out since these nodes were made or loaded (some may be gone now):
        # what an incremental clustering opens (``clustering.cluster``).
        self.touched: set[str] = set()
        # Each node's saved form as it was loaded, until the node is counted in or out: what
        # ``state`` saves again for the nodes an update did not touch (most of them).
        self._saved: dict[str, bytes] = {}
        # In ``bulk``: the nodes whose article lists (or short forms' lists) took an id out of
        # order, to be sorted when it ends; None outside it.
        self._unsorted: set[str] | None = None

    @contextlib.contextmanager
    def bulk(self) -> Iterator[None]:
        """Count many articles in, in any order: each list of article ids is sorted once, at the end.

        Why: a build counts the articles shard by shard, so most ids come out of order, and
        each was put in its place in a sorted list (a bisection and an insertion): 9 s of the
        indexing process at 100,000 articles, for 3.6 million ids. Now an id out of order is
        appended (the list's smallest kept first, which ``_count`` reads), and a list sorted
        once per node takes the shards' sorted runs as they are. Only ``add`` may run inside.
        """
        if self._unsorted is not None:
            raise RuntimeError("counting in bulk already")
        self._unsorted = set()
        try:
            yield
        finally:
            unsorted, self._unsorted = self._unsorted, None
            for key in unsorted:
                node = self.nodes.get(key)
                if node is not None:
                    _sort_unique(node.articles)
                    for ids in node.short_forms.values():
                        _sort_unique(ids)

    def add(self, article: ArticleRow, resolved: ResolvedRow) -> None:
        """Count in one article's resolved names (``resolve.Resolver.resolve``)."""
        self._count(article, resolved, 1)

    def remove(self, article: ArticleRow, resolved: ResolvedRow) -> None:
        """Count out an article counted in with this record and resolution."""
        if self._unsorted is not None:
            raise RuntimeError("an article counted out while counting in bulk")
        self._count(article, resolved, -1)

    def _count(self, article: ArticleRow, resolved: ResolvedRow, sign: int) -> None:
        """The one loop over every mention of a fresh count, kept inline (a helper call per
        count would run some 29 million times at 100,000 articles); counts taken to zero are
        dropped once per name (``_drop_zeros``)."""
        nodes, mentions = self.nodes, article[ARTICLE_MENTIONS]
        article_id, source = article[ARTICLE_ID], article[ARTICLE_SOURCE]
        touched, saved, unsorted = self.touched, self._saved, self._unsorted
        for position, (key, uses) in enumerate(resolved[0]):
            touched.add(key)
            saved.pop(key, None)
            node = nodes.get(key)
            if node is None:
                if sign < 0:
                    raise ValueError(f"{article_id}: counted out, never counted in ({key})")
                node = nodes[key] = Node.of_key(key, position)
            by_source = node.sources.get(source)
            if by_source is None:
                by_source = node.sources[source] = {}
            node.display = ""  # to be finished again (``Node.finish``)
            spellings, titles, roles, cues = node.spellings, node.titles, node.roles, node.cues
            shorts: dict[tuple[str, str], None] = {}
            for use in uses:
                if type(use) is int:  # the use formats of ``resolve.UseRow``
                    mention = mentions[use]
                    text = mention[TEXT]
                else:
                    at, _start, written, via = use
                    mention = mentions[at]
                    text = mention[TEXT] if written is None else written
                    if via:
                        shorts[text, via] = None
                spellings[text] = spellings.get(text, 0) + sign
                by_source[text] = by_source.get(text, 0) + sign
                title = mention[TITLE]
                if title:
                    titles[title] = titles.get(title, 0) + sign
                for role in mention[ROLES]:
                    roles[role] = roles.get(role, 0) + sign
                if mention[AFFILIATION]:
                    group = name_key(mention[AFFILIATION])
                    node.affiliations[group] = node.affiliations.get(group, 0) + sign
                acronym = mention[ACRONYM]
                if acronym:
                    node.acronyms[acronym] = node.acronyms.get(acronym, 0) + sign
                for cue in mention[CUES]:
                    cues[cue] = cues.get(cue, 0) + sign
            # Once per name and article: no kind vote reads where the count sits among the cues.
            cues[MENTIONS] = cues.get(MENTIONS, 0) + sign * len(uses)
            if unsorted is not None:  # ``bulk``: counting in only
                ids = node.articles
                if not ids or ids[-1] < article_id:
                    ids.append(article_id)
                elif article_id < ids[0]:
                    ids.append(ids[0])  # the smallest stays first: it is the node's first article
                    ids[0] = article_id
                    unsorted.add(key)
                else:
                    ids.append(article_id)
                    unsorted.add(key)
                for short in shorts:
                    node.short_forms.setdefault(short, []).append(article_id)
                    unsorted.add(key)
                if ids[0] == article_id:
                    node.position = position
                    self._unplaced.discard(key)
                continue
            for short in shorts:
                _place(node.short_forms.setdefault(short, []), article_id, sign)
            first = node.articles[0] if node.articles else None
            _place(node.articles, article_id, sign)
            if sign < 0:
                _drop_zeros(node, source)
            if not node.articles:
                del nodes[key]
                self._unplaced.discard(key)
            elif node.articles[0] == article_id:
                node.position = position
                self._unplaced.discard(key)
            elif first == article_id:
                self._unplaced.add(key)  # placed by ``ordered``, from its new first article

    def names(self) -> int:
        """Names counted in, over all articles (each article names a node once)."""
        return sum(len(node.articles) for node in self.nodes.values())

    def ordered(self, resolution: Callable[[str], ResolvedRow]) -> list[Node]:
        """The nodes in the order a fresh count meets them (``resolution``: an article's kept
        resolution, to place the nodes whose first article was counted out)."""
        for key in self._unplaced:
            self._saved.pop(key, None)
            node = self.nodes[key]
            names = resolution(node.articles[0])[0]
            node.position = next(at for at, (name, _uses) in enumerate(names) if name == key)
        self._unplaced.clear()
        return sorted(self.nodes.values(), key=lambda node: (node.articles[0], node.position))

    # -- saved with the corpus statistics (``resolutions``) ---------------------------------

    def state(self) -> tuple[Any, ...]:
        """Each node pickled on its own, as plain tuples of plain dicts (the node objects pickled
        at half the speed) with its article ids as one string (``_joined``).

        Why each on its own: an update touches a few hundred of 71,000 nodes at 100,000
        articles, and the others are saved again as the bytes they were loaded from. Pickling
        every node (0.4 s), and its 3.6 million article ids one by one before that (1.1 s),
        was most of the time an update took to save its state."""
        saved = self._saved
        pickled = []
        for key, node in self.nodes.items():
            blob = saved.get(key)
            if blob is None:
                blob = saved[key] = pickle.dumps(
                    (
                        key,
                        node.position,
                        _joined(node.articles),
                        node.acronyms,
                        node.short_forms,
                        node.blocks,
                        node.display,
                        node.is_acronym,
                        node.count,
                        node.pickled_counts(),
                    ),
                    protocol=pickle.HIGHEST_PROTOCOL,
                )
            pickled.append(blob)
        return NODES_VERSION, sorted(self._unplaced), pickled, BLOCKS_VERSION

    @classmethod
    def from_state(cls, state: Any) -> NodeSet | None:
        """The saved nodes, or None when saved in another form (they are counted afresh)."""
        if not (
            isinstance(state, tuple) and len(state) in (3, 4) and state[0] in (1, 2, 3, 4, 5, NODES_VERSION)
        ):
            return None
        version = state[0]
        # Blocking keys are kept only when made by the blocking of this version.
        blocks_current = len(state) == 4 and state[3] == BLOCKS_VERSION
        nodes = {}
        saved: dict[str, bytes] = {}
        try:
            for item in state[2]:
                node = _read_node(version, item, blocks_current)
                nodes[node.key] = node
                # A node saved in an earlier form, or with the blocking keys of another
                # blocking (made again by ``cluster``), is pickled again.
                if version == NODES_VERSION and blocks_current:
                    saved[node.key] = item
            kept = cls(nodes)
            kept._unplaced.update(state[1])
            kept._saved = saved
        except (
            TypeError,
            ValueError,
            KeyError,
            IndexError,
            AttributeError,
            pickle.UnpicklingError,
            EOFError,
        ):
            return None
        return kept


def _field(node: Node, name: str) -> Any:
    """A field of ``node`` as set, None when unset (never a count read from its pickle)."""
    try:
        return object.__getattribute__(node, name)
    except AttributeError:
        return None


def _read_node(version: int, item: Any, blocks_current: bool) -> Node:
    """One node as saved in the form of ``version`` (``NodeSet.state``); its blocking keys only
    when ``blocks_current`` (made by this version's blocking)."""
    if version == NODES_VERSION:
        key, position, articles, acronyms, short_forms, blocks, display, is_acronym, count, counts = (
            pickle.loads(item)
        )
        if type(counts) is not bytes:
            raise TypeError(f"{key}: counts saved as {type(counts).__name__}")
        node = Node.saved(
            key, position, _split(articles), acronyms, short_forms, (display, is_acronym, count), counts
        )
    else:
        finished = None
        if version == 5:
            *fields, blocks, display, is_acronym, count = pickle.loads(item)
            finished = (display, is_acronym, count)
        elif version == 4:
            *fields, blocks = pickle.loads(item)
        else:
            fields, blocks = (pickle.loads(item) if version == 3 else item), None
        key, position, spellings, sources, articles, *counts = fields
        node = Node.of_key(key, position, spellings, sources, _split(articles), *counts)
        if finished is not None:
            node.display, node.is_acronym, node.count = finished
    node.blocks = blocks if blocks_current else None
    return node


def _split(articles: str | list[str]) -> list[str]:
    """The article ids as ``_joined`` saved them."""
    return articles.split(_JOIN) if isinstance(articles, str) else articles


def _joined(ids: list[str]) -> str | list[str]:
    """The ids as one string, split again by ``from_state``; as they are when one holds the
    separator (an id is any string a corpus gives) or there are none."""
    if not ids:
        return ids
    joined = _JOIN.join(ids)
    return joined if joined.count(_JOIN) == len(ids) - 1 else ids


def _drop_zeros(node: Node, source: str) -> None:
    """Drop what counting an article out took to zero: a fresh count never made it."""
    for counts in (node.spellings, node.titles, node.roles, node.affiliations, node.cues, node.acronyms):
        for key in [key for key, count in counts.items() if not count]:
            del counts[key]
    by_source = node.sources[source]
    for key in [key for key, count in by_source.items() if not count]:
        del by_source[key]
    if not by_source:
        del node.sources[source]
    for short in [short for short, ids in node.short_forms.items() if not ids]:
        del node.short_forms[short]


def _sort_unique(ids: list[str]) -> None:
    """Sort a list of ids in place, each kept once (as ``_place`` keeps them)."""
    ids.sort()
    if any(map(str.__eq__, ids, ids[1:])):
        ids[:] = sorted(set(ids))


def _place(ids: list[str], article_id: str, sign: int) -> None:
    """Insert (``sign`` 1) or remove (-1) an id in a sorted list; an id already there stays once."""
    if sign > 0:
        if not ids or ids[-1] < article_id:
            ids.append(article_id)  # a fresh count adds articles in id order
        elif ids[bisect_left(ids, article_id)] != article_id:
            insort(ids, article_id)
    else:
        at = bisect_left(ids, article_id)
        if at < len(ids) and ids[at] == article_id:
            del ids[at]


__all__ = ["NODES_VERSION", "Node", "NodeSet"]
