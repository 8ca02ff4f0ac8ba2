"""Spelling variants of query words, found among the words the corpus really uses.

Reporters write `Dashty` and `Dashti`, `Masoud` and `Massoud`. A query word
is compared (with rapidfuzz, in C) against the index vocabulary, but only
against the few buckets of words that could be close: same first letter,
length within the allowed number of edits. The whole lexicon is never walked
in Python per keystroke.

Which words get variants: names (words the corpus writes capitalised inside
sentences) and words the corpus does not contain at all (likely
misspellings). Ordinary words such as `month` are not widened to `mouth`;
stemming already covers their inflections.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from .analysis import stem

MIN_LENGTH = 5  # shorter words must match exactly: Kabul is not Kaul
NAME_SHARE = 0.5  # a word is a name when at least this share of its articles capitalise it
MAX_VARIANTS = 8


def allowed_edits(length: int) -> int:
    """Edits (insert, delete, substitute, transpose) allowed for a word of this length."""
    if length < MIN_LENGTH:
        return 0
    if length <= 8:
        return 1
    return 2


@dataclass(frozen=True, slots=True)
class WordStats:
    articles: int  # articles containing the word
    capitalised: int  # articles writing it with a capital inside a sentence

    @property
    def is_name(self) -> bool:
        return self.capitalised > 0 and self.capitalised >= NAME_SHARE * self.articles


class Vocabulary:
    """The corpus' words, bucketed by first letter and length for fast fuzzy look-up."""

    def __init__(self, stats: dict[str, WordStats]) -> None:
        self.stats = stats
        buckets: dict[tuple[str, int], list[str]] = defaultdict(list)
        for word, word_stats in stats.items():
            if len(word) >= MIN_LENGTH and word.isalpha() and word_stats.is_name:
                buckets[(word[0], len(word))].append(word)
        self._buckets = dict(buckets)

    def __len__(self) -> int:
        return len(self.stats)

    @classmethod
    def from_reader(cls, reader: Any) -> Vocabulary:
        """Read word and name counts from a Whoosh reader (about 1 s per 70,000 words)."""
        capitalised = {term: info.doc_frequency() for term, info in reader.iter_field("names")}
        return cls(
            {
                term.decode("utf-8"): WordStats(info.doc_frequency(), capitalised.get(term, 0))
                for term, info in reader.iter_field("exact")
            }
        )

    def save(self, path: Path, generation: int) -> None:
        """Cache for the index generation it describes, so start-up does not re-read the lexicon."""
        from .index import write_json_atomic  # index imports this module

        words = [[w, s.articles, s.capitalised] for w, s in self.stats.items()]
        write_json_atomic(path, {"generation": generation, "words": words})

    @classmethod
    def load(cls, path: Path, generation: int) -> Vocabulary | None:
        """The cached vocabulary, or None when missing, unreadable or for another generation."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("generation") != generation:
                return None
            return cls({w: WordStats(a, c) for w, a, c in data["words"]})
        except (OSError, ValueError, TypeError, KeyError):
            return None

    def may_be_name(self, word: str, typed: str = "") -> bool:
        """Whether ``word`` (folded) can be a name, and so worth looking up among the entities.

        True for words the corpus capitalises inside sentences, words it does not
        contain (a misspelled name), and words typed in capitals (`NRF`: acronyms
        are all capitals everywhere, so the corpus' casing says nothing about them).
        Why: common words inside entity names (`oil` in Saskatchewan Oil) must not
        widen a search to that entity's other spellings.
        """
        known = self.stats.get(word)
        if known is None or known.is_name:
            return True
        return len(typed) > 1 and typed.isupper()

    def variants(self, word: str) -> tuple[str, ...]:
        """Other spellings of ``word`` (already folded) in the corpus, closest and commonest first."""
        edits = allowed_edits(len(word))
        if not edits or not word.isalpha():
            return ()
        known = self.stats.get(word)
        if known is not None and not known.is_name:
            return ()
        candidates: list[str] = []
        for length in range(len(word) - edits, len(word) + edits + 1):
            candidates.extend(self._buckets.get((word[0], length), ()))
        if not candidates:
            return ()
        matches = process.extract(word, candidates, scorer=OSA.distance, score_cutoff=edits, limit=None)
        own_stem = stem(word)
        found = [
            (distance, -self.stats[candidate].articles, candidate)
            for candidate, distance, _ in matches
            if candidate != word and not _is_inflection(word, candidate, own_stem)
        ]
        found.sort()
        return tuple(candidate for _, _, candidate in found[:MAX_VARIANTS])


def _is_inflection(word: str, candidate: str, word_stem: str) -> bool:
    """`minister`/`ministers`: the same word inflected, which stemming already matches."""
    prefix = word.startswith(candidate) or candidate.startswith(word)
    return prefix and stem(candidate) == word_stem
