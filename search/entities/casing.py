"""The corpus' own evidence of which capitalised words are names.

Why from the corpus: no word list can say that `Resistance` is a common word
in one corpus and `Baker` a surname in another. A word that the corpus
writes in lower case at least as often (in number of articles) as it writes
it capitalised on its own inside a sentence is a common word: `Also`,
`Former`, `Resistance`, `Bank`. A word seen capitalised only at the start of sentences
(`Hours before ...`) has no evidence of being a name at all. Compare
``search.analysis.name_words``, which the index uses for the same purpose.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from .kinds import MENTIONS, decide_kind
from .lexicon import FUNCTION_WORDS, TIME_WORDS
from .names import name_tokens
from .rows import ARTICLE_LOWER, ARTICLE_MENTIONS, CUES, INITIAL, TEXT, TITLE, ArticleRow

SHARE = 0.8  # share of a name's mentions with a cue for ``possessive_name`` and ``furniture``
EVIDENCE_MENTIONS = 3  # ... out of at least this many mentions
BOILERPLATE_MENTIONS = 10  # a line repeated this often is boilerplate, a few lone lines may be headings


@dataclass(slots=True)
class CorpusStats:
    """Article counts per folded word (lower case, capitalised inside a sentence) and cues per name."""

    lower: Counter[str] = field(default_factory=Counter)
    capital: Counter[str] = field(default_factory=Counter)  # capitalised, alone or inside a longer name
    alone: Counter[str] = field(default_factory=Counter)  # capitalised and alone: `the Resistance said`
    # name key -> kind cue counts (plain dicts: they are saved between runs, see ``resolutions``)
    cues: dict[str, dict[str, int]] = field(default_factory=dict)
    articles: int = 0
    _kinds: dict[str, str] = field(default_factory=dict)

    @classmethod
    def gather(cls, rows: Iterable[ArticleRow]) -> CorpusStats:
        stats = cls()
        for row in rows:
            stats.add(row)
        return stats

    def add(self, row: ArticleRow) -> None:
        self._count(row, 1)

    def remove(self, row: ArticleRow) -> None:
        """Take back what ``add`` counted for ``row`` (an article removed or changed)."""
        self._count(row, -1)

    def _count(self, row: ArticleRow, sign: int) -> None:
        self.articles += sign
        _step(self.lower, row[ARTICLE_LOWER], sign)
        capital: set[str] = set()
        alone: set[str] = set()
        for mention in row[ARTICLE_MENTIONS]:
            tokens = name_tokens(mention[TEXT])
            key = " ".join(tokens)
            cues = mention[CUES]
            self._count_cues(key, cues, sign)
            if "j" in cues:  # a joined reading of words counted in their own mentions
                continue
            initial = mention[INITIAL]
            capital.update(tokens[1:] if initial else tokens)
            if len(tokens) == 1 and not initial and not mention[TITLE]:
                alone.add(tokens[0])
        _step(self.capital, capital, sign)
        _step(self.alone, alone, sign)

    def _count_cues(self, key: str, cues: str, sign: int) -> None:
        counter = self.cues.get(key)
        if counter is None:
            counter = self.cues[key] = {}
        counter[MENTIONS] = counter.get(MENTIONS, 0) + sign
        for cue in cues:
            counter[cue] = counter.get(cue, 0) + sign
        if sign < 0:
            _drop_zeros(counter)
            if not counter:
                del self.cues[key]
        self._kinds.pop(key, None)

    def words_and_keys(self, row: ArticleRow) -> tuple[set[str], set[str]]:
        """The folded words and name keys whose counts ``row`` adds to: the only
        decisions (``common``, ``kind_of`` ...) that adding or removing it can change."""
        words = set(row[ARTICLE_LOWER])
        keys = set()
        for mention in row[ARTICLE_MENTIONS]:
            tokens = name_tokens(mention[TEXT])
            words.update(tokens)
            keys.add(" ".join(tokens))
        return words, keys

    def decisions(self, words: Iterable[str], keys: Iterable[str]) -> dict[str, tuple[bool | str, ...]]:
        """What resolution would be told about each word and each name key, to compare before
        and after an update (words and keys are told apart by a prefix)."""
        out: dict[str, tuple[bool | str, ...]] = {}
        for word in words:
            out["w" + word] = (self.common(word), self.seen_as_name(word))
        for key in keys:
            out["k" + key] = (self.kind_of(key), self.possessive_name(key), self.furniture(key))
        return out

    def _share(self, key: str, cue: str, least: int = 0) -> float:
        counter = self.cues.get(key)
        if not counter or counter[MENTIONS] < max(least, EVIDENCE_MENTIONS):
            return 0.0
        return counter.get(cue, 0) / counter[MENTIONS]

    def possessive_name(self, key: str) -> bool:
        """A name the corpus nearly always writes with 's (`Moody's`, `Standard and Poor's`)."""
        return self._share(key, "g") >= SHARE

    def furniture(self, key: str) -> bool:
        """A name that is nearly always all of its line: a signature or page furniture (`Reuter`)."""
        return self._share(key, "b", BOILERPLATE_MENTIONS) >= SHARE

    def common(self, word: str) -> bool:
        """A common word of this corpus: grammar, calendar, or written lower case at least as often.

        Compared with its capitalised uses *on its own*: `Bank` in `Bank of
        Japan` says nothing about `the Bank said`; `bank` in lower case does.
        """
        if word in FUNCTION_WORDS or word in TIME_WORDS:
            return True
        lower = self.lower.get(word, 0)
        return lower > 0 and lower >= self.alone.get(word, 0)

    def kind_of(self, key: str) -> str:
        """The kind the cues of a name (one spelling key) say across the corpus (cached)."""
        kind = self._kinds.get(key)
        if kind is None:
            kind = self._kinds[key] = decide_kind(self.cues.get(key, {}))
        return kind

    def seen_as_name(self, word: str) -> bool:
        """Written capitalised inside a sentence somewhere in the corpus."""
        return self.capital.get(word, 0) > 0


def _step(counter: Counter[str], words: Iterable[str], sign: int) -> None:
    """Count each word once more (``sign`` 1) or once less (-1), forgetting words that reach zero."""
    if sign > 0:
        counter.update(words)
        return
    for word in words:
        left = counter[word] - 1
        if left > 0:
            counter[word] = left
        else:
            del counter[word]


def _drop_zeros(counter: dict[str, int]) -> None:
    for code in [code for code, count in counter.items() if count <= 0]:
        del counter[code]
