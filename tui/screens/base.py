"""The base of the explorer's full screens: typed access to the app they run in.

Textual types ``Screen.app`` as any ``App``; the search, entity, compare and
listing screens all need the ``ExplorerApp`` behind it (its explorer, its
``open_entity``), so the one cast lives here rather than in each screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

if TYPE_CHECKING:
    from ..app import ExplorerApp


class ExplorerScreen(Screen[None]):
    """A full screen of the explorer (dialogs are ``Dialog``s)."""

    @property
    def explorer_app(self) -> ExplorerApp:
        """The app, as the ``ExplorerApp`` it always is."""
        return self.app  # type: ignore[return-value]
