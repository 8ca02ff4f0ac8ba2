"""One search hit drawn as a few lines that always fit the width they get.

Titles and snippets come from scraped articles: they may hold CJK or emoji
(two cells wide), so every width here is counted in terminal cells
(``Content.cell_length``/``truncate``), never with ``len()``; that keeps the
date, source and title columns aligned from one hit to the next. The card
is a Textual ``Visual`` because only at render time is the width known.
"""

from __future__ import annotations

from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

from search.models import Hit

from .rich_text import plain, segments_content

DATE_CELLS = 10  # YYYY-MM-DD; times are left to the article pane
RANK_CELLS = 4  # cursor mark, rank, space: "> 12 "
CURSOR_MARK = ">"  # marks the hit under the cursor without relying on colour (NO_COLOR)
SNIPPET_LINES = 2
NO_DATE = "—"


def fit(content: Content, cells: int) -> Content:
    """``content`` cut (with an ellipsis) or padded to exactly ``cells`` cells."""
    if cells <= 0:
        return Content("")
    return content.truncate(cells, ellipsis=True, pad=True)


def source_cells(width: int) -> int:
    """How wide the source column is: a fifth of the line, between 6 and 20 cells."""
    return max(6, min(20, (width - RANK_CELLS - DATE_CELLS - 3) // 4))


class HitCard(Visual):
    """Rank, date, source and title on one line, then the snippet on up to two."""

    def __init__(self, hit: Hit, snippet_lines: int = SNIPPET_LINES) -> None:
        self.hit = hit
        self.snippet_lines = snippet_lines
        self._title = plain(hit.title)
        self._source = plain(hit.source)
        self._snippet = segments_content(hit.snippet, ".results--match")
        self.selected = False  # under the list's cursor: drawn with CURSOR_MARK
        self._cache: tuple[int, bool, list[Content]] | None = None

    def header(self, width: int) -> Content:
        """``> 1 2021-09-06 source        Title…`` cut to ``width`` cells."""
        mark = CURSOR_MARK if self.selected else " "
        rank = mark + str(self.hit.rank).rjust(RANK_CELLS - 2) + " "
        date = (self.hit.date or NO_DATE)[:DATE_CELLS].ljust(DATE_CELLS) + " "
        source = fit(self._source, source_cells(width)).plain
        if self.selected:  # on the cursor bar the columns keep its colours, for contrast in any palette
            line = Content.assemble(rank, date, source, " ", (self._title.plain, ".results--title"))
        else:
            line = Content.assemble(
                (rank, ".results--rank"),
                (date, ".results--date"),
                (source, ".results--source"),
                " ",
                (self._title.plain, ".results--title"),
            )
        return line.truncate(width, ellipsis=True)

    def snippet(self, width: int) -> list[Content]:
        """The snippet wrapped under the title, at most ``snippet_lines`` lines."""
        indent = RANK_CELLS
        inner = width - indent
        if inner < 8 or not self._snippet or self.snippet_lines <= 0:
            return []
        lines = self._snippet.wrap(inner)
        if len(lines) > self.snippet_lines:
            keep = lines[: self.snippet_lines - 1]
            rest = Content(" ").join(line.rstrip() for line in lines[self.snippet_lines - 1 :])
            lines = [*keep, rest.truncate(inner, ellipsis=True)]
        return [Content(" " * indent) + line.rstrip() for line in lines]

    def lines(self, width: int) -> list[Content]:
        if self._cache is None or self._cache[:2] != (width, self.selected):
            self._cache = (width, self.selected, [self.header(width), *self.snippet(width)])
        return self._cache[2]

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        strips: list[Strip] = []
        for line in self.lines(width):
            strips.extend(line.render_strips(width, 1, style, options))
        return strips[:height] if height is not None else strips

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return container_width

    def get_height(self, rules: RulesMap, width: int) -> int:
        return len(self.lines(width))
