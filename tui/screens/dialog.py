"""The base of every screen opened on top of another: escape closes it, q still quits.

A modal screen cuts the app's bindings out of the key chain, so the keys
that must work everywhere (back, quit, help) are repeated here once, not in
each dialog.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen

from ..widgets.footer import ExplorerFooter
from .keys import KeySection

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="dialog.back"),
        Binding("q", "app.quit", "Quit", id="dialog.quit"),
        Binding("question_mark,f1", "app.help", "Help", id="dialog.help"),
    ]

    def compose(self) -> ComposeResult:
        yield from self.compose_body()
        yield ExplorerFooter()

    def compose_body(self) -> ComposeResult:
        """The dialog's own widgets (the footer is added after them)."""
        yield from ()

    def action_close(self) -> None:
        """Leave without a result."""
        self.dismiss(None)

    def key_sections(self) -> list[KeySection]:
        """What the help screen lists when opened from this dialog."""
        return [KeySection("Dialog", self)]
