"""Event derivation says how far it got: minutes at 100,000 articles the first time.

The engine reports its stages to a callback (``Explorer.events_table(progress)``); the
events and stories views show them in their summary line while they wait, and
`explorer events` draws them on stderr when it is a terminal (tests/test_cli_terminal.py).
"""

from __future__ import annotations

import fcntl
import os
import struct
import termios
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from search.broadcast import ProgressBroadcast
from search.events.build import DESCRIBING, EXTRACTING, GROUPING, LINKING, extract_all
from search.explorer import LOADING_EVENTS, READING_ARTICLES, UPDATING_EVENTS, Explorer
from search.models import Article
from tui.app import ExplorerApp
from tui.messages import EventsLoaded, EventsProgress
from tui.progress import Progress, throttled
from tui.screens.events import EventsScreen, StoriesScreen, progress_text

from .conftest import SEEDS
from .tui_fixtures import NARROW, open_view, screen_text, settle

Report = tuple[int, int, str]


@pytest.fixture(name="indexed")
def indexed_fixture(seed_corpus: Path, tmp_path: Path) -> Iterator[Explorer]:
    """An explorer on a private copy of the seeds, indexed, its events not derived yet."""
    explorer = Explorer.open(seed_corpus, tmp_path / "ix")
    explorer.update()
    yield explorer
    explorer.close()


def _stages(reports: list[Report]) -> list[str]:
    """The stages in the order they began."""
    seen: list[str] = []
    for _done, _total, stage in reports:
        if not seen or seen[-1] != stage:
            seen.append(stage)
    return seen


def test_a_derivation_reports_its_stages_and_counts_the_articles_it_extracts(indexed: Explorer) -> None:
    explorer = indexed
    reports: list[Report] = []
    table = explorer.events_table(lambda done, total, stage: reports.append((done, total, stage)))
    assert table.event_numbers()
    assert _stages(reports) == [
        LOADING_EVENTS,
        READING_ARTICLES,
        EXTRACTING,
        GROUPING,
        DESCRIBING,
        LINKING,
    ]  # saved after it is handed over (tests/test_background_saves.py)
    counts = [(done, total) for done, total, stage in reports if stage == EXTRACTING]
    articles = len(list(SEEDS.glob("*.txt")))
    assert counts[0] == (0, articles) and counts[-1] == (articles, articles)
    assert all(total == 0 for _done, total, stage in reports if stage != EXTRACTING)

    # the same explorer holds the table: nothing to report
    reports.clear()
    assert explorer.events_table(lambda *report: reports.append(report)) is table
    assert reports == []
    explorer.close()

    # another explorer loads the saved table
    again = Explorer.open(explorer.corpus, explorer.index_dir)
    again.events_table(lambda *report: reports.append(report))
    assert _stages(reports) == [LOADING_EVENTS]

    # after a change, the table is updated around it
    (explorer.corpus / "900_new.txt").write_text(
        "Fighting resumed in the Panjshir valley on Tuesday.\n", encoding="utf-8"
    )
    assert again.update().added == 1
    reports.clear()
    again.events_table(lambda *report: reports.append(report))
    assert _stages(reports) == [LOADING_EVENTS, UPDATING_EVENTS]
    again.close()


def test_extraction_in_worker_processes_counts_each_batch() -> None:
    articles = [
        Article(
            id=f"a{n:03d}",
            source="wire",
            title=f"Report {n}",
            text=f"Officials in Kabul said {n} people were hurt.",
        )
        for n in range(450)
    ]
    reports: list[Report] = []
    found = extract_all(articles, workers=2, progress=lambda *report: reports.append(report))
    assert found == extract_all(articles, workers=1)
    assert reports == [
        (0, 450, EXTRACTING),
        (200, 450, EXTRACTING),
        (400, 450, EXTRACTING),
        (450, 450, EXTRACTING),
    ]


def test_the_throttle_passes_every_stage_and_the_end_of_a_count(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [100.0]
    monkeypatch.setattr("tui.progress.time.monotonic", lambda: clock[0])
    passed: list[Report] = []
    report = throttled(lambda *r: passed.append(r), seconds=1.0)
    for done in range(5):  # no time passes: only the first of a stage, and its end
        report(done, 4, "extracting")
    report(0, 0, "grouping")
    report(0, 0, "grouping")  # a stage in words passes whenever it is reported
    clock[0] += 2
    report(1, 4, "extracting")
    assert passed == [
        (0, 4, "extracting"),
        (4, 4, "extracting"),
        (0, 0, "grouping"),
        (0, 0, "grouping"),
        (1, 4, "extracting"),
    ]


def test_the_summary_line_says_what_is_being_done() -> None:
    assert progress_text(0, 0, LOADING_EVENTS) == "loading events…"
    assert progress_text(0, 0, LOADING_EVENTS, "stories") == "loading stories…"
    assert (
        progress_text(1234, 100000, EXTRACTING)
        == "deriving events: extracting passages 1,234/100,000 articles…"
    )
    assert progress_text(0, 0, LINKING) == "deriving events: linking stories…"
    assert all(len(progress_text(99999, 100000, stage)) < 80 for stage in (EXTRACTING, GROUPING, DESCRIBING))


@pytest.mark.parametrize(("key", "view"), [("v", EventsScreen), ("s", StoriesScreen)])
async def test_a_view_shows_the_derivation_while_it_waits(
    make_app, monkeypatch: pytest.MonkeyPatch, key: str, view: type[EventsScreen]
) -> None:
    """The seeds derive in well under a second, so what the view was told is recorded (the
    handler observed, not replaced), and the line it showed is the last it was told before the list."""
    heard: list[tuple[str, str]] = []
    handler = EventsScreen.on_events_progress

    def observed(self: EventsScreen, message: EventsProgress) -> None:
        handler(self, message)
        heard.append((message.stage, screen_text(self.app)))

    monkeypatch.setattr(EventsScreen, "on_events_progress", observed)
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_view(pilot, key, view)
        await settle(pilot)
        stages = [stage for stage, _text in heard]
        assert stages[0] == LOADING_EVENTS and EXTRACTING in stages and stages[-1] == LINKING
        shown = dict(heard)
        assert "deriving events: linking stories…" in shown[LINKING]
        assert screen.loaded and "deriving events" not in screen_text(app)


async def test_a_view_open_when_the_index_changes_shows_the_new_derivation(indexed: Explorer) -> None:
    """The list shown stays until the new one is in; meanwhile the summary says what is done."""
    explorer = indexed
    heard: list[int] = []
    handler = EventsScreen.on_events_progress

    def observed(self: EventsScreen, message: EventsProgress) -> None:
        handler(self, message)
        heard.append(message.load)

    app = ExplorerApp(explorer, show_timing=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(EventsScreen, "on_events_progress", observed)
        async with app.run_test(size=NARROW) as pilot:
            screen = await open_view(pilot, "v", EventsScreen)
            await settle(pilot)
            first = screen.load_generation
            assert heard and set(heard) == {first}
            (explorer.corpus / "900_new.txt").write_text(
                "Fighting resumed in Panjshir on Tuesday.\n", encoding="utf-8"
            )
            app.start_indexing(update=True)
            await settle(pilot)
            assert screen.load_generation > first and heard[-1] == screen.load_generation
            assert screen.waiting_for(screen.load_generation) is False  # the new list is in
            assert "deriving events" not in screen_text(app)
            # a stale load's messages change nothing
            before = screen_text(app)
            screen.post_message(EventsProgress(first, 1, 5, EXTRACTING))
            screen.post_message(EventsLoaded([], load=first))
            await settle(pilot)
            assert screen_text(app) == before and screen.items


def test_a_caller_waiting_for_a_derivation_hears_how_far_it_got(indexed: Explorer) -> None:
    """Two callers at once: the one that waits on the explorer's lock hears the other's derivation."""
    explorer = indexed
    started, go_on = threading.Event(), threading.Event()
    first: list[Report] = []
    second: list[Report] = []

    def slow(done: int, total: int, stage: str) -> None:
        first.append((done, total, stage))
        if stage == EXTRACTING and not started.is_set():
            started.set()
            assert go_on.wait(60)  # hold the derivation until the second caller waits

    deriving = threading.Thread(target=explorer.events_table, args=(slow,))
    deriving.start()
    assert started.wait(60)
    waiting = threading.Thread(target=explorer.events_table, args=(lambda *r: second.append(r),))
    waiting.start()
    while not second:  # it joined, and was told the stage under way at once
        time.sleep(0.01)
    assert second[0] == (0, len(list(SEEDS.glob("*.txt"))), EXTRACTING)
    go_on.set()
    deriving.join(60)
    waiting.join(60)
    assert _stages(second) == _stages(first)[2:] and second[-1] == first[-1]
    reports: list[Report] = []
    explorer.events_table(lambda *r: reports.append(r))
    assert reports == []  # in memory now: nothing to wait for, nothing old told


def _drawn_at(columns: int) -> list[str]:
    """What a progress line draws on a real terminal ``columns`` wide, one string per redraw."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    with open(slave, "w", encoding="utf-8", closefd=True) as stream:
        progress = Progress(stream, "events", unit="articles")
        progress.update(6000, 20841, EXTRACTING)
        progress.update(20841, 20841, EXTRACTING)
        progress.update(0, 0, "a stage with a long name " * 4)
        progress.close()
    chunks = []
    while True:  # one read may return part of it: read until the closed side says so
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: everything written was read
            break
        if not chunk:
            break
        chunks.append(chunk)
    drawn = b"".join(chunks).decode()
    os.close(master)
    return [line for line in drawn.split("\r") if line]


def test_a_progress_line_fits_the_terminal() -> None:
    """A line wider than the terminal would wrap, and every redraw would add a row."""
    wide = _drawn_at(120)
    assert wide[0] == "events [" + "#" * 8 + "-" * 22 + "] 6000/20841 articles (extracting passages)"
    assert wide[-1] == "\x1b[K"
    at_80 = _drawn_at(80)
    assert at_80[0] == "events [" + "#" * 8 + "-" * 20 + "] 6000/20841 articles (extracting passages)"
    narrow = _drawn_at(50)  # the bar shrinks to 10, then the words are cut
    assert narrow[0].startswith("events [##--------] 6000/20841 articles")
    for lines, columns in ((wide, 120), (at_80, 80), (narrow, 50)):
        assert all(len(line) < columns for line in lines), (columns, [len(line) for line in lines])


def test_searches_go_on_while_events_are_derived(indexed: Explorer) -> None:
    """A derivation takes minutes on a large corpus; the search view must not wait for it."""
    explorer = indexed
    held, go_on = threading.Event(), threading.Event()

    def hold(_done: int, _total: int, stage: str) -> None:
        if stage == GROUPING and not held.is_set():
            held.set()
            assert go_on.wait(60)

    deriving = threading.Thread(target=explorer.events_table, args=(hold,))
    deriving.start()
    try:
        assert held.wait(60)  # the derivation is under way, past reading the articles
        found: list[int] = []
        searching = threading.Thread(target=lambda: found.append(len(explorer.search("Dashty").hits)))
        searching.start()
        searching.join(30)
        assert found and found[0] > 0, "the search waited for the derivation"
        assert explorer.article(explorer.search("Dashty").hits[0].id) is not None
    finally:
        go_on.set()
        deriving.join(60)
    assert explorer.events_table().event_numbers()


def test_a_failing_listener_is_dropped_and_the_others_go_on_hearing() -> None:
    broadcast = ProgressBroadcast()
    heard: list[Report] = []

    def broken(*_report: object) -> None:
        raise BrokenPipeError("stderr went away")

    broadcast.join(broken)
    broadcast.join(lambda *report: heard.append(report))
    broadcast(0, 5, EXTRACTING)  # the work goes on
    broadcast(5, 5, EXTRACTING)
    assert heard == [(0, 5, EXTRACTING), (5, 5, EXTRACTING)]
    late: list[Report] = []
    broadcast.join(lambda *report: late.append(report))
    assert late == [(5, 5, EXTRACTING)]  # told the latest report at once
    broadcast.finished()
    later: list[Report] = []
    broadcast.join(lambda *report: later.append(report))
    assert later == []  # nothing old once the work ended
