"""Fixtures and helpers for the TUI tests: a real index of the seeds, the real app.

``tests/conftest.py`` imports the ``*_fixture`` functions, so pytest offers
them to every test under their ``name`` (``make_app``, ``seed_explorer``,
``built_seed_index``); test modules import only the helpers.

The seed index is built once per session and copied for each test (a copy
takes milliseconds, a build does not), so a test may re-index or break its
own copy freely. Waiting is done on the app's own state (pending debounce,
running workers), never with fixed sleeps.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.screen import Screen

from search.explorer import Explorer
from tui.app import ExplorerApp
from tui.screens.search import SearchScreen
from tui.widgets.article import ArticlePane

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SETTLE_ROUNDS = 50  # upper bound on wait rounds; each is a worker wait plus a short pause
NARROW = (80, 24)  # the smallest terminal the app is made for: one pane at a time
WIDE = (160, 40)  # wide enough for hits and article side by side, and every compare column

ScreenT = TypeVar("ScreenT", bound=Screen)


@pytest.fixture(scope="session", name="built_seed_index")
def built_seed_index_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds indexed once for the whole session (do not modify: copy it)."""
    index = tmp_path_factory.mktemp("seed-index") / "ix"
    Explorer.open(SEEDS, index).update()
    return index


@pytest.fixture(name="seed_explorer")
def seed_explorer_fixture(built_seed_index: Path, tmp_path: Path) -> Explorer:
    """An explorer on the seeds with a private, already built index."""
    index = tmp_path / "ix"
    shutil.copytree(built_seed_index, index)
    explorer = Explorer.open(SEEDS, index)
    yield explorer
    explorer.close()


@pytest.fixture(name="make_app")
def make_app_fixture(seed_explorer: Explorer) -> Callable[..., ExplorerApp]:
    """Build the app on the seeds; timings hidden so screens are comparable."""

    def make(query: str = "", exact: bool = False, explorer: Explorer | None = None) -> ExplorerApp:
        return ExplorerApp(explorer or seed_explorer, query=query, exact=exact, show_timing=False)

    return make


async def settle(pilot: Pilot) -> None:
    """Wait until the view on top has nothing pending and no worker runs, then let the screen catch up.

    A view with a debounce (the search box, the entities filter) says so by its ``pending``
    property; until its timer fires there is nothing for the workers to do yet.
    """
    app = pilot.app
    for _round in range(SETTLE_ROUNDS):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if getattr(app.screen, "pending", False):
            await pilot.pause(0.05)
            continue
        if not any(worker.is_running for worker in app.workers):
            break
    await pilot.pause()


def end_burst(screen: Any) -> None:
    """The search box's burst of keys ends: its waiting search runs, as its timer would start
    it (for tests that lengthen the debounce so that no timer fires before they say so)."""
    if screen._debounce is not None:
        screen._debounce.stop()
        screen._debounced()


async def press_to(pilot: Pilot, *keys: str, expect: type[ScreenT]) -> ScreenT:
    """Press ``keys``, wait, and check that ``expect`` is the screen that came up; that screen."""
    await pilot.press(*keys)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, expect)
    return screen


async def open_view(pilot: Pilot, key: str, screen_type: type[ScreenT]) -> ScreenT:
    """From the search box: leave it, press ``key``, wait, and check that ``screen_type`` came up."""
    await settle(pilot)
    return await press_to(pilot, "escape", key, expect=screen_type)


async def type_text(pilot: Pilot, text: str) -> None:
    """Type ``text`` key by key, as a person would."""
    await pilot.press(*[_key(char) for char in text])


def _key(char: str) -> str:
    return {" ": "space", "?": "question_mark", "/": "slash", '"': "quotation_mark"}.get(char, char)


async def open_first_hit(pilot: Pilot) -> ArticlePane:
    """With a query run: enter (to the hits), enter (open the first), wait; the article pane."""
    await settle(pilot)
    await pilot.press("enter", "enter")
    await settle(pilot)
    return search_screen(pilot.app).query_one(ArticlePane)


def rendered(widget) -> str:  # type: ignore[no-untyped-def]
    """The plain text a Static-like widget shows."""
    return str(widget.render())


def search_screen(app: ExplorerApp) -> SearchScreen:
    """The search view, wherever the screen stack is."""
    screen = app.screen_stack[0] if app.screen_stack else app.screen
    assert isinstance(screen, SearchScreen)
    return screen


def screen_text(app: ExplorerApp) -> str:
    """What the terminal shows, as plain text (colour and styles dropped)."""
    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), record=True, color_system=None, legacy_windows=False
    )
    # The same render export_screenshot() makes, kept as text instead of SVG.
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()
