"""Event derivation says how far it got: minutes at 100,000 articles the first time.

The engine reports its stages to a callback (``Explorer.events_table(progress)``); the
events and stories views show them in their summary line while they wait, and
`explorer events` draws them on stderr when it is a terminal (tests/test_cli_terminal.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from search.events.build import DESCRIBING, EXTRACTING, GROUPING, LINKING, extract_all
from search.explorer import LOADING_EVENTS, READING_ARTICLES, SAVING_EVENTS, UPDATING_EVENTS, Explorer
from search.models import Article
from tui.messages import EventsProgress
from tui.progress import throttled
from tui.screens.events import EventsScreen, StoriesScreen, progress_text

from .conftest import SEEDS
from .tui_fixtures import NARROW, open_view, screen_text, settle

Report = tuple[int, int, str]


def _stages(reports: list[Report]) -> list[str]:
    """The stages in the order they began."""
    seen: list[str] = []
    for _done, _total, stage in reports:
        if not seen or seen[-1] != stage:
            seen.append(stage)
    return seen


def test_a_derivation_reports_its_stages_and_counts_the_articles_it_extracts(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    explorer = Explorer.open(corpus, tmp_path / "ix")
    explorer.update()
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
        SAVING_EVENTS,
    ]
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
    again = Explorer.open(corpus, tmp_path / "ix")
    again.events_table(lambda *report: reports.append(report))
    assert _stages(reports) == [LOADING_EVENTS]

    # after a change, the table is updated around it
    (corpus / "900_new.txt").write_text(
        "Fighting resumed in the Panjshir valley on Tuesday.\n", encoding="utf-8"
    )
    assert again.update().added == 1
    reports.clear()
    again.events_table(lambda *report: reports.append(report))
    assert _stages(reports) == [LOADING_EVENTS, UPDATING_EVENTS, SAVING_EVENTS]
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
        assert stages[0] == LOADING_EVENTS and EXTRACTING in stages and stages[-1] == SAVING_EVENTS
        assert all(
            progress_text(0, 0, stage).split(" ")[0] in text for stage, text in heard if stage != EXTRACTING
        )
        assert "deriving events: linking stories…" in dict(heard)[LINKING]
        assert screen.loaded and "deriving events" not in screen_text(app)
