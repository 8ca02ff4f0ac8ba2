"""Limit searches to a date range: two inputs, checked as dates before they are applied.

Dates are checked with the engine's own parser so that what this dialog
accepts is exactly what the search filter understands. Returns
``(since, until)`` (either may be None), or None when cancelled.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label, Static

from search.dates import parse_date
from search.query import QueryError, filter_bounds

from ..widgets.typeahead import TypeAheadInput
from .dialog import Dialog
from .keys import KeySection

DateRange = tuple[str | None, str | None]


def check_date(value: str) -> str | None:
    """None when ``value`` is empty or a date the search filter accepts, else the problem."""
    value = value.strip()
    if not value or parse_date(value):
        return None
    return f"{value!r} is not a date; use YYYY-MM-DD"


def check_order(since: str, until: str) -> str | None:
    """None unless the range is empty (since after until), as the search filter decides it."""
    try:
        filter_bounds(since or None, until or None)
    except QueryError as error:
        return str(error)
    return None


class DateDialog(Dialog[DateRange]):
    """Since/until inputs; enter applies, an empty box means no bound."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "clear", "Clear both", id="dates.clear"),
    ]

    def __init__(self, since: str | None, until: str | None) -> None:
        super().__init__()
        self.since = since
        self.until = until

    def compose_body(self) -> ComposeResult:
        with Vertical(id="dates-dialog", classes="dialog"):
            yield Static(
                Content("Date range: enter applies, tab moves, escape cancels"), classes="dialog-title"
            )
            yield Label(Content("Since (YYYY-MM-DD)"))
            yield TypeAheadInput(self.since or "", placeholder="any date", id="since", compact=True)
            yield Label(Content("Until (YYYY-MM-DD)"))
            yield TypeAheadInput(self.until or "", placeholder="any date", id="until", compact=True)
            yield Static(Content(""), id="dates-note", classes="dialog-note")

    def on_mount(self) -> None:
        for box in self.query(Input):
            box.cursor_blink = False
        self.query_one("#since", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_apply()

    def action_apply(self) -> None:
        since = self.query_one("#since", Input).value.strip()
        until = self.query_one("#until", Input).value.strip()
        problem = check_date(since) or check_date(until) or check_order(since, until)
        if problem:
            self.query_one("#dates-note", Static).update(Content(problem))
            self.app.bell()
            return
        self.dismiss((since or None, until or None))

    def action_clear(self) -> None:
        self.query_one("#since", Input).value = ""
        self.query_one("#until", Input).value = ""

    def key_sections(self) -> list[KeySection]:
        return [KeySection("Date range", self)]
