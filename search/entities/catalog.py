"""What the stored mentions say of every article without reading its shard.

Why: an index update read every shard of the stored mentions (3.4 s at 100,000
articles, and 0.8 s more to free them) although it resolves again only the few
articles a change can affect. Besides those, a derivation needs of every article
only its date (clustering compares the dates of articles naming two names) and a
few counts; and to find the articles to resolve again when a word's reading
changed, which shards hold a mention with that word. So the store keeps those
with its state, and reads a shard only when an article in it is changed, is
resolved again, or must be read for another reason (``store.MentionStore``).

Kept per shard (a save rewrites the entries of the shards it writes): each
article's date and the digest of what its record was extracted from (an article
read again unchanged is left as stored), the mentions, and the names of the kept
resolutions (to check that the saved name nodes count what the shards hold); and
for the whole store, each name token (``names.name_tokens``) with the shards whose
mentions hold it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from .names import name_tokens
from .resolve import ResolvedRow
from .rows import ARTICLE_DATE, ARTICLE_ID, ARTICLE_MENTIONS, TEXT, ArticleRow
from .shards import shard_of

CATALOG_VERSION = 2  # 2: each article's digest

Digests = Mapping[str, "bytes | None"]  # article id -> digest of what it was extracted from (None: unknown)

_TEXT = itemgetter(TEXT)


@dataclass(slots=True)
class ShardEntry:
    """One shard's articles by id (with their dates) and its counts."""

    dates: dict[str, str | None] = field(default_factory=dict)
    mentions: int = 0
    names: int = 0  # names of the kept resolutions of its articles
    digests: dict[str, bytes] = field(default_factory=dict)  # of the articles whose digest is known

    def plain(self) -> tuple[Any, ...]:
        return self.dates, self.mentions, self.names, self.digests


@dataclass(slots=True)
class Catalog:
    """Every article's shard entry, and which shards mention each name token."""

    shards: dict[int, ShardEntry] = field(default_factory=dict)
    tokens: dict[str, int] = field(default_factory=dict)  # name token -> bit mask of shards

    @classmethod
    def of(cls, rows: Iterable[ArticleRow], kept: Mapping[str, ResolvedRow], digests: Digests) -> Catalog:
        """The catalog of a whole store."""
        grouped: dict[int, list[ArticleRow]] = {}
        for row in rows:
            grouped.setdefault(shard_of(row[ARTICLE_ID]), []).append(row)
        catalog = cls()
        catalog.update(grouped, kept, digests)
        return catalog

    def update(
        self,
        grouped: Mapping[int, list[ArticleRow]],
        kept: Mapping[str, ResolvedRow],
        digests: Digests,
        same_records: Iterable[int] = (),
    ) -> None:
        """Describe the given shards afresh from all their rows (an empty list: the shard is empty
        now). ``digests``: those of the articles put since; the others' are kept.
        ``same_records``: shards whose records did not change (only their articles'
        resolutions): the name tokens they hold are as described (the tokens of every mention
        of ~30 shards took an update at 100,000 articles 0.3 s)."""
        unchanged = set(same_records)
        cleared = 0
        known: dict[str, bytes | None] = {}
        for shard in grouped:
            if shard not in unchanged:
                cleared |= 1 << shard
            old = self.shards.pop(shard, None)
            if old is not None:
                known.update(old.digests)
        known.update(digests)
        if self.tokens:
            kept_bits = ~cleared
            for token, mask in list(self.tokens.items()):
                if mask & cleared:
                    mask &= kept_bits
                    if mask:
                        self.tokens[token] = mask
                    else:
                        del self.tokens[token]
        for shard, rows in grouped.items():
            if rows:
                self.add(shard, rows, kept, known, tokens=shard not in unchanged)

    def add(
        self,
        shard: int,
        rows: list[ArticleRow],
        kept: Mapping[str, ResolvedRow],
        digests: Digests,
        tokens: bool = True,
    ) -> None:
        """Describe a shard not described yet, from all its rows (``tokens``: and the name
        tokens they hold; False when those are described already)."""
        entry = self.shards[shard] = ShardEntry()
        texts: set[str] = set()
        for row in rows:
            article_id = row[ARTICLE_ID]
            entry.dates[article_id] = row[ARTICLE_DATE]
            digest = digests.get(article_id)
            if digest is not None:
                entry.digests[article_id] = digest
            mentions = row[ARTICLE_MENTIONS]
            entry.mentions += len(mentions)
            if tokens:
                texts.update(map(_TEXT, mentions))
            resolved = kept.get(article_id)
            if resolved is not None:
                entry.names += len(resolved[0])
        if not tokens:
            return
        holders, bit = self.tokens, 1 << shard
        for token in set().union(*map(name_tokens, texts)):
            holders[token] = holders.get(token, 0) | bit

    def articles(self) -> int:
        return sum(len(entry.dates) for entry in self.shards.values())

    def names(self) -> int:
        return sum(entry.names for entry in self.shards.values())

    def holds(self, article_id: str) -> bool:
        entry = self.shards.get(shard_of(article_id))
        return entry is not None and article_id in entry.dates

    def digest(self, article_id: str) -> bytes | None:
        """The digest of what the article's stored record was extracted from, when known."""
        entry = self.shards.get(shard_of(article_id))
        return None if entry is None else entry.digests.get(article_id)

    def shards_mentioning(self, words: Iterable[str], keys: Iterable[tuple[str, ...]]) -> set[int]:
        """The shards that may hold a mention with one of ``words``, or with every token of
        one of ``keys`` (a superset: a key's tokens may be in different mentions there)."""
        tokens = self.tokens
        mask = 0
        for word in words:
            mask |= tokens.get(word, 0)
        for key in keys:
            found = -1
            for token in key:
                found &= tokens.get(token, 0)
            if key:
                mask |= found
        return {shard for shard in self.shards if mask >> shard & 1}

    # -- saved with the store's state ----------------------------------------------------------

    def state(self) -> tuple[Any, ...]:
        return CATALOG_VERSION, {shard: entry.plain() for shard, entry in self.shards.items()}, self.tokens

    @classmethod
    def from_state(cls, state: Any) -> Catalog | None:
        """The saved catalog, or None when missing or of another form (the store then reads
        every shard, and saves a catalog made from them)."""
        if not (isinstance(state, tuple) and len(state) == 3 and state[0] == CATALOG_VERSION):
            return None
        _version, shards, tokens = state
        if not isinstance(shards, dict) or not isinstance(tokens, dict):
            return None
        try:
            entries = {int(shard): ShardEntry(*plain) for shard, plain in shards.items()}
        except (TypeError, ValueError):
            return None
        if not all(
            isinstance(entry.dates, dict) and isinstance(entry.digests, dict) for entry in entries.values()
        ):
            return None
        return cls(entries, tokens)


__all__ = ["CATALOG_VERSION", "Catalog", "ShardEntry"]
