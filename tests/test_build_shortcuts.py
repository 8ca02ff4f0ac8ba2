"""The index build's shortcuts must give exactly what the plain code they replace gives.

Each shortcut (a regular expression doing in C what a Python loop did word by
word, a field's postings made without Whoosh's analyzer) is compared here with
the straightforward version on the seed articles and on random text full of
the characters the rules turn on: capitals, apostrophes, sentence openers,
spaces and tabs, accents, digits and non-Latin letters.
"""

from __future__ import annotations

import random

from search.analysis import WORD_PATTERN, fold, name_words
from search.corpus import list_files, read_articles
from search.index import build_schema
from search.segments import _keyword_items

from .conftest import SEEDS

_OPENERS = frozenset(".!?:;\n\r\"“‘'(—–-|*•")
_PIECES = [
    *"aAbZéÉǅⅫ½_1 \t\n\r.'’-()\"“‘:;!?|*•—–,/xYßİ",
    "Mc",
    "O'",
    "U.S.",
    "  ",
    "ﷺ",
    "Al-",
    "d’",
]


def _name_words_by_word(text: str) -> set[str]:
    """``name_words`` as it was written first: every word tested in Python."""
    names: set[str] = set()
    for match in WORD_PATTERN.finditer(text):
        word = match.group()
        if not word[0].isupper() or word.isupper() or not word[0].isalpha():
            continue
        position = match.start() - 1
        while position >= 0 and text[position] in " \t":
            position -= 1
        if position < 0 or text[position] in _OPENERS:
            continue
        names.add(fold(word))
    return names


def _random_texts(count: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 40))) for _ in range(count)]


def _seed_texts() -> list[str]:
    files = list_files(SEEDS, lambda _w: None)
    return [a.text for f in files for a in read_articles(f, SEEDS, lambda _w: None)]


def test_name_words_matches_the_word_by_word_rules() -> None:
    texts = _seed_texts()
    assert texts
    for text in texts + _random_texts(50_000):
        assert name_words(text) == _name_words_by_word(text), repr(text)


def test_keyword_items_match_whoosh() -> None:
    names = build_schema()["names"]
    values = [
        "",
        "a b c",
        "x\tY  z a a",
        "ﷺ b",
        " lead trail ",
        *(" ".join(sorted(name_words(t))) for t in _seed_texts()),
    ]
    for value in values:
        assert sorted(_keyword_items(value, names.format.field_boost)) == sorted(names.index(value)), value


def test_block_pickles_read_as_protocol_2_and_keep_the_cut_firstpage_makes() -> None:
    """A block's pickle unpickles to the same tuple as Whoosh's protocol-2 pickle, and
    ``firstpage`` still finds its ids and weights without the positions, whatever the
    number of postings, shared bytes objects (memo references) and value sizes."""
    import pickle
    import zlib

    from search.firstpage import _ids_and_weights
    from search.segments import _SINGLE, _encode, _pickle_block

    rng = random.Random(5)
    for _ in range(3000):
        count = rng.choice([1, 2, 3, 4, 5, 50, 127, 128])
        ids = tuple(rng.randrange(0, 70_000) for _ in range(count))
        weights = rng.choice([None, 2.0, tuple(float(rng.randint(1, 9)) for _ in range(count))])
        values = []
        for _ in range(count):
            draw = rng.random()
            if draw < 0.4:
                values.append(_SINGLE[rng.randrange(0, 50)])  # one object many times
            elif draw < 0.9:
                values.append(_encode(sorted(rng.sample(range(5000), rng.randint(2, 6)))))
            else:  # over 255 bytes: another opcode
                values.append(_encode(sorted(rng.sample(range(100_000), rng.randint(60, 300)))))
        block = (ids, weights, tuple(values))
        data = _pickle_block(*block)
        assert pickle.loads(data) == pickle.loads(pickle.dumps(block, 2)) == block
        assert _ids_and_weights(zlib.compress(data, 3), count) == (ids, weights, None)
    assert pickle.loads(_pickle_block((3,), None, ())) == ((3,), None, ())
