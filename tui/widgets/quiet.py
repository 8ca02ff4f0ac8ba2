"""A Static that repaints only when what it shows actually changed.

Textual rewrites a widget's whole region whenever ``update`` is called, even
with the same content. Over SSH those are wasted bytes on every keystroke
(the same "no hits" line, the same status), so updates that change nothing
are dropped here.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class QuietStatic(Static):
    def __init__(
        self, *, id: str | None = None, classes: str | None = None, fixed_height: bool = False
    ) -> None:
        """``fixed_height``: the height never depends on the content, so no re-layout is needed."""
        super().__init__(id=id, classes=classes, markup=False)
        self._shown: Content | None = None
        self._fixed_height = fixed_height

    def show_content(self, content: Content) -> None:
        """Display ``content`` unless it is already displayed (same text, same styles)."""
        if self._shown is not None and self._shown.is_same(content):
            return
        self._shown = content
        self.update(content, layout=not self._fixed_height)
