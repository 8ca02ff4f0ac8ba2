"""Pilot tests of the events view and the compare view, on the real seed index at 80x24."""

from __future__ import annotations

from textual.pilot import Pilot

from tui.screens.compare import CompareScreen, visible_columns
from tui.screens.events import EventList, EventsScreen
from tui.screens.search import SearchScreen

from .tui_fixtures import (
    NARROW,
    WIDE,
    open_first_hit,
    open_view,
    press_to,
    screen_text,
    settle,
    type_text,
)


async def open_events(pilot: Pilot) -> EventsScreen:
    """From the search box: leave it, press v, wait for the list."""
    return await open_view(pilot, "v", EventsScreen)


def dashti_index(screen: EventsScreen) -> int:
    for index, event in enumerate(screen.shown):
        if any("Dasht" in passage.text for passage in event.passages) and "killed" in event.label:
            return index
    raise AssertionError("no event of the spokesman's death listed")


async def open_dashti_compare(pilot: Pilot) -> CompareScreen:
    screen = await open_events(pilot)
    index = dashti_index(screen)
    await pilot.press("down")
    screen.query_one(EventList).highlighted = index
    return await press_to(pilot, "enter", expect=CompareScreen)


async def test_v_lists_events_most_sources_first(make_app) -> None:
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_events(pilot)
        counts = [len(event.sources) for event in screen.shown]
        assert counts == sorted(counts, reverse=True)
        index = dashti_index(screen)
        assert len(screen.shown[index].sources) >= 3
        text = screen_text(app)
        assert "src" in text and "most sources first" in text


async def test_typing_filters_the_events(make_app) -> None:
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_events(pilot)
        everything = len(screen.shown)
        await type_text(pilot, "dasht")
        await settle(pilot)
        assert 0 < len(screen.shown) < everything
        assert all("dasht" in (e.label + " ".join(p.text for p in e.passages)).lower() for e in screen.shown)
        dashti_index(screen)


async def test_compare_shows_sources_and_the_spelling_difference(make_app) -> None:
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        compare = await open_dashti_compare(pilot)
        assert compare.comparison is not None
        total = len(compare.comparison.columns)
        assert total >= 3
        assert compare.count == 2
        text = screen_text(app)
        assert f"sources 1-2 of {total}" in text
        differences = str(app.screen.query_one("#compare-differences").render())
        assert "Dashti" in differences and "Dashty" in differences
        assert "spelling" in differences
        await pilot.press("l")
        await settle(pilot)
        assert compare.first == min(2, total - 2)
        assert f"sources {compare.first + 1}-{compare.first + 2} of {total}" in screen_text(app)
        await pilot.press("right")
        await settle(pilot)
        assert compare.first + 2 == total
        await pilot.press("h")
        await settle(pilot)
        assert compare.first < total - 2
        await pilot.press("left", "left")
        await settle(pilot)
        assert compare.first == 0


async def test_brackets_move_across_events_and_escape_goes_back(make_app) -> None:
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        compare = await open_dashti_compare(pilot)
        first_event = compare.comparison.event.id
        start = compare.index
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert compare.index == start + 1
        assert compare.comparison.event.id != first_event
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert compare.comparison.event.id == first_event
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, EventsScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)


async def test_wide_terminal_shows_every_source(make_app) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        compare = await open_dashti_compare(pilot)
        total = len(compare.comparison.columns)
        assert compare.count == total
        assert f"{total} sources" in screen_text(app)


async def test_article_events_key(make_app) -> None:
    app = make_app(query="Dashty")
    async with app.run_test(size=NARROW) as pilot:
        await open_first_hit(pilot)
        await pilot.press("E")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EventsScreen)
        assert screen.article_id is not None
        assert screen.shown
        assert all(screen.article_id in event.articles for event in screen.shown)


def test_visible_columns() -> None:
    assert visible_columns(77, 4) == 2
    assert visible_columns(157, 4) == 4
    assert visible_columns(30, 4) == 1
    assert visible_columns(200, 2) == 2


async def test_stories_view_lists_stories_and_their_events(make_app) -> None:
    from tui.screens.events import StoriesScreen

    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_view(pilot, "s", StoriesScreen)
        assert screen.shown
        counts = [len(story.sources) for story in screen.shown]
        assert counts == sorted(counts, reverse=True)
        story = next(s for s in screen.shown if s.events)
        screen.query_one(EventList).highlighted = screen.shown.index(story)
        await pilot.press("down")
        screen.query_one(EventList).highlighted = screen.shown.index(story)
        await pilot.press("enter")
        await settle(pilot)
        events = app.screen
        assert isinstance(events, EventsScreen) and not isinstance(events, StoriesScreen)
        assert {event.id for event in events.shown} == set(story.events)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
