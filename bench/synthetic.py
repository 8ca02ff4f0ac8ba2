"""A deterministic 100,000-article corpus made of real Reuters sentences.

Why not just repeat Reuters: a scale benchmark needs articles of realistic
length (about 400 words, Reuters averages 120) and a vocabulary that keeps
growing with the corpus. Each synthetic article takes the sentences of a few
Reuters articles on one story, then tops up with random sentences; a few
names are respelt the same way each time (Volcker -> Volckar), as reporters
do, so variant expansion has real work at scale. Only words capitalised
inside a sentence are respelt (names, not sentence openers: version 1 also
respelt "Prices" at a sentence start, which made common words look like
names with variants). Every output calls it synthetic.
"""

from __future__ import annotations

import gzip
import html
import json
import random
import re
import zlib
from datetime import date, timedelta
from pathlib import Path

SYNTHETIC_ARTICLES = 100_000
SHARD_ARTICLES = 1_000
SEED = 1987
TARGET_WORDS = (340, 460)  # uniform, about 400 on average
RESPELL_SHARE = 0.04  # of capitalised words, respelt in a fixed per-word way
SOURCES = tuple(f"synthetic-wire-{letter}" for letter in "abcde")
FIRST_DAY = date(2015, 1, 1)
DAYS = 5 * 365

_TRAILER = re.compile(r"\s*\bReuter\b\s*(&#3;)?\s*$|&#3;", re.I)
_SENTENCE = re.compile(r"(?<=[a-z0-9)][.!?])\s+(?=[A-Z\"(])")
_WORD = re.compile(r"(?<=[a-z0-9,;] )[A-Z][a-z]{4,}")  # capitalised mid-sentence: a name
VERSION = 2  # bump when the generated text changes, so cached corpora are rebuilt


def load_articles(reuters: Path) -> list[tuple[str, list[str]]]:
    """(title, sentences) of each Reuters article with some text."""
    articles = []
    with gzip.open(reuters, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            text = _TRAILER.sub("", html.unescape(row.get("text") or ""))
            text = " ".join(text.split())
            sentences = [s for s in _SENTENCE.split(text) if len(s.split()) >= 4]
            if sentences:
                articles.append((_title_case(html.unescape(row.get("title") or "")), sentences))
    return articles


def _title_case(title: str) -> str:
    return " ".join(word[:1] + word[1:].lower() for word in title.split())


def respell(word: str) -> str:
    """One fixed alternative spelling of a name: the same input always gives the same output."""
    choice = zlib.crc32(word.encode()) % 3
    middle = len(word) // 2
    if choice == 0:  # transpose two inner letters
        return word[: middle - 1] + word[middle] + word[middle - 1] + word[middle + 1 :]
    if choice == 1:  # double an inner letter
        return word[:middle] + word[middle] + word[middle:]
    vowels = {"a": "e", "e": "a", "i": "y", "o": "u", "u": "o", "y": "i"}
    for index in range(len(word) - 1, 0, -1):  # change the last vowel
        if word[index] in vowels:
            return word[:index] + vowels[word[index]] + word[index + 1 :]
    return word


def _respell_some(sentence: str, rng: random.Random) -> str:
    def maybe(match: re.Match[str]) -> str:
        word = match.group()
        return respell(word) if rng.random() < RESPELL_SHARE else word

    return _WORD.sub(maybe, sentence)


def make_article(number: int, articles: list[tuple[str, list[str]]], rng: random.Random) -> dict[str, str]:
    story = rng.randrange(len(articles))  # a run of neighbouring articles: often the same story
    title = articles[story][0]
    target = rng.randint(*TARGET_WORDS)
    sentences: list[str] = []
    words = 0
    while words < target:
        if rng.random() < 0.7:
            pool = articles[(story + rng.randrange(4)) % len(articles)][1]
        else:
            pool = articles[rng.randrange(len(articles))][1]
        sentence = _respell_some(pool[rng.randrange(len(pool))], rng)
        sentences.append(sentence)
        words += len(sentence.split())
    paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
    day = FIRST_DAY + timedelta(days=number * DAYS // SYNTHETIC_ARTICLES)
    return {
        "id": f"syn:{number:06d}",
        "source": SOURCES[rng.randrange(len(SOURCES))],
        "date": day.isoformat(),
        "title": title,
        "text": "\n\n".join(paragraphs),
    }


def write_synthetic(reuters: Path, folder: Path, count: int = SYNTHETIC_ARTICLES) -> None:
    """Write ``count`` articles as shards of 1,000 (JSON Lines), always the same ones."""
    articles = load_articles(reuters)
    rng = random.Random(SEED)
    shard = None
    try:
        for number in range(count):
            if number % SHARD_ARTICLES == 0:
                if shard:
                    shard.close()
                shard = (folder / f"part-{number // SHARD_ARTICLES:03d}.jsonl").open("w", encoding="utf-8")
            assert shard is not None
            shard.write(json.dumps(make_article(number, articles, rng), ensure_ascii=False) + "\n")
    finally:
        if shard:
            shard.close()
