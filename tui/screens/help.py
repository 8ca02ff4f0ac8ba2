"""The help screen: every key of the screen it was opened from, generated from the bindings.

Because the list is read from the ``BINDINGS`` (see ``keys.py``), a key
added or changed anywhere shows up here without anyone editing a text.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from ..widgets.pager import PagerScroll
from .dialog import Dialog
from .keys import KeyEntry, KeySection, catalogue


def help_content(sections: list[tuple[str, list[KeyEntry]]]) -> Content:
    """Headings, then ``keys  description`` lines with the key column aligned in cells."""
    keys_width = max(
        (cell_len(", ".join(entry.keys)) for _title, items in sections for entry in items), default=0
    )
    lines: list[Content] = []
    for number, (title, items) in enumerate(sections):
        if number:
            lines.append(Content(""))
        lines.append(Content.styled(title, ".help--heading"))
        for entry in items:
            keys = Content(", ".join(entry.keys)).truncate(keys_width, pad=True)
            lines.append(Content.assemble("  ", (keys.plain, ".help--key"), "  ", entry.description))
    return Content("\n").join(lines)


class HelpScroll(PagerScroll):
    """The scrolling list of keys."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"help--heading", "help--key"}


class HelpScreen(Dialog[None]):
    """Keys for the screen underneath, plus the ones that work everywhere."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark,f1", "close", "Close help", id="help.close"),
    ]

    def __init__(self, sections: list[KeySection]) -> None:
        super().__init__()
        self.sections = sections

    def compose_body(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            yield Static(Content("Keys  (escape closes, j/k scroll, q quits)"), id="help-title")
            with HelpScroll(id="help-scroll"):
                yield Static(help_content(catalogue(self.app, self.sections)), id="help-text")

    def on_mount(self) -> None:
        self.query_one(HelpScroll).focus()

    def key_sections(self) -> list[KeySection]:
        return [KeySection("Help", self), KeySection("Scrolling", self.query_one(HelpScroll))]
