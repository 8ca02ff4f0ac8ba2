"""The footer, with help and quit pinned to its right end.

Textual lists bindings from the focused widget outwards, so the app's own
keys (``?`` help, ``q`` quit) come last and an 80-column terminal cuts them
off first. They are the two a newcomer needs most: the pinned ones stay in
view at any width, as Textual pins the command palette's key.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

PINNED_ACTIONS = frozenset({"help", "app.help", "quit", "app.quit"})


class ExplorerFooter(Footer):
    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=False)

    def compose(self) -> ComposeResult:
        pinned: list[FooterKey] = []
        columns = 0
        for widget in super().compose():
            if isinstance(widget, FooterKey) and widget.action in PINNED_ACTIONS:
                pinned.append(widget)
                continue
            columns += 1
            yield widget
        self.styles.grid_size_columns = max(1, columns)
        if pinned:  # one docked group: widgets docked to the same edge would overlap
            yield HorizontalGroup(*pinned, classes="footer-pinned")
