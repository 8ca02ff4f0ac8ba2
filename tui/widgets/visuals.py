"""A ``Visual`` drawn as whole lines of ``Content``, laid out for the width it gets.

Hit cards, the entity page's details and the compare grid only learn their
width at render time, and Textual asks for the height (``get_height``) and
then the strips (``render_strips``) at the same width, so each lays itself
out once per width and keeps the lines. What differs between them is only
how the lines are made (``layout``) and what, besides the width, changes
them (``cache_key``); the drawing, the measuring and the cache live here.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual


class LinesVisual(Visual):
    """Lines laid out by ``layout(width)``, cached per ``cache_key(width)``, one strip a line."""

    _cache: tuple[Hashable, list[Content]] | None = None

    def layout(self, width: int) -> list[Content]:
        """The lines for ``width`` cells (each at most that wide); subclasses say how."""
        raise NotImplementedError

    def cache_key(self, width: int) -> Hashable:
        """What the lines depend on besides the visual's own data: the width, unless said otherwise."""
        return width

    def lines(self, width: int) -> list[Content]:
        """The lines for ``width``, laid out again only when ``cache_key`` changed."""
        key = self.cache_key(width)
        if self._cache is None or self._cache[0] != key:
            self._cache = (key, self.layout(width))
        return self._cache[1]

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        strips: list[Strip] = []
        for line in self.lines(width):
            strips.extend(line.render_strips(width, 1, style, options))
        return strips[:height] if height is not None else strips

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return container_width  # as wide as it is allowed: the lines are laid out for that width

    def get_height(self, rules: RulesMap, width: int) -> int:
        return len(self.lines(width))
