"""How text becomes index words: one tokenizer, folding and stemming for all.

The index, the query expansion and the highlighter must agree on what a
"word" is, otherwise a highlighted snippet would disagree with the hits. So
every place that splits text into words goes through this module.

Two forms of each word are indexed:
- the *folded* form (lower case, accents removed), in the ``exact`` field,
  which keeps spellings apart: `Dashty` and `Dashti` stay different words;
- the *stem* of the folded form, in the ``body`` field, so that `killed`
  also finds `kill` in ordinary searches.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer
from whoosh.lang.porter import stem as porter_stem

# Letters and digits, with inner apostrophes and dots kept (O'Brien, U.S.);
# hyphens split words so that "Inter-Services" also matches "services".
WORD_PATTERN = re.compile(r"\w+(?:['’.]\w+)*", re.UNICODE)


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Lower-case, strip accents, possessives and apostrophes; cached because corpora repeat words."""
    lowered = word.lower().replace("’", "'")
    if lowered.endswith("'s"):  # possessive: Dashty's is Dashty
        lowered = lowered[:-2]
    if lowered.isascii():
        return lowered.replace("'", "")
    decomposed = unicodedata.normalize("NFKD", lowered)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("'", "")


@lru_cache(maxsize=200_000)
def stem(folded: str) -> str:
    """Porter stem of a folded word; numbers and very short words are left alone."""
    if len(folded) < 3 or not folded.isalpha():
        return folded
    return porter_stem(folded)


_ANALYSED: dict[str, tuple[str, str]] = {}
_ANALYSED_LIMIT = 1_000_000


def _analyse_word(word: str) -> tuple[str, str]:
    if len(_ANALYSED) >= _ANALYSED_LIMIT:
        _ANALYSED.clear()
    folded = fold(word.lower())
    entry = _ANALYSED[word] = (folded, stem(folded))
    return entry


def analyse(text: str) -> tuple[list[str], list[str]]:
    """The folded words of ``text`` and their stems: the tokens ``exact_analyzer`` and
    ``stemming_analyzer`` give, in order, without building a Token per word.

    Why: the index writer analyses every article twice over; one regex pass and one
    dictionary look-up per surface word (news repeats its words) cost a fraction of
    Whoosh's tokenizer and three filter generators. Tests check the two agree.
    """
    cache = _ANALYSED
    entries = [cache.get(word) or _analyse_word(word) for word in WORD_PATTERN.findall(text)]
    return [entry[0] for entry in entries], [entry[1] for entry in entries]


def iter_words(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield (surface word, start, end) for every word in ``text``."""
    for match in WORD_PATTERN.finditer(text):
        yield match.group(), match.start(), match.end()


class _FoldFilter(Filter):
    """Replace each token's text with its folded form (cached)."""

    def __call__(self, tokens):  # type: ignore[no-untyped-def]
        for token in tokens:
            token.text = fold(token.text)
            yield token


class _StemFilter(Filter):
    """Replace each token's text with its stem (cached, unlike Whoosh's per-filter cache)."""

    def __call__(self, tokens):  # type: ignore[no-untyped-def]
        for token in tokens:
            token.text = stem(token.text)
            yield token


def exact_analyzer():  # type: ignore[no-untyped-def]
    """Analyzer for the ``exact`` field and ``title``: words folded, not stemmed."""
    return RegexTokenizer(WORD_PATTERN) | LowercaseFilter() | _FoldFilter()


def stemming_analyzer():  # type: ignore[no-untyped-def]
    """Analyzer for the ``body`` field: folded and stemmed."""
    return exact_analyzer() | _StemFilter()


_SENTENCE_OPENERS = frozenset(".!?:;\n\r\"“‘'(—–-|*•")

# A word that ``WORD_PATTERN`` would find (it starts no later than where a token of
# ``WORD_PATTERN.finditer`` would: not after a word character, nor after an apostrophe or dot
# that follows one), whose first letter may be a capital (not a digit, underscore or a-z), and
# whose sentence has begun: before it, past spaces and tabs, comes a character that is not a
# sentence opener. The regular expression skips in C what ``name_words`` used to test word
# by word in Python: most words of a text are lower case or open a sentence.
_NAME_CANDIDATE = re.compile(
    "(?<=[^ \t" + re.escape("".join(sorted(_SENTENCE_OPENERS))) + "])[ \t]*"
    r"(?<!\w)(?<!\w['’.])([^\W\d_a-z]\w*(?:['’.]\w+)*)"
)


def name_words(text: str) -> set[str]:
    """Folded words written with a capital inside a sentence: the corpus' evidence of names.

    A sentence's first word is capitalised by grammar, not because it is a
    name, so it is not counted; ALL-CAPS words (headlines, acronyms) say
    nothing about case either.
    """
    names: set[str] = set()
    for word in _NAME_CANDIDATE.findall(text):
        first = word[0]
        if first.isupper() and first.isalpha() and not word.isupper():
            names.add(fold(word))
    return names
