"""The entity table: entities of a corpus, looked up by id, spelling or any part of a name.

Why a separate, small saved table: searching and browsing need the entities,
not the per-article extraction records. So the table keeps exactly that
(entities, and the name keys behind each entity for user corrections).

Where each article names them is not in the table: it is read back, one article
at a time, from the article's kept resolution (``ArticleNames``). Those spans
were 96 of the table's 113 MB at 100,000 articles, and every index update
sorted and wrote all of them again (about 6 s of a 32 s update), while only the
article pane reads them, for the one article it shows.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from rapidfuzz import fuzz

from .. import turns
from ..analysis import fold
from ..atomic import compact_json, write_text_atomic
from ..gcpause import no_gc
from .clustering import Clustering
from .kinds import decide_kind, describe_cues
from .model import Entity, EntityExpansion, MentionRef
from .names import core_tokens, name_key, name_tokens, token_position
from .patching import PatchedTable, SavedLines, SavedTableDamaged, merge_in
from .resolve import ResolvedRow, name_spans
from .rows import ArticleRow

FORMAT = "explorer-entities"
VERSION = 1
_WORDS = re.compile(r"[\s\-‐‑–—_/]+")


class EntityTableError(Exception):
    """The saved table cannot be read; rebuilding it from the corpus fixes it."""


class ArticleNames(Protocol):
    """Where the table's articles are read back from, one at a time (see the module doc)."""

    def resolution(self, article_id: str) -> tuple[ArticleRow, ResolvedRow] | None:
        """The article's mention record and the resolution the table was clustered from."""
        ...


# By name key, by name token, by the key of a spelling (see ``EntityTable._name_indexes``).
_NameIndexes = tuple[dict[str, list[int]], dict[str, set[int]], dict[str, list[int]]]


class EntityTable:
    """Entities, most mentioned first, with look-ups for search and for the interface.

    ``articles``: where each article's names are read from (None: nowhere, as for the
    expansion subset, which only search reads)."""

    def __init__(
        self,
        entities: Sequence[Entity],
        keys: Sequence[Sequence[str]],
        stats: dict[str, Any] | None = None,
        conflicts: Sequence[str] = (),
        articles: ArticleNames | None = None,
    ) -> None:
        self.entities = list(entities)
        self.keys = [list(k) for k in keys]  # name keys (corpus nodes) of each entity
        self.stats = dict(stats or {})
        self.conflicts = list(conflicts)
        self.articles = articles
        self._by_id = {entity.id: index for index, entity in enumerate(self.entities)}
        self._names: _NameIndexes | None = None
        self._entity_of: dict[str, int] | None = None

    @property
    def _by_key(self) -> dict[str, list[int]]:
        return self._name_indexes()[0]

    @property
    def _by_token(self) -> dict[str, set[int]]:
        return self._name_indexes()[1]

    def _name_indexes(self) -> _NameIndexes:
        """Entities by name key (of a spelling or a corpus node), by the key of a spelling
        only, and by name token, made on the first look-up: a table that is only built and
        saved (every index update) never needs them, and they took about as long to make as
        the table itself."""
        if self._names is None:
            by_key: dict[str, list[int]] = defaultdict(list)
            by_spelling: dict[str, list[int]] = defaultdict(list)
            by_token: dict[str, set[int]] = defaultdict(set)
            for index, entity in enumerate(self.entities):
                seen = set()
                for spelling in entity.spellings:
                    key = name_key(spelling)
                    if key and key not in seen:
                        seen.add(key)
                        by_key[key].append(index)
                        by_spelling[key].append(index)
                    for token in name_tokens(spelling):
                        by_token[token].add(index)
                for key in self.keys[index]:
                    if key not in seen:
                        seen.add(key)
                        by_key[key].append(index)
            self._names = by_key, by_token, by_spelling
        return self._names

    def __len__(self) -> int:
        return len(self.entities)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.entities)

    # -- look-ups ----------------------------------------------------------------

    def get(self, entity_id: str) -> Entity | None:
        index = self._by_id.get(entity_id)
        return None if index is None else self.entities[index]

    def filter(self, kind: str | None = None, min_articles: int = 1) -> list[Entity]:
        """Entities by number of articles (most first), optionally of one kind."""
        return [
            entity
            for entity in self.entities
            if entity.article_count >= min_articles and (kind is None or entity.kind == kind)
        ]

    def lookup(self, name: str) -> list[Entity]:
        """Entities that ``name`` can mean: an id, a whole spelling, else a part of spellings; best first."""
        entity = self.get(name.strip())
        if entity is not None:
            return [entity]
        key = name_key(name)
        if not key:
            return []
        whole = self._by_key.get(key)
        if whole:
            return [self.entities[i] for i in sorted(whole)]
        return [self.entities[i] for i in sorted(self._containing(name_tokens(name)))]

    def spelled(self, key: str) -> list[Entity]:
        """The entities with a spelling whose name key is ``key``, in the table's order.

        Why not ``lookup``: that also finds an entity by the keys of its corpus nodes, and
        by parts of spellings; the event engine's hook asks which entity is written exactly so.
        """
        return [self.entities[i] for i in self._name_indexes()[2].get(key, ())]

    def find(self, name: str) -> Entity | None:
        """The entity ``name`` most likely means (`Dashty` finds Fahim Dashti), or None."""
        found = self.lookup(name)
        return found[0] if found else None

    def key_of(self, name: str, spelling: bool = False) -> str | None:
        """The corpus name key a user's `merge`/`split` argument stands for.

        ``spelling``: keep the key of a short spelling (`Hameed`, `NRF`) as it
        is, so that a split can detach it from the full name it was attached to.
        """
        key = name_key(name)
        for index in self._by_key.get(key, ()):
            if key in self.keys[index] or spelling:
                return key
        entity = self.find(name)
        if entity is None:
            return key or None
        index = self._by_id[entity.id]
        tokens = name_tokens(name)
        holding = [k for k in self.keys[index] if token_position(tuple(k.split()), tokens) >= 0]
        if holding and entity.id != name.strip():
            return min(holding, key=lambda k: (len(k.split()), k))  # `Zara` -> `abdul wudod zara`
        return name_key(entity.name)

    def _containing(self, tokens: tuple[str, ...]) -> set[int]:
        if not tokens:
            return set()
        found: set[int] | None = None
        for token in tokens:
            holders = self._by_token.get(token, set())
            found = set(holders) if found is None else found & holders
            if not found:
                return set()
        return {
            i
            for i in found or ()
            if any(token_position(name_tokens(s), tokens) >= 0 for s in self.entities[i].spellings)
        }

    def expand(self, phrase: str) -> list[EntityExpansion]:
        """Other spellings to search along with ``phrase`` when it names (part of) an entity.

        `Zara` -> [entity Abdul Wadood Zhor: also Zhor]; `NRF` -> [entity
        National Resistance Front: also National Resistance Front]. Only
        entities that add a spelling are returned, most mentioned first.
        """
        query = name_tokens(phrase)
        if not query:
            return []
        out = []
        for index in sorted(self._containing(query)):
            entity = self.entities[index]
            matched, alternatives = _alternatives(entity, query)
            if alternatives:
                out.append(
                    EntityExpansion(phrase, entity.id, entity.name, entity.kind, matched, tuple(alternatives))
                )
        return out

    def article_mentions(self, article_id: str) -> list[MentionRef]:
        """Where entities are named in one article, in text order."""
        found = None if self.articles is None else self.articles.resolution(article_id)
        if found is None:
            return []
        entity_of = self._entity_of_key()
        # A key the table lacks: the stored records were saved by a later run than the
        # table this reader loaded; that name is left unmarked rather than guessed.
        spans = sorted(
            (start, end, entity_of[key]) for start, end, key in name_spans(*found) if key in entity_of
        )
        return [MentionRef(start, end, self.entities[index].id) for start, end, index in spans]

    def unresolved(self, article_id: str) -> list[tuple[int, int, str, tuple[str, ...]]]:
        """Short forms of the article that could stand for several of its full names (left
        unattached): (start, end, text, the name keys it could stand for)."""
        found = None if self.articles is None else self.articles.resolution(article_id)
        return [] if found is None else list(found[1][1])

    def _entity_of_key(self) -> dict[str, int]:
        """The entity of each name key (every key is a node of exactly one entity)."""
        if self._entity_of is None:
            self._entity_of = {key: index for index, keys in enumerate(self.keys) for key in keys}
        return self._entity_of

    # -- persistence ---------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "stats": self.stats,
            "conflicts": self.conflicts,
            "entities": [entity.as_dict() for entity in self.entities],
            "keys": self.keys,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], articles: ArticleNames | None = None) -> EntityTable:
        """The table of ``to_json``. Tables saved before the spans moved out also hold
        ``mentions`` and ``unresolved``: ignored (the index's next run writes the table again)."""
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
            raise EntityTableError("not an entity table of this version")
        try:
            entities = [Entity.from_dict(item) for item in data["entities"]]
            return cls(entities, data["keys"], data.get("stats"), data.get("conflicts", ()), articles)
        except (KeyError, TypeError, ValueError) as error:
            raise EntityTableError(f"entity table is damaged ({error})") from None

    def save(self, path: Path) -> list[int]:
        """Write the table atomically (temporary file, fsync, rename), as ``to_json`` would;
        returns its ``patching.file_sum``.

        Written piece by piece (``_json_pieces``): building the whole dict, then its text,
        then its bytes held three copies of the table at once, the largest step of a
        corpus' entity derivation after clustering.
        """
        with no_gc():
            return write_text_atomic(Path(path), self._json_pieces())

    def _json_pieces(self) -> Iterator[str]:
        """The JSON of ``self.to_json()`` (compact, not ASCII-escaped), in pieces, one entity a line.

        Each piece is the same ``json.dumps`` of one part, joined by the same punctuation;
        the newlines (JSON whitespace) let ``_read`` parse the entities a slice at a time.
        """
        dump = compact_json
        yield f'{{"format":{dump(FORMAT)},"version":{dump(VERSION)},"stats":{dump(self.stats)}'
        yield f',"conflicts":{dump(self.conflicts)},"entities":['
        for number, entity in enumerate(self.entities):
            yield ("\n," if number else "\n") + dump(entity.as_dict())
        yield f'\n],"keys":{dump(self.keys)}}}'

    @classmethod
    def load(cls, path: Path, articles: ArticleNames | None = None) -> EntityTable:
        # ``lasting``: the table is kept until the file changes, and a collection walking its
        # records right after the load held the GIL for 0.1 s at 100,000 articles.
        with no_gc(lasting=True):
            try:
                data = _read(Path(path))
            except FileNotFoundError:
                raise
            except (OSError, ValueError, EOFError) as error:
                raise EntityTableError(f"entity table {path} cannot be read ({error})") from None
            return cls.from_json(data, articles)

    def expansion_table(self) -> EntityTable:
        """Only the entities with more than one spelling, and of each only its names (id, name,
        kind, spellings, keys): all that search expansion reads.

        Saved beside the full table so that a search loads a few hundred KB instead of the
        whole table (14 MB on Reuters-21578). With their article lists and sources, the
        entities with several spellings (the most mentioned) were 42 of the table's 58 MB at
        100,000 articles, written again by every update.
        """
        keep = [i for i, entity in enumerate(self.entities) if len(entity.spellings) > 1]
        names = [expansion_of(self.entities[i]) for i in keep]
        return EntityTable(names, [self.keys[i] for i in keep], self.stats)

    @classmethod
    def empty(cls) -> EntityTable:
        return cls([], [])


def expansion_of(entity: Entity) -> Entity:
    """The entity as the expansion subset keeps it: its names only."""
    return replace(entity, sources={}, articles=(), evidence=(), roles={}, kind_cues="")


def _words(spelling: str) -> list[str]:
    return [word for word in _WORDS.split(spelling) if fold(word).strip("'’.")]


SINGLE_WORD_SIMILARITY = 60  # rapidfuzz ratio; Dashty/Dashti 83, Volcker/Paul 18


def _alternatives(entity: Entity, query: tuple[str, ...]) -> tuple[str, list[str]]:
    """The matched part of the entity's spellings and the same part in its other spellings."""
    query_key = " ".join(query)
    matched = ""
    found: dict[str, None] = {}
    positions: list[tuple[int, int]] = []  # (token count, position) where the query sits
    whole = False
    for spelling in entity.spellings:
        tokens = name_tokens(spelling)
        at = token_position(tokens, query)
        if at >= 0:
            positions.append((len(tokens), at))
            if not matched:
                words = _words(spelling)
                matched = " ".join(words[at : at + len(query)]) if len(words) == len(tokens) else spelling
            whole = whole or len(tokens) == len(query)
    for spelling in entity.spellings:
        tokens = name_tokens(spelling)
        if token_position(tokens, query) >= 0:
            continue
        words = _words(spelling)
        aligned = len(words) == len(tokens)
        for count, at in positions:
            if count == len(tokens) and aligned:
                part = " ".join(words[at : at + len(query)])
                if name_key(part) == query_key:
                    continue
                # One-word spellings line up with anything of one word (`Volcker` and a bare
                # `Paul`); only a longer name's alignment says which words correspond, so a
                # lone word must also look like the query to count as its spelling.
                if count == 1 and fuzz.ratio(name_key(part), query_key) < SINGLE_WORD_SIMILARITY:
                    continue
                found.setdefault(part)
        if whole and not any(count == len(tokens) for count, _ in positions):
            found.setdefault(spelling)  # the query is a whole name: `NRF` -> `National Resistance Front`
    return matched, list(found)


def build_table(
    result: Clustering,
    stats: dict[str, Any] | None = None,
    articles: ArticleNames | None = None,
    saved: SavedLines | None = None,
) -> EntityTable | PatchedTable:
    """Entities from a clustering: canonical names, kinds, spellings, sources, articles, evidence.

    An incremental clustering (``result.fresh``) with the table its kept entities are in
    (``saved``) gives a ``PatchedTable``: only the entities clustered now are made."""
    fresh = result.fresh
    kept: list[int] = []
    if fresh is not None and saved is not None:
        position = saved.position
        for number, members in enumerate(result.clusters):
            if not fresh[number]:
                line = position.get(min(result.nodes[i].key for i in members))
                if line is None:  # not in the saved table after all: the pipeline clusters anew
                    raise SavedTableDamaged("a kept entity is not in the saved table")
                kept.append(line)
    if fresh is not None and saved is None:
        raise ValueError("an incremental clustering's table is the saved one patched: give it")
    drafts = [
        _draft(result, number, members)
        for number, members in enumerate(result.clusters)
        if fresh is None or fresh[number]
    ]
    drafts.sort(key=_draft_key)
    if fresh is not None and saved is not None:
        kept.sort()
        order = merge_in(saved, kept, [(_draft_key(draft), draft) for draft in drafts])
        taken = {saved.id(number) for number in kept}
        items: list[int | Entity] = []
        keys: list[list[str]] = []
        for item in order:
            if isinstance(item, int):
                items.append(item)
                keys.append(saved.keys[item])
            else:
                items.append(_entity(item, taken))
                keys.append(item[8])
        return PatchedTable(saved, items, keys, dict(stats or {}), result.conflicts)
    taken = set()
    return EntityTable(
        [_entity(draft, taken) for draft in drafts],
        [draft[8] for draft in drafts],
        stats,
        result.conflicts,
        articles,
    )


Draft = tuple[Any, ...]  # (name, kind, spellings, sources, article ids, evidence, roles, cue text, keys)


def _draft(result: Clustering, number: int, members: list[int]) -> Draft:
    """One entity's fields from its cluster's names, without its id (given in table order)."""
    nodes = [result.nodes[i] for i in members]
    # Most clusters are one name: its own counts are read as they are (never changed here).
    spellings = _summed([node.spellings for node in nodes])
    by_source: dict[str, list[dict[str, int]]] = defaultdict(list)
    for node in nodes:
        for source, names in node.sources.items():
            by_source[source].append(names)
    sources = {source: _summed(parts) for source, parts in by_source.items()}
    cues = _summed([node.cues for node in nodes])
    roles = _summed([node.titles for node in nodes] + [node.roles for node in nodes])
    # A lone name holds each of its articles once, sorted, already (``nodes``).
    article_ids = nodes[0].articles if len(nodes) == 1 else sorted(set().union(*(n.articles for n in nodes)))
    name = _canonical(spellings)
    # The final (ordered) dicts now, not the counters: the drafts of every cluster
    # are alive at once, and their counters were a quarter of the table's memory.
    return (
        name,
        decide_kind(cues),
        _ordered(spellings),
        {source: _ordered(names) for source, names in sorted(sources.items())},
        tuple(article_ids),
        result.evidence[number],
        _ordered(roles),
        describe_cues(cues),
        sorted(node.key for node in nodes),
    )


def _draft_key(draft: Draft) -> tuple[int, str, str]:
    """The table's order: most articles first, then by name and first name key."""
    return -len(draft[4]), fold(draft[0]), draft[8][0]


def _entity(draft: Draft, taken: set[str]) -> Entity:
    name, kind, spellings, sources, ids, evidence, roles, cue_text, _keys = draft
    return Entity(
        id=_unique_id(name, kind, taken),
        name=name,
        kind=kind,
        spellings=spellings,
        sources=sources,
        articles=ids,
        evidence=tuple(evidence),
        roles=roles,
        kind_cues=cue_text,
    )


def _summed(parts: list[dict[str, int]]) -> dict[str, int]:
    """The counts of several names added up; one name's own counts as they are (read only).
    ``Counter.update`` cost 2 s of building a table of 71,000 names in its Python-level checks."""
    if len(parts) == 1:
        return parts[0]
    total = dict(parts[0])
    for part in parts[1:]:
        for key, count in part.items():
            total[key] = total.get(key, 0) + count
    return total


def _ordered(counts: dict[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _canonical(spellings: dict[str, int]) -> str:
    """The most used full form: several words beat one, a written-out name beats an acronym."""

    def acronym(spelling: str) -> bool:
        bare = spelling.replace(".", "")
        return len(bare.split()) == 1 and bare.isupper()

    keys = {s: core_tokens(name_tokens(s)) for s in spellings}
    written = [s for s in spellings if not acronym(s)] or list(spellings)
    full = [s for s in written if not any(_is_part(keys[s], keys[t]) for t in written if t != s)]
    pool = full or written
    return min(pool, key=lambda s: (-spellings[s], -len(keys[s]), len(s), s))


def _is_part(part: tuple[str, ...], whole: tuple[str, ...]) -> bool:
    """`Hameed` is part of `Faiz Hameed`: a one-word short form, not a full name."""
    return len(part) == 1 < len(whole) and token_position(whole, part) >= 0


def _unique_id(name: str, kind: str, taken: set[str]) -> str:
    """A readable id from the canonical name (`fahim-dashti`); kind, then a number, on a clash."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-") or "entity"
    candidate = slug
    if candidate in taken:
        candidate = f"{slug}-{kind}"
    number = 2
    while candidate in taken:
        candidate = f"{slug}-{number}"
        number += 1
    taken.add(candidate)
    return candidate


def _read(path: Path) -> Any:
    """The JSON of a saved table, its entity lines parsed about ``turns.BYTES`` at a time.

    Why: ``json.loads`` of the whole file is one call in C that holds the GIL
    (0.5 s at 100,000 articles, when the TUI's first article preview loads
    the table in a worker: the screen stood still meanwhile). A file of one
    line (saved before entities had lines of their own) is read whole.
    """
    raw = path.read_bytes().rstrip()  # JSON may end in whitespace
    lines = raw.split(b"\n")
    if len(lines) < 3:
        return json.loads(raw)
    data, tail = json.loads(lines[0] + b"]}"), json.loads(b'{"entities":[' + lines[-1])
    if not isinstance(data, dict) or not isinstance(tail, dict):
        raise ValueError("not a JSON object")
    data.update(tail)
    entities: list[Any] = []
    for run in turns.by_size(lines[1:-1]):
        entities.extend(json.loads(b"[" + b"".join(run).lstrip(b",") + b"]"))
    data["entities"] = entities
    return data
