"""The query box: a one-line input that never blinks.

A blinking cursor repaints twice a second forever, which over SSH is a
steady trickle of bytes for nothing, so the cursor is steady. Printable keys
go to the query; keys typed right after one that leaves the box (enter,
down, escape) follow the focus (see ``typeahead.py``).
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from .typeahead import TypeAheadInput

PLACEHOLDER = 'Search: words, "a phrase", OR, NOT, source:name (/ to come back here)'


class SearchBox(TypeAheadInput):
    """The query box; ``enter`` searches at once and goes to the hits, ``down`` goes there too."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.submit_query", "Search now", show=False, id="search.submit"),
        Binding("down", "screen.focus_results", "To results", show=False, id="search.to-results"),
    ]

    def __init__(self, value: str = "", *, id: str | None = None) -> None:
        super().__init__(value=value, placeholder=PLACEHOLDER, id=id, compact=True, select_on_focus=False)
        self.cursor_blink = False
