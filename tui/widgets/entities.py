"""What the entities view and the entity page draw: one-line rows, the page's details, the query.

Names, spellings, roles, sources and evidence all come from the corpus, so
every one goes through ``one_line`` (control and bidi characters made
visible) and into ``Content`` directly, never through markup. Rows are
``Visual``s that lay themselves out for the width they get, measured in
terminal cells, with a ``>`` cursor mark that survives NO_COLOR.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from ..messages import EntityArticle
from .hit_card import CURSOR_MARK, DATE_CELLS, NO_DATE, fit, source_cells
from .pager import PagerScroll
from .quiet import QuietStatic
from .rich_text import one_line
from .typeahead import TypeAhead
from .visuals import LinesVisual

if TYPE_CHECKING:
    from search.entities.model import Entity

COUNT_CELLS = 5  # cursor mark and a right-aligned article count: "> 123"
KIND_CELLS = 7  # person, org, place, other, unknown
SPELLING_CELLS = 28  # widest spelling column on the entity page before it is cut
SOURCES_SHOWN = 8  # sources listed per spelling; the rest are counted


# -- the query and the filter --------------------------------------------------------


def spellings_query(entity: Entity) -> str:
    """A query OR-ing every spelling of ``entity`` as a quoted phrase, most used first."""
    phrases = []
    for spelling in entity.spellings:
        words = " ".join(spelling.replace('"', " ").split())
        if words and f'"{words}"' not in phrases:
            phrases.append(f'"{words}"')
    return " OR ".join(phrases)


def fold_text(text: str) -> str:
    """Lower case without accents, for matching what is typed against names."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def filter_key(entity: Entity) -> str:
    """Every spelling of ``entity`` folded, one a line: what the filter looks in."""
    return "\n".join(fold_text(spelling) for spelling in entity.spellings)


def matches_filter(key: str, words: Sequence[str]) -> bool:
    """Every typed word occurs in the entity's spellings (as part of a word or a whole one)."""
    return all(word in key for word in words)


# -- rows ---------------------------------------------------------------------------


class Row(Visual):
    """One line of a list, drawn for the width it gets; ``selected`` puts the cursor mark on it."""

    selected = False

    def line(self, width: int) -> Content:
        raise NotImplementedError

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return self.line(width).truncate(width, ellipsis=True).render_strips(width, 1, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return container_width

    def get_height(self, rules: RulesMap, width: int) -> int:
        return 1

    def mark(self) -> str:
        return CURSOR_MARK if self.selected else " "


class EntityRow(Row):
    """``>    5 person  Fahim Dashti  also Fahim Dashty, Dashty``."""

    def __init__(self, entity: Entity) -> None:
        self.entity = entity
        self._name = one_line(entity.name)
        others = [one_line(spelling) for spelling in entity.spellings if spelling != entity.name]
        self._also = f"  also {', '.join(others)}" if others else ""

    def line(self, width: int) -> Content:
        count = self.mark() + str(self.entity.article_count).rjust(COUNT_CELLS - 1) + " "
        kind = self.entity.kind[:KIND_CELLS].ljust(KIND_CELLS) + " "
        if self.selected:  # on the cursor bar the columns keep its colours, for contrast in any palette
            return Content.assemble(count, kind, (self._name, ".entities--name"), self._also)
        return Content.assemble(
            (count, ".entities--count"),
            (kind, ".entities--kind"),
            (self._name, ".entities--name"),
            (self._also, ".entities--also"),
        )


class SearchRow(Row):
    """The entity page's first line: enter here searches for every spelling."""

    def __init__(self, query: str, spellings: int) -> None:
        self.query = query
        noun = {1: "spelling", 2: "both spellings"}.get(spellings, f"all {spellings} spellings")
        self._label = f"Search {noun}: "
        self._query = one_line(query)

    def line(self, width: int) -> Content:
        if self.selected:
            return Content.assemble(self.mark() + " ", (self._label, ".entity--action"), self._query)
        return Content.assemble("  ", (self._label, ".entity--action"), (self._query, ".entity--query"))


class SpellingRow(Row):
    """``> Fahim Dashty  ×4`` in the split dialog."""

    def __init__(self, spelling: str, count: int) -> None:
        self.spelling = spelling
        self._text = f"{one_line(spelling)}  ×{count}"

    def line(self, width: int) -> Content:
        return Content(f"{self.mark()} {self._text}")


class ArticleRow(Row):
    """``> 2021-09-06 source               Title`` of one of the entity's articles."""

    def __init__(self, article: EntityArticle) -> None:
        self.article = article
        self._source = Content(one_line(article.source))
        self._title = one_line(article.title) or one_line(article.id)

    def line(self, width: int) -> Content:
        date = (self.article.date or NO_DATE)[:DATE_CELLS].ljust(DATE_CELLS) + " "
        source = fit(self._source, source_cells(width)).plain + " "
        lead = self.mark() + " "
        if self.selected:
            return Content.assemble(lead, date, source, (self._title, ".entity--title"))
        return Content.assemble(
            lead, (date, ".entity--date"), (source, ".entity--source"), (self._title, ".entity--title")
        )


class RowList(TypeAhead, OptionList):
    """An option list of ``Row``s that moves the cursor mark with the highlight."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="rows.down"),
        Binding("k", "cursor_up", "Up", show=False, id="rows.up"),
        Binding("g", "first", "First", show=False, id="rows.first"),
        Binding("G", "last", "Last", show=False, id="rows.last"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)

    def watch_highlighted(self, highlighted: int | None) -> None:
        for index, option in enumerate(self.options):
            prompt = option.prompt
            if isinstance(prompt, Row):
                prompt.selected = index == highlighted
        super().watch_highlighted(highlighted)
        self.refresh()

    def show_rows(self, rows: Sequence[tuple[Row, str | None]]) -> None:
        """Replace the list with ``rows`` (prompt, option id), cursor on the first."""
        self.clear_options()
        if rows:
            self.add_options([Option(row, id=option_id) for row, option_id in rows])
            self.highlighted = 0

    @property
    def current_row(self) -> Row | None:
        """The row under the cursor; None when the list is empty (or the cursor is off it)."""
        if self.highlighted is None or not 0 <= self.highlighted < self.option_count:
            return None
        prompt = self.get_option_at_index(self.highlighted).prompt
        return prompt if isinstance(prompt, Row) else None


class EntityList(RowList):
    """The entities view's list; ``enter`` opens the highlighted entity's page."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.open_entity", "Open", id="entities.open"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "entities--count",
        "entities--kind",
        "entities--name",
        "entities--also",
    }

    def show(self, entities: Sequence[Entity]) -> None:
        self.show_rows([(EntityRow(entity), entity.id) for entity in entities])

    @property
    def current_entity(self) -> Entity | None:
        row = self.current_row
        return row.entity if isinstance(row, EntityRow) else None


class EntityArticles(RowList):
    """The entity page's list: the search action, then the articles; ``enter`` runs or opens."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.open_item", "Open", id="entity.open"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "entity--action",
        "entity--query",
        "entity--date",
        "entity--source",
        "entity--title",
    }

    def show(self, query: str, spellings: int, articles: Sequence[EntityArticle]) -> None:
        rows: list[tuple[Row, str | None]] = [(SearchRow(query, spellings), None)]
        rows.extend((ArticleRow(article), article.id) for article in articles)
        keep = self.highlighted if self.option_count == len(rows) else None
        self.show_rows(rows)
        if keep is not None:
            self.highlighted = keep  # a refresh after a correction keeps the cursor where it was

    @property
    def current_article(self) -> EntityArticle | None:
        """The highlighted article; None on the search line."""
        row = self.current_row
        return row.article if isinstance(row, ArticleRow) else None


class EntityFilter(TypeAhead, Input):
    """The entities view's filter box; ``enter`` or ``down`` goes to the list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.submit_filter", "To the list", show=False, id="entities.submit"),
        Binding("down", "screen.focus_list", "To the list", show=False, id="entities.to-list"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            placeholder="Filter: part of a name or spelling (enter: to the list, esc: back)",
            id=id,
            compact=True,
            select_on_focus=False,
        )
        self.cursor_blink = False


# -- the entity page's details -------------------------------------------------------


class EntityBar(QuietStatic):
    """The entity page's top line: name, kind, counts."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"entity--name"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, fixed_height=True)


class EntityDetailsScroll(PagerScroll):
    """The scrolling details of an entity (tab reaches it when they are longer than the space)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "entity--heading",
        "entity--spelling",
        "entity--count",
        "entity--sources",
    }


class Hanging(LinesVisual):
    """Lines that wrap with a hanging indent: continuation lines start under the text, not at 0."""

    def __init__(self, lines: Sequence[tuple[int, Content]]) -> None:
        self.paragraphs = list(lines)  # (indent, content)

    def layout(self, width: int) -> list[Content]:
        out: list[Content] = []
        for indent, content in self.paragraphs:
            if not content.plain:
                out.append(Content(""))
                continue
            hang = indent + 2
            first, *rest = content.wrap(max(1, width - indent))
            out.append(Content(" " * indent) + first.rstrip())
            if rest:
                tail = Content(" ").join(line.rstrip() for line in rest)
                out.extend(Content(" " * hang) + line.rstrip() for line in tail.wrap(max(1, width - hang)))
        return out


def spelling_sources(entity: Entity, spelling: str) -> list[tuple[str, int]]:
    """The sources that write ``spelling``, with how often, most first."""
    used = [(source, names[spelling]) for source, names in entity.sources.items() if spelling in names]
    return sorted(used, key=lambda item: (-item[1], item[0]))


def entity_details(entity: Entity) -> Hanging:
    """Spellings (count, sources using each), roles, kind cues, and the evidence for each merge."""
    lines: list[tuple[int, Content]] = []
    heading = ".entity--heading"
    lines.append((0, Content.styled("Spellings (mentions, sources that use them)", heading)))
    spellings = [(one_line(spelling), count) for spelling, count in entity.spellings.items()]
    column = min(SPELLING_CELLS, max((cell_len(text) for text, _count in spellings), default=0))
    for (text, count), spelling in zip(spellings, entity.spellings, strict=True):
        sources = spelling_sources(entity, spelling)
        shown = ", ".join(
            one_line(source) + (f" ×{uses}" if uses > 1 else "") for source, uses in sources[:SOURCES_SHOWN]
        )
        if len(sources) > SOURCES_SHOWN:
            shown += f", +{len(sources) - SOURCES_SHOWN} more"
        name = Content(text).truncate(column, ellipsis=True, pad=True)
        lines.append(
            (
                2,
                Content.assemble(
                    (name.plain, ".entity--spelling"),
                    (f" {count:>4}  ", ".entity--count"),
                    (f"in {shown}" if shown else "", ".entity--sources"),
                ),
            )
        )
    facts = [f"kind {entity.kind}" + (f" ({one_line(entity.kind_cues)})" if entity.kind_cues else "")]
    if entity.roles:
        facts.append("roles " + ", ".join(f"{one_line(role)} ×{n}" for role, n in entity.roles.items()))
    lines.append((0, Content("")))
    lines.append((0, Content(" · ".join(facts))))
    lines.append((0, Content("")))
    if entity.evidence:
        lines.append((0, Content.styled("Why these spellings are one entity", heading)))
        lines.extend((2, Content(one_line(item.describe()))) for item in entity.evidence)
    elif len(entity.spellings) == 1:
        lines.append((0, Content.styled("One spelling: nothing was merged", heading)))
    else:  # e.g. a surname or an acronym joined to the full name within the articles that use it
        lines.append((0, Content.styled("No merge evidence recorded for these spellings", heading)))
    return Hanging(lines)


def entity_heading(entity: Entity) -> Content:
    """``Fahim Dashti · person · 5 articles · 3 spellings · id fahim-dashti``."""
    articles = f"{entity.article_count} article{'s' if entity.article_count != 1 else ''}"
    spellings = len(entity.spellings)
    return Content.assemble(
        (one_line(entity.name), ".entity--name"),
        f" · {entity.kind} · {articles} · {spellings} spelling{'s' if spellings != 1 else ''}",
        f" · id {one_line(entity.id)}",
    )
