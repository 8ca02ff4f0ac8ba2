"""The explorer's Textual app: keeps the index fresh, hosts the views, routes keys.

The CLI imports this module lazily (``explorer`` / ``explorer tui``), so
Textual is loaded only when the app opens. The app owns the one piece of
state every view shares, ``index_state``; indexing runs in a thread worker
and reports by message, and searching goes on against the previous index
while a stale one is rebuilt. Views are screens (``screens/``) made of
widgets (``widgets/``) that only display what the ``Explorer`` facade returns.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import ClassVar

from textual import work
from textual.actions import parse as parse_action
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen

from search.explorer import Explorer, IndexBusy
from search.models import CorpusWarning

from .gcfreeze import LongLived
from .messages import EntityRequested, IndexProgress, IndexReport
from .progress import throttled
from .screens.help import HelpScreen
from .screens.keys import KeyEntry, KeySection, catalogue
from .screens.search import SearchScreen
from .widgets.status import IndexState


class ExplorerApp(App[int]):
    """Search a news corpus from the keyboard."""

    CSS_PATH = "app.tcss"
    TITLE = "explorer"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark,f1", "help", "Help", id="app.help"),
    ]

    index_state: reactive[IndexState] = reactive(IndexState, init=False)

    def __init__(
        self,
        explorer: Explorer,
        *,
        query: str = "",
        exact: bool = False,
        show_timing: bool = True,
    ) -> None:
        """``show_timing`` False hides search times (snapshot tests need stable screens)."""
        super().__init__()
        self.explorer = explorer
        self.initial_query = query
        self.initial_exact = exact
        self.show_timing = show_timing
        self.set_reactive(ExplorerApp.index_state, IndexState(corpus=explorer.name))
        self.long_lived = LongLived()

    def get_default_screen(self) -> Screen:
        return SearchScreen(self.initial_query, self.initial_exact)

    def on_mount(self) -> None:
        self.start_indexing(update=False)

    def on_unmount(self) -> None:
        self.long_lived.release()  # the process may go on (tests, an embedding program)

    def settle_memory(self, moment: str) -> None:
        """Something big and lasting was just loaded (``moment``): see ``tui/gcfreeze.py``."""
        self.long_lived.settle(self.index_state.version, moment)

    # -- the index -------------------------------------------------------------

    def start_indexing(self, *, update: bool) -> None:
        """Build a missing index; with ``update``, also bring a stale one up to date.

        Searches keep running on the previous index meanwhile.
        """
        if self.index_state.busy:
            return
        if update:
            self.index_state = self.index_state.with_(busy=True, done=0, total=0, stage="", error=None)
        self._index(update)

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def _index(self, update: bool) -> None:
        explorer = self.explorer
        warnings = 0

        def warn(_warning: CorpusWarning) -> None:
            nonlocal warnings
            warnings += 1

        progress = throttled(lambda done, total, stage: self.post_message(IndexProgress(done, total, stage)))

        try:
            status = explorer.status()
            if status.exists:
                self.post_message(IndexReport(status, final=False))
            if update:
                summary = explorer.update(warn, progress)
            else:
                summary = explorer.ensure_index(warn, progress, update=False)
            status = explorer.status(check=True)
        except IndexBusy as error:
            self.post_message(IndexReport(None, error=f"another process is indexing ({error})"))
        except Exception as error:
            self.post_message(IndexReport(None, error=f"{type(error).__name__}: {error}"))
        else:
            self.post_message(IndexReport(status, summary, warnings, checked=True))

    def watch_index_state(self, old: IndexState, new: IndexState) -> None:
        if new.version != old.version:  # the old reader goes: let the collector see its cycles
            self.long_lived.release()

    def on_index_progress(self, message: IndexProgress) -> None:
        self.index_state = self.index_state.with_(
            busy=True, done=message.done, total=message.total, stage=message.stage
        )

    def on_index_report(self, message: IndexReport) -> None:
        state = self.index_state
        if message.final:
            state = state.with_(busy=False, done=0, total=0, error=message.error, checked=True)
        if message.status is not None:
            status = message.status
            changed = (status.exists and not state.exists) or (
                message.summary is not None and message.summary.changed
            )
            state = state.with_(
                articles=status.articles,
                exists=status.exists,
                checked=state.checked or message.checked,
                stale_files=(status.stale_files or 0) if message.checked else state.stale_files,
                version=state.version + 1 if changed else state.version,
            )
            if message.summary is not None:
                state = state.with_(warnings=message.warnings)
        self.index_state = state

    # -- entities ---------------------------------------------------------------

    def open_entity(self, entity_id: str) -> None:
        """Show the page of ``entity_id`` on top of the current view."""
        from .screens.entity import EntityScreen

        self.push_screen(EntityScreen(entity_id))

    def on_entity_requested(self, message: EntityRequested) -> None:
        self.open_entity(message.entity_id)

    def entities_changed(self) -> None:
        """A merge or split changed the entities: every view reloads (the search runs again)."""
        self.index_state = self.index_state.with_(version=self.index_state.version + 1)

    def search_for(self, query: str, article_id: str | None = None) -> None:
        """Back to the search view, running ``query`` there (and opening ``article_id`` in it)."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        screen = self.screen
        if isinstance(screen, SearchScreen):
            screen.search_for(query, article_id)

    # -- keys, help, palette --------------------------------------------------

    def key_sections(self, screen: Screen) -> list[KeySection]:
        """The key sections ``screen`` lists, or just the app's own keys."""
        sections = getattr(screen, "key_sections", None)
        return sections() if callable(sections) else [KeySection("Everywhere", self)]

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        self.push_screen(HelpScreen(self.key_sections(self.screen)))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every bound action of ``screen`` (read from the bindings), then Textual's own."""
        seen: set[str] = set()
        for _title, items in catalogue(self, self.key_sections(screen)):
            for entry in items:
                if entry.action == "command_palette" or entry.description in seen:
                    continue
                if not _enabled(entry):
                    continue
                seen.add(entry.description)
                yield SystemCommand(
                    entry.description,
                    f"key: {', '.join(entry.keys)}",
                    partial(self.run_action, entry.action, entry.node),
                )
        for command in super().get_system_commands(screen):
            if command.title not in seen and command.title != "Keys":
                yield command


def _enabled(entry: KeyEntry) -> bool:
    """Whether the entry's action is available now (its node's ``check_action`` says so)."""
    namespace, name, parameters = parse_action(entry.action)
    if namespace:
        return True  # runs elsewhere (app., screen.): always offered
    return entry.node.check_action(name, parameters) is not False


def run(explorer: Explorer, query: str = "", exact: bool = False) -> int:
    """Open the app on ``explorer``; the exit code for the CLI (which closes the explorer)."""
    app = ExplorerApp(explorer, query=query, exact=exact)
    app.run()
    return app.return_code or 0


__all__ = ["ExplorerApp", "run"]
