"""A scrolling container moved by pager keys (j/k, space/b, g/G) that never animates.

Animated scrolling sends a frame per step; jumping sends one. Over SSH that
difference is most of the bytes a scroll costs, so every action jumps.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll


class PagerScroll(VerticalScroll):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "scroll_down", "Scroll down", show=False, id="pager.down"),
        Binding("k,up", "scroll_up", "Scroll up", show=False, id="pager.up"),
        Binding("space,pagedown", "page_down", "Page down", show=False, id="pager.page-down"),
        Binding("b,pageup", "page_up", "Page up", show=False, id="pager.page-up"),
        Binding("g,home", "scroll_home", "Top", show=False, id="pager.top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="pager.bottom"),
    ]

    def action_scroll_down(self) -> None:
        self.scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.scroll_up(animate=False)

    def action_page_down(self) -> None:
        self.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.scroll_page_up(animate=False)

    def action_scroll_home(self) -> None:
        self.scroll_home(animate=False)

    def action_scroll_end(self) -> None:
        self.scroll_end(animate=False)
