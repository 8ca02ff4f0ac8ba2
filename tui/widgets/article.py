"""The article pane: metadata, then the full text with the search's matches marked.

``n``/``N`` step through the matches; the current one gets its own style
and is scrolled into view. The names of entities (people, organisations,
places) are marked too, more quietly; ``]``/``[`` step through them and
``o`` opens the page of the entity named at the current match (or of the
name ``]``/``[`` selected last). To know which screen line a match lands on, the
text before it (up to the end of the match) is wrapped at the pane's width
with ``Content.wrap``, the same greedy wrapping the ``Static`` uses, so the
last wrapped line is the line holding the match. Nothing here animates:
every scroll jumps (``animate=False``), which keeps the bytes sent over SSH
per key press small.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Region, Spacing
from textual.style import Style

from search.models import Article, Span

from ..messages import EntityRequested
from ..textsafe import safe_text
from .pager import PagerScroll
from .quiet import QuietStatic
from .rich_text import highlighted_text, one_line
from .typeahead import TypeAhead

if TYPE_CHECKING:
    from search.entities.model import MentionRef

MATCH_MARGIN = 2  # lines kept visible above and below the current match
# The current match is drawn reversed: that survives NO_COLOR and 16 colours.
# (Component classes cannot carry `reverse`, so this one style lives in code.)
CURRENT_MATCH = Style(reverse=True, bold=True)
CURRENT_NAME = Style(reverse=True)  # the entity name selected with ]/[ (not bold: not a match)


def display_spans(text: str, spans: Sequence[tuple[int, int]]) -> list[Span]:
    """Where each span of ``text`` (sorted, not overlapping) lies in ``safe_text(text)``."""
    shown: list[Span] = []
    position = offset = 0
    for start, end in spans:
        offset += len(safe_text(text[position:start]))
        inside = len(safe_text(text[start:end]))
        shown.append(Span(offset, offset + inside))
        offset += inside
        position = end
    return shown


def ring_step(current: int | None, direction: int, count: int) -> int:
    """``direction`` steps on from ``current`` among ``count`` marks, round from the last to the first.

    With none selected yet, a step forward selects the first and a step back the last, so ``n``
    and ``N`` (matches) and ``]`` and ``[`` (names) behave alike. ``count`` must be positive.
    """
    if current is None:
        return 0 if direction > 0 else count - 1
    return (current + direction) % count


class ArticleScroll(TypeAhead, PagerScroll):
    """The scrolling body of the article pane."""


class ArticlePane(Vertical):
    """One article with its matches; knows nothing of searching, only of spans."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next_match", "Next match", id="article.next-match"),
        Binding("N", "previous_match", "Prev match", id="article.previous-match"),
        Binding("o", "open_entity", "Entity page", id="article.open-entity"),
        # ]/[ are named in the pane's bar; the footer has no room left for them at 80 columns
        Binding("right_square_bracket", "next_name", "Next name", show=False, id="article.next-name"),
        Binding("left_square_bracket", "previous_name", "Prev name", show=False, id="article.previous-name"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article--match",
        "article--title",
        "article--meta",
        "article--entity",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article: Article | None = None
        self._spans: list[Span] = []  # matches in the article's own text
        self._shown: list[Span] = []  # the same matches in the displayed (escaped) text
        self._display_text = ""
        self.current: int | None = None  # index of the current match
        self._awaiting = False  # an article is on its way: n/N pressed meanwhile are kept
        self._pending_steps = 0
        self._names: list[Span] = []  # entity names in the displayed text
        self._name_ids: list[str] = []  # the entity each of them names
        self._entity_names: dict[str, str] = {}  # entity id -> canonical name
        self.current_name: int | None = None  # index of the name selected with ]/[
        self._last_moved = "match"  # which cursor n/N or ]/[ moved last: o follows it

    def compose(self) -> ComposeResult:
        yield QuietStatic(id="article-bar", fixed_height=True)
        with ArticleScroll(id="article-scroll"):
            yield QuietStatic(id="article-meta")
            yield QuietStatic(id="article-text")

    def on_mount(self) -> None:
        self.clear()

    def on_descendant_focus(self) -> None:
        # A class, not :focus-within: Textual does not restyle the bar when only
        # an ancestor's pseudo-class changes.
        self.add_class("-focused")

    def on_descendant_blur(self) -> None:
        self.remove_class("-focused")

    def _part(self, name: str) -> QuietStatic:
        return self.query_one(f"#{name}", QuietStatic)

    @property
    def scroller(self) -> ArticleScroll:
        return self.query_one("#article-scroll", ArticleScroll)

    @property
    def match_count(self) -> int:
        return len(self._shown)

    def expect(self) -> None:
        """An article is being loaded: keep n/N pressed until it is shown."""
        self._awaiting = True
        self._pending_steps = 0

    def clear(self, note: str = "No article open. Pick a hit and press enter.") -> None:
        """Empty the pane, saying why."""
        self._awaiting = False
        self.article = None
        self._spans, self._shown, self.current = [], [], None
        self._names, self._name_ids, self._entity_names, self.current_name = [], [], {}, None
        self._display_text = ""
        self._part("article-bar").show_content(Content("Article"))
        self._part("article-meta").show_content(Content(note))
        self._part("article-text").show_content(Content(""))

    def show(
        self,
        article: Article,
        spans: list[Span],
        mentions: Sequence[MentionRef] = (),
        names: dict[str, str] | None = None,
    ) -> None:
        """Display ``article`` with ``spans`` marked, and the entity ``mentions``, scrolled to the top."""
        self.article = article
        self._spans = list(spans)
        self.current = None  # `n` goes to the first match
        self._set_names(article.text, mentions, names or {})
        self._part("article-meta").show_content(self._metadata(article))
        self._render_text()
        self.scroller.scroll_home(animate=False)
        steps, self._awaiting, self._pending_steps = self._pending_steps, False, 0
        for _ in range(abs(steps)):
            self._step(1 if steps > 0 else -1)

    def _metadata(self, article: Article) -> Content:
        facts = [article.date or "undated", article.source]
        lines = [
            Content.styled(one_line(article.title), ".article--title"),
            Content.styled(one_line(" · ".join(fact for fact in facts if fact)), ".article--meta"),
            Content.styled(one_line(f"id {article.id}"), ".article--meta"),
        ]
        if article.url:
            lines.append(Content.styled(one_line(article.url), ".article--meta"))
        return Content("\n").join(lines)

    def _set_names(self, text: str, mentions: Sequence[MentionRef], names: dict[str, str]) -> None:
        kept: list[MentionRef] = []
        end = 0
        for mention in sorted(mentions, key=lambda m: (m.start, m.end)):
            if mention.start >= end and mention.start < mention.end <= len(text):
                kept.append(mention)
                end = mention.end
        self._names = display_spans(text, [(m.start, m.end) for m in kept])
        self._name_ids = [mention.entity_id for mention in kept]
        self._entity_names = dict(names)
        self.current_name = None
        self._last_moved = "match"

    @property
    def name_count(self) -> int:
        return len(self._names)

    def entity_name(self, index: int) -> str:
        """The canonical name of the entity the ``index``-th marked name stands for."""
        entity_id = self._name_ids[index]
        return self._entity_names.get(entity_id, entity_id)

    def _render_text(self) -> None:
        assert self.article is not None
        content, self._shown = highlighted_text(
            self.article.text, self._spans, ".article--match", self.current, CURRENT_MATCH
        )
        for span in self._names:  # under the matches: a match inside a name keeps its own look
            content = content.stylize_before(".article--entity", span.start, span.end)
        if self.current_name is not None:
            span = self._names[self.current_name]
            content = content.stylize(CURRENT_NAME, span.start, span.end)
        self._display_text = content.plain
        self._part("article-text").show_content(content)
        self._update_bar()

    def _update_bar(self) -> None:
        if self.article is None:
            return
        count = len(self._shown)
        if not count:
            note = "no matches in this article"
        elif self.current is None:
            note = f"{count} match{'es' if count != 1 else ''} (n next, N previous)"
        else:
            note = f"match {self.current + 1}/{count} (n next, N previous)"
        names = len(self._names)
        if names and self.current_name is None:
            note += f" · {names} name{'s' if names != 1 else ''} (] next, o opens)"
        elif names and self.current_name is not None:
            name = one_line(self.entity_name(self.current_name))
            note += f" · name {self.current_name + 1}/{names}: {name}"
        self._part("article-bar").show_content(Content(f"Article · {note}"))

    # -- moving between matches ----------------------------------------------

    def action_next_match(self) -> None:
        self._step(+1)

    def action_previous_match(self) -> None:
        self._step(-1)

    def _step(self, direction: int) -> None:
        if self._awaiting:
            self._pending_steps += direction
            return
        if not self._shown:
            self.app.bell()
            return
        self.current = ring_step(self.current, direction, len(self._shown))
        self._last_moved = "match"
        self._render_text()
        self.call_after_refresh(self.scroll_to_current)

    # -- entity names ------------------------------------------------------------------

    def action_next_name(self) -> None:
        self._step_name(+1)

    def action_previous_name(self) -> None:
        self._step_name(-1)

    def _step_name(self, direction: int) -> None:
        if self._awaiting or not self._names:
            self.app.bell()
            return
        self.current_name = ring_step(self.current_name, direction, len(self._names))
        self._last_moved = "name"
        self._render_text()
        self.call_after_refresh(self.scroll_to_name)

    def name_to_open(self) -> int | None:
        """The name ``o`` opens: the one selected with ]/[ if that moved last, else the one at
        (or after) the current match, else the selected one, else the first in the article."""
        if not self._names:
            return None
        if self._last_moved == "name" and self.current_name is not None:
            return self.current_name
        if self.current is not None and self._shown:
            start = self._shown[self.current].start
            for index, span in enumerate(self._names):
                if span.end > start:
                    return index
        return self.current_name if self.current_name is not None else 0

    def action_open_entity(self) -> None:
        """Open the page of the entity named at the current match (or selected with ]/[)."""
        if self._awaiting:
            return
        index = self.name_to_open()
        if index is None:
            self.app.bell()
            return
        if index != self.current_name:
            self.current_name = index
            self._render_text()
        self.post_message(EntityRequested(self._name_ids[index]))

    def scroll_to_name(self) -> None:
        """Scroll the least needed to show the selected name with a little context."""
        if self.current_name is None or not self._names:
            return
        self._scroll_to_line(self.line_of_offset(self._names[self.current_name].end))

    def line_of_match(self, index: int) -> int:
        """The wrapped line (0-based, within the text) where match ``index`` starts."""
        return self.line_of_offset(self._shown[index].end)

    def line_of_offset(self, end: int) -> int:
        """The wrapped line (0-based, within the text) that holds the displayed text up to ``end``."""
        width = max(1, self._part("article-text").content_region.width)
        return max(0, len(Content(self._display_text[:end]).wrap(width)) - 1)

    def scroll_to_current(self) -> None:
        """Scroll the least needed to show the current match with a little context."""
        if self.current is None or not self._shown:
            return
        self._scroll_to_line(self.line_of_match(self.current))

    def _scroll_to_line(self, line: int) -> None:
        text = self._part("article-text")
        y = text.virtual_region.y + text.styles.gutter.top + line
        scroller = self.scroller
        margin = max(0, min(MATCH_MARGIN, (scroller.scrollable_content_region.height - 1) // 2))
        scroller.scroll_to_region(
            Region(0, y, 1, 1), spacing=Spacing(margin, 0, margin, 0), animate=False, x_axis=False
        )
