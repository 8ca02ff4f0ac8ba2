"""Snapshots of the main screens at 80x24 (and one wide layout), reviewed by eye before commit.

Timings are hidden (``show_timing=False``) and every wait is on the app's
own state, so the screens are the same on every run. Update with
``pytest tests/test_tui_snapshots.py --snapshot-update`` and look at the
SVGs in tests/__snapshots__/ before committing them.
"""

from __future__ import annotations

from textual.pilot import Pilot

from .tui_fixtures import NARROW, settle


def keys(*presses: str):  # type: ignore[no-untyped-def]
    """A run_before that waits for the app, presses keys one by one, and waits again."""

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        for key in presses:
            await pilot.press(key)
            await settle(pilot)

    return run_before


def test_snapshot_search_with_results(snap_compare, make_app) -> None:
    assert snap_compare(make_app(query="Dashty"), terminal_size=NARROW, run_before=keys())


def test_snapshot_hits_focused(snap_compare, make_app) -> None:
    assert snap_compare(make_app(query="Dashty"), terminal_size=NARROW, run_before=keys("enter", "j"))


def test_snapshot_article_open_on_a_match(snap_compare, make_app) -> None:
    assert snap_compare(
        make_app(query="Dashty"), terminal_size=NARROW, run_before=keys("enter", "enter", "n", "n")
    )


def test_snapshot_help(snap_compare, make_app) -> None:
    assert snap_compare(
        make_app(query="Dashty"), terminal_size=NARROW, run_before=keys("escape", "question_mark")
    )


def test_snapshot_source_picker(snap_compare, make_app) -> None:
    assert snap_compare(make_app(query="Dashty"), terminal_size=NARROW, run_before=keys("escape", "f"))


def test_snapshot_wide_layout(snap_compare, make_app) -> None:
    assert snap_compare(
        make_app(query="Dashty"), terminal_size=(140, 36), run_before=keys("enter", "enter", "n")
    )


def test_snapshot_entities_view(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), terminal_size=NARROW, run_before=keys("escape", "e", "down", "j", "j"))


def test_snapshot_entity_page(snap_compare, make_app) -> None:
    assert snap_compare(
        make_app(), terminal_size=NARROW, run_before=keys("escape", "e", "d", "a", "s", "h", "enter", "enter")
    )


def test_snapshot_article_with_a_name_selected(snap_compare, make_app) -> None:
    assert snap_compare(
        make_app(query="Dashty"),
        terminal_size=NARROW,
        run_before=keys("enter", "enter", "n", "right_square_bracket", "right_square_bracket"),
    )


def test_snapshot_compare_view(snap_compare, make_app) -> None:
    """The event of the spokesman's death, found by the filter (list order may change), sources 1-2 of 4."""
    found = keys("escape", "v", *"Dashty", "space", *"killed", "enter", "enter")
    assert snap_compare(make_app(), terminal_size=NARROW, run_before=found)
