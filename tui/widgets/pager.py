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

    def _jump(self, y: float) -> None:
        """Scroll to ``y`` now: a deferred scroll would make a burst of keys (a held `j`, keys
        that arrive together over a slow link) start from the same old position, moving once."""
        self.scroll_to(y=y, animate=False, immediate=True)

    def action_scroll_down(self) -> None:
        self._jump(self.scroll_y + 1)

    def action_scroll_up(self) -> None:
        self._jump(self.scroll_y - 1)

    def action_page_down(self) -> None:
        self._jump(self.scroll_y + self.scrollable_content_region.height)

    def action_page_up(self) -> None:
        self._jump(self.scroll_y - self.scrollable_content_region.height)

    def action_scroll_home(self) -> None:
        self._jump(0)

    def action_scroll_end(self) -> None:
        self._jump(self.max_scroll_y)
