"""Fixtures and helpers for the TUI tests: a real index of the seeds, the real app.

Test modules import the ``*_fixture`` functions; pytest registers them under
their ``name`` (``make_app``, ``seed_explorer``, ``built_seed_index``).

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

import pytest
from rich.console import Console
from textual.pilot import Pilot

from search.explorer import Explorer
from tui.app import ExplorerApp
from tui.screens.search import SearchScreen

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SETTLE_ROUNDS = 50  # upper bound on wait rounds; each is a worker wait plus a short pause


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
    """Wait until no search or preview is pending and no worker runs, then let the screen catch up."""
    app = pilot.app
    for _round in range(SETTLE_ROUNDS):
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        pending = isinstance(screen, SearchScreen) and screen.pending
        if pending:
            await pilot.pause(0.05)
            continue
        if not any(worker.is_running for worker in app.workers):
            break
    await pilot.pause()


async def type_text(pilot: Pilot, text: str) -> None:
    """Type ``text`` key by key, as a person would."""
    await pilot.press(*[_key(char) for char in text])


def _key(char: str) -> str:
    return {" ": "space", "?": "question_mark", "/": "slash", '"': "quotation_mark"}.get(char, char)


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
