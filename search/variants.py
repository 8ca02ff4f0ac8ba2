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

import contextlib
import json
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from .analysis import stem
from .atomic import write_json_atomic

MIN_LENGTH = 5  # shorter words must match exactly: Kabul is not Kaul
NAME_SHARE = 0.5  # a word is a name when at least this share of its articles capitalise it
MAX_VARIANTS = 8
CACHE_FORMAT = 3  # 3: words sorted (2 was in lexicon order, which could differ)


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


class _Stats(Mapping[str, WordStats]):
    """word -> WordStats, made on demand from parallel lists, the words in sorted order.

    Why: making 66,000 WordStats objects at load costs a third of a second, and even
    a dict of 200,000 words (a million headlines) costs 0.15 s, while a search looks up
    a handful of words: a binary search over the sorted list answers those.
    """

    def __init__(self, words: list[str], articles: list[int], capitalised: list[int]) -> None:
        self._words = words
        self._articles = articles
        self._capitalised = capitalised

    def _at(self, word: object) -> int:
        at = bisect_left(self._words, word)  # type: ignore[arg-type]
        if at < len(self._words) and self._words[at] == word:
            return at
        return -1

    def __getitem__(self, word: str) -> WordStats:
        at = self._at(word)
        if at < 0:
            raise KeyError(word)
        return WordStats(self._articles[at], self._capitalised[at])

    def __contains__(self, word: object) -> bool:
        return self._at(word) >= 0

    def __iter__(self) -> Iterator[str]:
        return iter(self._words)

    def __len__(self) -> int:
        return len(self._words)


class Vocabulary:
    """The corpus' words, bucketed by first letter and length for fast fuzzy look-up."""

    def __init__(
        self, stats: Mapping[str, WordStats], names: Iterable[str] | None = None, segments: Iterable[str] = ()
    ) -> None:
        """``names``: the words that may get variants, when already known (a loaded cache);
        ``segments``: the ids of the index segments whose counts were summed, when known (saved
        with the cache, for the next index run to add and take away only what changed)."""
        self.stats = stats
        self.segments = tuple(segments)
        if names is None:
            names = (word for word, word_stats in stats.items() if _candidate(word, word_stats))
        buckets: dict[tuple[str, int], list[str]] = defaultdict(list)
        for word in names:
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
        """Cache for the index generation it describes, so start-up does not re-read the lexicon.

        Words are one newline-separated string and the counts plain lists, with the
        words that may get variants listed apart: that loads in a few tens of
        milliseconds (`explorer search` reads it on every run).
        """
        words = sorted(self.stats)
        stats = [self.stats[w] for w in words]
        SavedCounts(
            words,
            [s.articles for s in stats],
            [s.capitalised for s in stats],
            [w for w, s in zip(words, stats, strict=True) if _candidate(w, s)],
            list(self.segments),
        ).save(path, generation)

    @classmethod
    def load(cls, path: Path, generation: int) -> Vocabulary | None:
        """The cached vocabulary, or None when missing, unreadable or for another generation.

        A cache in an earlier layout is read and rewritten in the current one.
        """
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("generation") != generation:
                return None
            version = data.get("format")
            if version == CACHE_FORMAT:
                counts = SavedCounts.from_data(data)
                if counts is None:
                    return None
                stats = _Stats(counts.words, counts.articles, counts.capitalised)
                return cls(stats, counts.names, counts.segments)
            if version == 2:
                words = data["words"].split("\n") if data["words"] else []
                rows = zip(words, data["articles"], data["capitalised"], strict=True)
            else:
                rows = data["words"]
            vocabulary = cls({w: WordStats(a, c) for w, a, c in rows})
        except (OSError, ValueError, TypeError, KeyError):
            return None
        with contextlib.suppress(OSError):
            vocabulary.save(path, generation)
        return vocabulary

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


@dataclass(slots=True)
class SavedCounts:
    """The vocabulary cache as saved: the words in sorted order, their counts, the words that
    may get variants (``_candidate``), and the index segments summed (empty: not known).

    Why an index run patches it (``apply``) rather than summing every segment's counts again:
    the ten articles of an update add one small segment to a large one, and summing 143,000
    words' counts of both took 0.3 s of that update at 100,000 articles."""

    words: list[str]
    articles: list[int]
    capitalised: list[int]
    names: list[str]
    segments: list[str]

    @classmethod
    def read(cls, path: Path) -> SavedCounts | None:
        """The cache at ``path``, whatever generation it describes, when it says which segments
        it summed (None when not, or unreadable)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        counts = (
            cls.from_data(data) if isinstance(data, dict) and data.get("format") == CACHE_FORMAT else None
        )
        return counts if counts is not None and counts.segments else None

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> SavedCounts | None:
        """The counts of a cache's JSON in this format (None when they do not hold together)."""
        try:
            words = data["words"].split("\n") if data["words"] else []
            names = data["names"].split("\n") if data["names"] else []
            articles, capitalised = data["articles"], data["capitalised"]
            segments = data.get("segments", [])
        except (TypeError, KeyError, AttributeError):
            return None
        if not (
            isinstance(segments, list)
            and all(isinstance(segment, str) for segment in segments)
            and isinstance(articles, list)
            and isinstance(capitalised, list)
            and len(words) == len(articles) == len(capitalised)
        ):
            return None
        return cls(words, articles, capitalised, names, segments)

    def apply(self, changes: Mapping[str, list[int]], segments: Iterable[str]) -> bool:
        """Add each word's change of [articles, capitalised] (the counts of the segments added,
        less those of the segments gone), now summing ``segments``. False when the changes do
        not fit the counts (a count taken below zero, or a word left with none of its articles
        but some capitalised): the counts are then not what the segments hold, and must be
        summed afresh."""
        words, articles, capitalised = self.words, self.articles, self.capitalised
        out_words: list[str] = []
        out_articles: list[int] = []
        out_capitalised: list[int] = []
        names = set(self.names)
        start = 0
        for word in sorted(changes):
            more_articles, more_capitalised = changes[word]
            at = bisect_left(words, word, lo=start)
            out_words += words[start:at]
            out_articles += articles[start:at]
            out_capitalised += capitalised[start:at]
            if at < len(words) and words[at] == word:
                total, capital = articles[at] + more_articles, capitalised[at] + more_capitalised
                start = at + 1
            else:
                total, capital = more_articles, more_capitalised
                start = at
            if total < 0 or capital < 0 or (total == 0 and capital):
                return False
            names.discard(word)
            if total:  # a word no segment holds any more is gone, as from a fresh sum
                out_words.append(word)
                out_articles.append(total)
                out_capitalised.append(capital)
                if _candidate(word, WordStats(total, capital)):
                    names.add(word)
        out_words += words[start:]
        out_articles += articles[start:]
        out_capitalised += capitalised[start:]
        self.words, self.articles, self.capitalised = out_words, out_articles, out_capitalised
        self.names = sorted(names)
        self.segments = list(segments)
        return True

    def save(self, path: Path, generation: int) -> None:
        """Write the cache, for the index ``generation`` it describes."""
        write_json_atomic(
            path,
            {
                "generation": generation,
                "format": CACHE_FORMAT,
                "words": "\n".join(self.words),
                "articles": self.articles,
                "capitalised": self.capitalised,
                "names": "\n".join(self.names),
                "segments": self.segments,
            },
        )


def _candidate(word: str, stats: WordStats) -> bool:
    """Whether ``word`` may be offered as a variant: a name long enough for edits."""
    return len(word) >= MIN_LENGTH and word.isalpha() and stats.is_name


def _is_inflection(word: str, candidate: str, word_stem: str) -> bool:
    """`minister`/`ministers`: the same word inflected, which stemming already matches."""
    prefix = word.startswith(candidate) or candidate.startswith(word)
    return prefix and stem(candidate) == word_stem
