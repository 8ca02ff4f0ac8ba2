"""Events at scale: the views and `explorer events --limit` make records only for what they show.

A corpus of 100,000 articles has over a million events, most of them one
passage of one source, unlabelled until shown. These tests check, on a real
index, that listing by numbers gives what listing every record gave (same
order, same first rows, same count of matches, the same filter matches,
labels included) and that the events beyond what is shown stay unmade:
no ``Event`` record, no label.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from search.events import EventTable
from search.events import table as table_module
from search.explorer import Explorer
from tui.cli import main
from tui.screens import events as events_screen
from tui.screens.events import (
    EventsScreen,
    EventTexts,
    StoriesScreen,
    apostrophe_free,
    event_key,
    fold_fast,
    label_may_hold,
)
from tui.widgets.entities import fold_text, matches_filter

from .conftest import SEEDS
from .tui_fixtures import NARROW, open_view, screen_text, settle, type_text

# Passages whose labels hold what their text does not: a word as ``fold`` writes it
# ("wouldn’t" is "wouldnt"), and names and words joined by ", ".
EXTRA = {
    "900_extra.txt": "Officials in Zaranj wouldn’t confirm the shelling of the granary.\n\n"
    "Villagers described a quiet night near Qala-i-Naw and Bala Murghab.\n",
    "901_extra.txt": "The governor of Herat said the convoy didn't reach Islam Qala before nightfall.\n",
}


@pytest.fixture(scope="module", name="events_file")
def events_file_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A saved event table of the seeds and two more articles (load it afresh: nothing labelled yet)."""
    root = tmp_path_factory.mktemp("scale")
    corpus = root / "corpus"
    shutil.copytree(SEEDS, corpus)
    for name, text in EXTRA.items():
        (corpus / name).write_text(text, encoding="utf-8")
    explorer = Explorer.open(corpus, root / "ix")
    explorer.update()
    explorer.events_table()
    explorer.close()
    return root / "ix" / "events.json"


@pytest.fixture(name="fresh")
def fresh_fixture(events_file: Path) -> Callable[[], EventTable]:
    def load() -> EventTable:
        table = EventTable.load(events_file)
        assert table is not None
        return table

    return load


@pytest.fixture(name="made")
def made_fixture(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every event number an ``Event`` record is made for (observed, not replaced)."""
    numbers: list[int] = []
    real = table_module.event_record

    def counting(store, number, passages=None):  # type: ignore[no-untyped-def]
        numbers.append(number)
        return real(store, number, passages)

    monkeypatch.setattr(table_module, "event_record", counting)
    return numbers


def unlabelled(table: EventTable) -> list[int]:
    return [n for n in table.event_numbers() if table.store.e_label[n] is None]


def test_numbers_list_what_records_listed(fresh: Callable[[], EventTable], made: list[int]) -> None:
    everything = fresh().events()
    table = fresh()
    assert len(table.event_numbers()) == len(everything)
    assert [e.id for e in table.events_at(table.event_numbers())] == [e.id for e in everything]
    assert [e.as_dict() for e in fresh().events(limit=7)] == [e.as_dict() for e in everything[:7]]
    for query, sources in (("Dashty killed", 1), ("Panjshir", 2)):
        full = fresh().events(query, min_sources=sources)
        assert full
        assert [e.id for e in fresh().events(query, min_sources=sources, limit=2)] == [e.id for e in full[:2]]
        assert len(fresh().event_numbers(query, min_sources=sources)) == len(full)
    stories = fresh().stories()
    assert [s.id for s in fresh().stories_at(fresh().story_numbers())] == [s.id for s in stories]


def test_a_limit_makes_only_that_many_records(fresh: Callable[[], EventTable], made: list[int]) -> None:
    table = fresh()
    waiting = unlabelled(table)
    assert len(waiting) > 10  # single-passage events, labelled when first shown
    shown = table.events(limit=3)
    assert len(shown) == 3 and len(made) == 3
    numbers = table.event_numbers()
    assert all(table.store.e_label[n] is None for n in waiting if n not in numbers[:3])


def test_cli_limit_prints_the_first_events_and_makes_no_more(
    events_file: Path, made: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    corpus, index = events_file.parent.parent / "corpus", events_file.parent
    common = ["--corpus", str(corpus), "--index", str(index), "events"]
    assert main([*common, "--format", "jsonl"]) == 0
    everything = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    made.clear()
    assert main([*common, "--limit", "4", "--format", "jsonl"]) == 0
    assert [json.loads(line) for line in capsys.readouterr().out.splitlines()] == everything[:4]
    assert len(made) == 4


def queries(table: EventTable) -> list[str]:
    """What a user might type: every word of every label and passage (commas, dots, apostrophes kept
    or dropped), and bare punctuation."""
    words: set[str] = {",", ".", "...", "…", "dont", "ς"}
    for event in table.events():
        for text in (event.label, *(p.text for p in event.passages)):
            for word in text.split():
                words.add(word)
                words.add(word.replace("'", "").replace("\u2019", ""))
    return sorted(words)


def reference(table: EventTable, text: str) -> list[int]:
    """The matches as the view found them before: a record and a key for every event."""
    words = fold_text(text).split()
    numbers = table.event_numbers()
    return [
        n
        for n, e in zip(numbers, table.events_at(numbers), strict=True)
        if matches_filter(event_key(e), words)
    ]


def test_the_filter_matches_what_folding_every_record_matched(fresh: Callable[[], EventTable]) -> None:
    full = fresh()
    typed = queries(full)
    label_only = 0
    shared = EventTexts(fresh())  # one table through every query, as a view keeps it
    for text in typed:
        expected = reference(full, text)
        words = fold_text(text).split()
        table = fresh()
        assert EventTexts(table).select(table.event_numbers(), words, lambda: False) == expected, text
        assert shared.select(shared.table.event_numbers(), words, lambda: False) == expected, text
        for number in expected:
            passages = fold_text(" ".join(full.store.passage_text(p) for p in full.store.e_members[number]))
            label_only += any(word not in passages for word in words)
    assert label_only  # some events matched by a word only their label has
    table = fresh()
    didnt = EventTexts(table).select(table.event_numbers(), ["didnt"], lambda: False)
    assert didnt == reference(full, "didnt") and [e.label for e in table.events_at(didnt)] == [
        "Herat, Islam Qala, convoy, didnt"
    ]  # "didn't" in the passage, as fold writes it in the label


def test_a_plain_word_makes_no_label(fresh: Callable[[], EventTable]) -> None:
    table = fresh()
    before = unlabelled(table)
    texts = EventTexts(table)
    for text in ("the", "panjshir", "zzz", "kil"):
        texts.select(table.event_numbers(), fold_text(text).split(), lambda: False)
    assert unlabelled(table) == before


def test_a_label_is_made_only_when_a_word_could_be_in_it_alone() -> None:
    key = fold_fast("Officials wouldn’t confirm it.")
    extra = apostrophe_free(key)
    assert label_may_hold("wouldnt", key, extra)  # a label word as fold writes it
    assert label_may_hold("officials,", key, extra)  # before the ", " of a label
    assert label_may_hold("it...", key, extra)  # a label cut with "…"
    assert not label_may_hold("granary", key, extra)
    assert not label_may_hold("granary,", key, extra)


def test_fold_fast_is_fold_text() -> None:
    for text in (
        "Fahim Dashtí’s",
        "ΟΔΟΣ ΟΔΟΣ's",
        "ﬁnal … İstanbul",
        "Ａｂｃ",
        "plain ascii",
        "e\u0301\u0327",
        "",
    ):
        assert fold_fast(text) == fold_text(text)


async def test_the_view_lists_and_counts_as_before(
    make_app, seed_explorer: Explorer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With room for 5 rows: the same first 5 events, the same counts, and no label beyond them."""
    monkeypatch.setattr(events_screen, "LIST_LIMIT", 5)
    seed_explorer.events_table()  # derived; the explorer keeps it for the view
    seed_explorer.flush()  # and saved
    # The reference list from a copy read from disk: listing every event labels them all, and
    # the explorer's own table must stay as the view leaves it.
    copy = EventTable.load(seed_explorer.index_dir / "events.json")
    assert copy is not None
    everything = copy.events()
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_view(pilot, "v", EventsScreen)
        assert [e.id for e in screen.shown] == [e.id for e in everything[:5]]
        assert f"{len(everything)} events · most sources first" in screen_text(app)
        assert "first 5 listed" in screen_text(app)
        table = screen._keys.table
        numbers = table.event_numbers()
        assert any(table.store.e_label[n] is None for n in numbers[5:])
        fresh = EventTable.load(seed_explorer.index_dir / "events.json")
        assert fresh is not None
        expected = reference(fresh, "panjshir")
        await type_text(pilot, "panjshir")
        await settle(pilot)
        assert [e.id for e in screen.shown] == [e.id for e in fresh.events_at(expected[:5])]
        assert f"{len(expected)} of {len(everything)} events match 'panjshir'" in screen_text(app)


async def test_the_stories_view_lists_and_filters_as_before(make_app, seed_explorer: Explorer) -> None:
    stories = seed_explorer.events_table().stories()
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_view(pilot, "s", StoriesScreen)
        assert [s.id for s in screen.shown] == [s.id for s in stories]
        word = fold_text(stories[0].label.split()[0])
        await type_text(pilot, word)
        await settle(pilot)
        assert [s.id for s in screen.shown] == [s.id for s in stories if word in fold_text(s.label)]


async def test_a_view_opened_again_filters_on_what_the_first_folded(make_app) -> None:
    """The explorer keeps one table per index version, and the folded filter texts go with it."""
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        first = await open_view(pilot, "v", EventsScreen)
        await type_text(pilot, "panjshir")
        await settle(pilot)
        folded = first._keys
        assert any(folded._state)  # the filter folded the events' texts
        await pilot.press("escape", "escape")  # the filter box, then the view
        await settle(pilot)
        again = await open_view(pilot, "v", EventsScreen)
        await settle(pilot)
        assert again is not first
        assert again._keys is folded
