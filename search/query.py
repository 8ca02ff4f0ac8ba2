"""From what a person types to a Whoosh query, with spelling variants added.

The Whoosh query language is kept (words, AND/OR/NOT, "phrases", field:
terms, date ranges). The parser reads plain words in the unstemmed ``exact``
field; each such word is then rewritten:
- normally, to its stem in ``body`` and ``title`` (so `killed` finds `kill`)
  or any of its corpus spelling variants in ``exact`` (so `Dashty` finds
  `Dashti`), variants weighted a little lower;
- with ``exact``, to the word as written (folded for case and accents only).

Why the rewritten query is kept small: every clause is one more posting
list Whoosh walks in Python, so a word without variants is searched in
``body`` and ``title`` only (its ``exact`` form adds no document the stem
does not find), and only words that can be names are looked up among the
entities (`oil` is not widened to the acronym of `Saskatchewan Oil`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from whoosh import query as wq
from whoosh.qparser import GtLtPlugin, PlusMinusPlugin, QueryParser
from whoosh.reading import IndexReader

from .analysis import fold, iter_words, stem
from .dates import parse_date, to_datetime
from .models import Expansion, MatchTerms
from .variants import Vocabulary

if TYPE_CHECKING:
    from .entities import EntityExpansion

VARIANT_BOOST = 0.7
MAX_PHRASE_COMBINATIONS = 16


class QueryError(Exception):
    """A query we cannot read, explained in one line."""


class EntityExpander(Protocol):
    """What query rewriting needs of the entities: other spellings of a name (an EntityTable has it)."""

    def expand(self, phrase: str) -> list[EntityExpansion]: ...


@dataclass(frozen=True, slots=True)
class PreparedQuery:
    query: wq.Query
    expansions: tuple[Expansion, ...]
    terms: MatchTerms


def make_parser(schema) -> QueryParser:  # type: ignore[no-untyped-def]
    parser = QueryParser("exact", schema)
    parser.add_plugin(GtLtPlugin())
    parser.add_plugin(PlusMinusPlugin())
    return parser


def prepare(
    text: str,
    parser: QueryParser,
    vocabulary: Vocabulary | None,
    reader: IndexReader,
    *,
    exact: bool = False,
    entities: EntityExpander | None = None,
) -> PreparedQuery:
    """Parse ``text`` and widen its words; ``entities`` is asked only about words that can be names."""
    try:
        parsed = parser.parse(text)
    except Exception as error:  # Whoosh raises bare ValueErrors and friends
        hint = "; write dates as YYYY-MM-DD" if "date" in text.lower() else ""
        raise QueryError(f"cannot read query {text!r} ({error}){hint}") from None
    rewriter = _Rewriter(
        vocabulary if not exact else None, reader, exact, _typed_forms(text), None if exact else entities
    )
    rewritten = rewriter.rewrite(parsed)
    return PreparedQuery(
        rewritten,
        tuple(rewriter.expansions.values()),
        MatchTerms(frozenset(rewriter.words), frozenset(rewriter.stems)),
    )


class _Rewriter:
    def __init__(
        self,
        vocabulary: Vocabulary | None,
        reader: IndexReader,
        exact: bool,
        typed: dict[str, str],
        entities: EntityExpander | None,
    ) -> None:
        self.vocabulary = vocabulary
        self.entities = entities
        self.typed = typed
        self.reader = reader
        self.exact = exact
        self.expansions: dict[str, Expansion] = {}
        self.words: set[str] = set()
        self.stems: set[str] = set()

    def rewrite(self, node: wq.Query, negated: bool = False) -> wq.Query:
        if isinstance(node, wq.Not):
            return wq.Not(self.rewrite(node.query, negated=True))
        if isinstance(node, wq.Term) and node.fieldname == "exact":
            return self._term(node.text, node.boost, negated)
        if isinstance(node, wq.Phrase) and node.fieldname == "exact":
            return self._phrase(node, negated)
        if isinstance(node, wq.Term) and node.fieldname in ("body", "title"):
            if not negated:
                self.stems.add(node.text)
            return node
        if isinstance(node, wq.AndNot):
            return wq.AndNot(self.rewrite(node.a, negated), self.rewrite(node.b, not negated))
        if isinstance(node, (wq.Prefix, wq.Wildcard)) and not negated:
            for fieldname, term in node.existing_terms(self.reader, expand=True):
                if fieldname == "exact":
                    self.words.add(term.decode("utf-8") if isinstance(term, bytes) else term)
            return node
        # Every other node with children (And, Or, AndMaybe, Require, wrappers) is rebuilt around
        # its rewritten children; leaves (ranges, other fields) come back unchanged.
        return node.apply(lambda child: self.rewrite(child, negated))

    def _variants(self, word: str) -> tuple[str, ...]:
        if self.vocabulary is None:
            return ()
        variants = self.vocabulary.variants(word)
        if variants and word not in self.expansions:
            shown = tuple(v.capitalize() for v in variants)  # only names get variants
            self.expansions[word] = Expansion(self.typed.get(word, word), shown)
        return variants

    def _term(self, word: str, boost: float, negated: bool) -> wq.Query:
        if self.exact:
            if not negated:
                self.words.add(word)
            return wq.Term("exact", word, boost=boost)
        variants = () if negated else self._variants(word)
        word_stem = stem(word)
        if not negated:
            self.words.add(word)
            self.words.update(variants)
            self.stems.add(word_stem)
        options: list[wq.Query] = [
            wq.Term("body", word_stem, boost=boost),
            wq.Term("title", word_stem, boost=boost),
        ]
        if variants:
            # The spelling typed is also scored in ``exact`` so that it ranks above its variants;
            # without variants that clause finds nothing the stem does not, and costs a posting list.
            options.append(wq.Term("exact", word, boost=boost))
            options += [wq.Term("exact", v, boost=boost * VARIANT_BOOST) for v in variants]
        if not negated and self._may_name(word):
            covered = (word, *variants)
            options += self._entity_options(
                self.typed.get(word, word), covered, boost, {(spelling,) for spelling in covered}
            )
        return wq.Or(options)

    def _may_name(self, word: str) -> bool:
        """Whether ``word`` can be (part of) a name, so that asking the entities makes sense."""
        if self.entities is None:
            return False
        if self.vocabulary is None:
            return True
        return self.vocabulary.may_be_name(word, self.typed.get(word, word))

    def _entity_options(
        self,
        phrase: str,
        covered: tuple[str, ...],
        boost: float,
        searched: set[tuple[str, ...]] | None = None,
    ) -> list[wq.Query]:
        """Other spellings of the entity ``phrase`` names (`Zara` -> `Zhor`), as query options.

        Single-word spellings the word variants already cover are not repeated, and a
        spelling already searched (``searched``: word sequences, a variant combination
        or another entity's spelling) adds no second clause: several entities often
        share one (`Federal Reserve`, `Federal Reserve Board` both bring `Feedral
        Reserve`), and each duplicate clause is one more walk through its postings.
        """
        if self.entities is None:
            return []
        searched = set() if searched is None else searched
        options: list[wq.Query] = []
        for expansion in self.entities.expand(phrase):
            added: list[str] = []
            for alternative in expansion.alternatives:
                words = [fold(w) for w, _, _ in iter_words(alternative)]
                if not words or (len(words) == 1 and words[0] in covered):
                    continue
                self.words.update(words)
                added.append(alternative)
                if tuple(words) in searched:
                    continue
                searched.add(tuple(words))
                if len(words) == 1:
                    options.append(wq.Term("exact", words[0], boost=boost * VARIANT_BOOST))
                else:
                    options.append(wq.Phrase("exact", words, boost=boost * VARIANT_BOOST))
            if added:
                self._report_entity(phrase, expansion, added)
        return options

    def _report_entity(self, phrase: str, expansion: EntityExpansion, added: list[str]) -> None:
        """Report the spellings added for an entity, once per entity.

        `Wudod Zara` asks the entity table once per word and both words name one
        general: the second word's spellings (`Zhor`) join the report of the first
        (`Wadood`) instead of being dropped, so the report lists every spelling searched.
        """
        key = f"entity:{expansion.entity_id}"
        known = self.expansions.get(key)
        if known is None:
            self.expansions[key] = Expansion(phrase, tuple(added), "entity", expansion.name)
            return
        variants = tuple(dict.fromkeys((*known.variants, *added)))
        words = known.word if phrase in known.word.split() else f"{known.word} {phrase}"
        self.expansions[key] = Expansion(words, variants, "entity", expansion.name)

    def _phrase(self, node: wq.Phrase, negated: bool) -> wq.Query:
        words = list(node.words)
        if self.exact:
            if not negated:
                self.words.update(words)
            return node
        per_word = [(w, *(() if negated else self._variants(w))) for w in words]
        if not negated:
            for spellings in per_word:
                self.words.update(spellings)
            self.stems.update(stem(w) for w in words)
        stems = [stem(w) for w in words]
        # The stems in ``body`` and ``title`` find every article the phrase as typed finds in
        # ``exact``, so only the combinations holding at least one variant are added there.
        options: list[wq.Query] = [
            wq.Phrase("body", stems, slop=node.slop, boost=node.boost),
            wq.Phrase("title", stems, slop=node.slop, boost=node.boost),
        ]
        searched = {tuple(words)}
        for combination in itertools.product(*per_word):
            if len(searched) > MAX_PHRASE_COMBINATIONS:
                break
            if combination in searched:
                continue
            searched.add(combination)
            options.append(
                wq.Phrase("exact", list(combination), slop=node.slop, boost=node.boost * VARIANT_BOOST)
            )
        if not negated and all(self._may_name(w) for w in words):
            typed = " ".join(self.typed.get(w, w) for w in words)
            options += self._entity_options(typed, (), node.boost, searched)
        return wq.Or(options)


def _typed_forms(text: str) -> dict[str, str]:
    """Folded word -> the word as the user typed it, to echo their spelling back."""
    return {fold(word): word for word, _, _ in iter_words(text)}


def filter_bounds(since: str | None, until: str | None) -> tuple[datetime | None, datetime | None]:
    """--since and --until as the first and last moments allowed (None: unbounded).

    A range that ends before it starts is refused: it could only ever find nothing.
    """
    start, end = _bound(since, "--since"), _bound(until, "--until", end_of_day=True)
    if start is not None and end is not None and start > end:
        raise QueryError(f"since {start:%Y-%m-%d} is after until {end:%Y-%m-%d}: no article could match")
    return start, end


def _bound(value: str | None, option: str, end_of_day: bool = False) -> datetime | None:
    if not value:
        return None
    parsed = parse_date(value)
    if parsed is None:
        raise QueryError(f"{option} {value!r} is not a date; use YYYY-MM-DD")
    moment = to_datetime(parsed)
    if end_of_day and len(parsed) == 10:
        moment = moment.replace(hour=23, minute=59, second=59, microsecond=999999)
    return moment
