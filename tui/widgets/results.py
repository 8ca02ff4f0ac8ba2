"""The ranked hits of the last search, one card per hit, driven from the keyboard.

An ``OptionList`` does the cursor, scrolling and mouse work; each option's
prompt is a ``HitCard`` that lays itself out for the width it is given. The
option id is the article id, so selecting a hit tells the screen which
article to open without any lookup.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from search.models import Hit, SearchResult

from .hit_card import HitCard
from .typeahead import TypeAhead


class ResultsList(TypeAhead, OptionList):
    """The hit list; ``enter`` opens the highlighted article."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.open_hit", "Open", id="results.open"),
        Binding("j", "cursor_down", "Next hit", show=False, id="results.next"),
        Binding("k", "cursor_up", "Previous hit", show=False, id="results.previous"),
        Binding("g", "first", "First hit", show=False, id="results.first"),
        Binding("G", "last", "Last hit", show=False, id="results.last"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "results--rank",
        "results--date",
        "results--source",
        "results--title",
        "results--match",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.result: SearchResult | None = None

    def show(self, result: SearchResult | None) -> bool:
        """Replace the list with ``result``'s hits, cursor on the first; whether it was replaced.

        When the hits are the ones already listed (typing on in a query with
        no hits, say), nothing is redrawn; when they continue the ones listed
        (a longer page of the same search), the new ones are appended and the
        cursor stays where it is.
        """
        old_hits = self.result.hits if self.result is not None else ()
        new_hits = result.hits if result is not None else ()
        self.result = result
        listed = self.option_count == len(old_hits)
        if old_hits == new_hits and listed:
            return False
        if old_hits and listed and new_hits[: len(old_hits)] == old_hits:
            self.add_options([Option(HitCard(hit), id=hit.id) for hit in new_hits[len(old_hits) :]])
            return False
        # One replacement, not clear_options() then add_options(): clearing first shrinks the
        # list to nothing, which hides the scroll bar and re-lays the screen out, and adding
        # shows the bar and lays it out again; replaced in one go, a page of the same height
        # as the last (the usual case while typing) needs no layout at all.
        if not new_hits:
            self.clear_options()
            return True
        self.set_options([Option(HitCard(hit), id=hit.id) for hit in new_hits])
        self.highlighted = 0
        return True

    def watch_highlighted(self, highlighted: int | None) -> None:
        """Move the cursor mark (visible without colour) to the highlighted card."""
        for index, option in enumerate(self.options):
            prompt = option.prompt
            if isinstance(prompt, HitCard):
                prompt.selected = index == highlighted
        super().watch_highlighted(highlighted)
        self.refresh()

    @property
    def current_hit(self) -> Hit | None:
        """The highlighted hit, if any."""
        if self.result is None or self.highlighted is None:
            return None
        if 0 <= self.highlighted < len(self.result.hits):
            return self.result.hits[self.highlighted]
        return None
