"""Pick which sources a search is limited to, from the keyboard.

The list comes from ``Explorer.sources()`` (each source with its article
count), read in a worker because it walks every stored article. Nothing
ticked means no source filter; the screen returns the ticked names, or
None when cancelled.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection

from search.explorer import Explorer

from ..messages import SourcesLoaded
from ..widgets.rich_text import one_line
from ..widgets.typeahead import TypeAhead
from .dialog import Dialog
from .keys import KeySection


class SourceList(TypeAhead, SelectionList[str]):
    """The ticked list of sources; space ticks, a ticks all, n ticks none, enter applies.

    ``enter`` is the list's own binding (not a priority one on the dialog) so that keys
    typed ahead keep their order: ``n`` then ``enter`` in one read ticks none, then applies.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.apply", "Apply", id="sources.apply"),
        Binding("a", "tick_all", "Tick all", id="sources.all"),
        Binding("n", "tick_none", "Tick none", id="sources.none"),
        Binding("j", "cursor_down", "Down", show=False, id="sources.down"),
        Binding("k", "cursor_up", "Up", show=False, id="sources.up"),
    ]

    def action_tick_all(self) -> None:
        self.select_all()

    def action_tick_none(self) -> None:
        self.deselect_all()


class SourcePicker(Dialog[tuple[str, ...]]):
    """Returns the ticked sources (empty: all sources), or None when cancelled."""

    def __init__(self, explorer: Explorer, current: tuple[str, ...]) -> None:
        super().__init__()
        self.explorer = explorer
        self.current = current

    def compose_body(self) -> ComposeResult:
        with Vertical(id="sources-dialog", classes="dialog"):
            yield Static(
                Content("Sources: space ticks, enter applies, none ticked = all"), classes="dialog-title"
            )
            yield SourceList(id="source-list")
            yield Static(Content("loading sources…"), id="sources-note", classes="dialog-note")

    def on_mount(self) -> None:
        self.query_one(SourceList).focus()
        self._load()

    @work(thread=True, exclusive=True, group="sources", exit_on_error=False)
    def _load(self) -> None:
        try:
            self.post_message(SourcesLoaded(self.explorer.sources()))
        except Exception as error:  # the picker stays usable: it just says why it is empty
            self.post_message(SourcesLoaded([], error=f"{type(error).__name__}: {error}"))

    def on_sources_loaded(self, message: SourcesLoaded) -> None:
        listing = self.query_one(SourceList)
        listing.clear_options()
        listing.add_options(
            [
                Selection(Content(f"{one_line(name)}  ({count})"), name, name in self.current)
                for name, count in message.sources
            ]
        )
        listing.highlighted = 0 if message.sources else None
        note = message.error or f"{len(message.sources)} sources · a: all · n: none · escape: cancel"
        self.query_one("#sources-note", Static).update(Content(note))

    def action_apply(self) -> None:
        self.dismiss(tuple(self.query_one(SourceList).selected))

    def key_sections(self) -> list[KeySection]:
        return [KeySection("Sources", self), KeySection("Source list", self.query_one(SourceList))]
