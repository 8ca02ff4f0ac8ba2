"""An entity's page: its spellings and who uses them, why they were merged, its articles.

The page is loaded in a thread worker (the entity from the table, then the
headers of up to ``ARTICLE_LIMIT`` of its articles). The list's first line
searches for every spelling, so ``enter`` on a fresh page runs that search;
``enter`` on an article opens it in the search view with those spellings
marked. ``m`` merges another entity into this one and ``s`` splits a
spelling off it: each asks, confirms, then records the correction with
``Explorer.correct_entities`` in a worker; the app then bumps the index
version, so this page, the entities view and the search view all reload.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Static

from search.explorer import Explorer

from ..messages import EntityArticle, EntityCorrected, EntityLoaded
from ..widgets.entities import (
    EntityArticles,
    EntityBar,
    EntityDetailsScroll,
    RowList,
    SpellingRow,
    entity_details,
    entity_heading,
    spellings_query,
)
from ..widgets.footer import ExplorerFooter
from ..widgets.quiet import QuietStatic
from ..widgets.rich_text import one_line
from ..widgets.status import IndexState
from ..widgets.typeahead import TypeAheadInput
from .base import ExplorerScreen
from .dialog import Dialog
from .keys import KeySection

if TYPE_CHECKING:
    from search.entities.model import Entity


ARTICLE_LIMIT = 300  # articles listed on a page; the search for all spellings finds every one


def load_articles(explorer: Explorer, entity: Entity, limit: int = ARTICLE_LIMIT) -> list[EntityArticle]:
    """Headers of the entity's articles (the first ``limit`` by id), newest first, undated last."""
    found = []
    for article_id in entity.articles[:limit]:
        article = explorer.article(article_id)
        if article is not None:
            found.append(EntityArticle(article.id, article.date, article.source, article.title))
    dated = sorted((a for a in found if a.date), key=lambda a: (a.date or "", a.id), reverse=True)
    return dated + [a for a in found if not a.date]


class EntityScreen(ExplorerScreen):
    """One entity; ``/`` (or ``enter`` on the first line) searches for all its spellings."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search_spellings", "Search spellings", id="entity.search"),
        Binding("m", "merge", "Merge…", id="entity.merge"),
        Binding("s", "split", "Split…", id="entity.split"),
        Binding("escape", "back", "Back", id="entity.back"),
    ]

    def __init__(self, entity_id: str) -> None:
        super().__init__()
        self.entity_id = entity_id
        self.entity: Entity | None = None
        self.articles: list[EntityArticle] = []
        self.generation = 0
        self.correcting = False
        self._index_version = -1

    def compose(self) -> ComposeResult:
        yield EntityBar(id="entity-bar")
        with EntityDetailsScroll(id="entity-details-scroll"):
            yield QuietStatic(id="entity-details")
        yield QuietStatic(id="entity-note", fixed_height=True)
        yield QuietStatic(id="entity-articles-title", fixed_height=True)
        yield EntityArticles(id="entity-articles")
        yield ExplorerFooter()

    def on_mount(self) -> None:
        self.query_one(EntityBar).show_content(Content(f"Entity · loading {one_line(self.entity_id)}…"))
        self.query_one(EntityArticles).focus()
        self.watch(self.app, "index_state", self._index_changed)

    def key_sections(self) -> list[KeySection]:
        return [
            KeySection("Entity page", self),
            KeySection("Search line and articles", self.query_one(EntityArticles)),
            KeySection("Details scrolling", self.query_one(EntityDetailsScroll)),
            KeySection("Everywhere", self.app),
        ]

    # -- loading --------------------------------------------------------------------

    def _index_changed(self, state: IndexState) -> None:
        """Load the page, and again whenever the index (or its entities) changed."""
        self.refresh_bindings()
        if state.ready and state.version != self._index_version:
            self._index_version = state.version
            self.reload()

    def reload(self) -> None:
        self.generation += 1
        self._load(self.generation, self.entity_id, self.entity.name if self.entity else None)

    @work(thread=True, exclusive=True, group="entity", exit_on_error=False)
    def _load(self, generation: int, entity_id: str, name: str | None) -> None:
        explorer = self.explorer_app.explorer
        try:
            table = explorer.entities()
            entity = table.get(entity_id) or (table.find(name) if name else None)
            articles = load_articles(explorer, entity) if entity is not None else []
        except Exception as error:
            self.post_message(EntityLoaded(generation, None, error=f"{type(error).__name__}: {error}"))
        else:
            self.post_message(EntityLoaded(generation, entity, articles))

    def on_entity_loaded(self, message: EntityLoaded) -> None:
        if message.generation != self.generation:
            return
        bar = self.query_one(EntityBar)
        if message.entity is None:
            self.entity, self.articles = None, []
            problem = message.error or f"no entity {self.entity_id!r} in this index (any more)"
            bar.show_content(Content(f"Entity · {one_line(problem)}"))
            self.query_one("#entity-details", QuietStatic).show_content(Content(""))
            self.query_one(EntityArticles).clear_options()
            self.refresh_bindings()
            return
        entity = message.entity
        self.entity, self.entity_id, self.articles = entity, entity.id, message.articles
        bar.show_content(Content("Entity · ") + entity_heading(entity))
        self.query_one("#entity-details", QuietStatic).update(entity_details(entity))
        listed = len(message.articles)
        title = f"Articles ({entity.article_count})"
        if listed < entity.article_count:
            title += f", {listed} listed: search all spellings for every one"
        title += " · enter opens · / searches all spellings"
        self.query_one("#entity-articles-title", QuietStatic).show_content(Content(title))
        self.query_one(EntityArticles).show(spellings_query(entity), len(entity.spellings), message.articles)
        self.refresh_bindings()

    # -- searching and reading --------------------------------------------------------

    def action_search_spellings(self) -> None:
        if self.entity is None:
            self.app.bell()
            return
        self.explorer_app.search_for(spellings_query(self.entity))

    def action_open_item(self) -> None:
        """Enter on the list: the search line searches, an article opens in the search view."""
        if self.entity is None:
            self.app.bell()
            return
        article = self.query_one(EntityArticles).current_article
        self.explorer_app.search_for(spellings_query(self.entity), article.id if article else None)

    def action_back(self) -> None:
        self.dismiss(None)

    # -- corrections ------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("merge", "split"):
            state: IndexState = self.explorer_app.index_state
            return self.entity is not None and not self.correcting and not state.busy
        return True

    def action_merge(self) -> None:
        entity = self.entity
        if entity is None:
            return

        def confirmed(yes: bool | None, other: Entity) -> None:
            if yes:
                self._start_correction("merge", entity.name, other.name, keep=entity.name)

        def chosen(other: Entity | None) -> None:
            if other is None:
                return
            question = (
                f"Merge {one_line(other.name)} ({_articles(other)}, {_spellings(other)}) into "
                f"{one_line(entity.name)} ({_articles(entity)}, {_spellings(entity)})?"
            )
            self.app.push_screen(
                ConfirmDialog("Merge entities", question, "Merge"), lambda yes: confirmed(yes, other)
            )

        self.app.push_screen(MergePrompt(self.explorer_app.explorer, entity), chosen)

    def action_split(self) -> None:
        entity = self.entity
        if entity is None:
            return
        if len(entity.spellings) < 2:
            self._note("Only one spelling: there is nothing to split off.")
            self.app.bell()
            return

        def confirmed(yes: bool | None, spelling: str, other: str) -> None:
            if yes:
                self._start_correction("split", spelling, other, keep=other)

        def chosen(spelling: str | None) -> None:
            if spelling is None:
                return
            other = split_partner(entity, spelling)
            question = (
                f"Split {one_line(spelling)} off {one_line(entity.name)}? "
                f"{one_line(spelling)} and {one_line(other)} will be kept apart as different entities."
            )
            self.app.push_screen(
                ConfirmDialog("Split an entity", question, "Split"),
                lambda yes: confirmed(yes, spelling, other),
            )

        self.app.push_screen(SpellingPicker(entity), chosen)

    def _start_correction(self, operation: str, a: str, b: str, keep: str) -> None:
        self.correcting = True
        self.refresh_bindings()
        self._note(f"Recording: {operation} {a} / {b}…")
        self._correct(operation, a, b, keep)

    @work(thread=True, exclusive=True, group="entity-correct", exit_on_error=False)
    def _correct(self, operation: str, a: str, b: str, keep: str) -> None:
        try:
            correction, table = self.explorer_app.explorer.correct_entities(operation, a, b)
            entity = table.find(keep)
        except Exception as error:
            self.post_message(EntityCorrected(operation, "", error=f"{type(error).__name__}: {error}"))
        else:
            self.post_message(EntityCorrected(operation, correction.describe(), entity))

    def on_entity_corrected(self, message: EntityCorrected) -> None:
        self.correcting = False
        self.refresh_bindings()
        if message.error is not None:
            self._note(f"Not recorded: {message.error}")
            self.app.bell()
            return
        self._note(f"Recorded: {message.description} (kept in the index folder, survives re-indexing)")
        if message.entity is not None:
            self.entity_id = message.entity.id
            self.entity = message.entity
        self.explorer_app.entities_changed()  # every view reloads, this page included

    def _note(self, text: str) -> None:
        note = self.query_one("#entity-note", QuietStatic)
        note.show_content(Content(one_line(text)))
        note.set_class(bool(text), "-shown")


def split_partner(entity: Entity, spelling: str) -> str:
    """The spelling ``spelling`` is split from: the canonical name, or the most used other one."""
    if spelling != entity.name:
        return entity.name
    return next(other for other in entity.spellings if other != spelling)


def _articles(entity: Entity) -> str:
    return f"{entity.article_count} article{'s' if entity.article_count != 1 else ''}"


def _spellings(entity: Entity) -> str:
    count = len(entity.spellings)
    return f"{count} spelling{'s' if count != 1 else ''}"


# -- the dialogs of a correction ------------------------------------------------------


class ConfirmDialog(Dialog[bool]):
    """A question with a yes (``y`` or ``enter``) and a no (``n`` or ``escape``)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "Yes", priority=True, id="confirm.yes"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, title: str, question: str, verb: str) -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.verb = verb

    def compose_body(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Static(Content(self.title_text), classes="dialog-title")
            yield Static(Content(self.question), id="confirm-question")
            yield Static(
                Content(
                    f"y or enter: {self.verb.lower()} · n or escape: cancel. The decision is kept in "
                    "the index folder and wins over the automatic clustering, also after re-indexing."
                ),
                classes="dialog-note",
            )

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    def key_sections(self) -> list[KeySection]:
        return [KeySection("Confirm", self)]


class MergePrompt(Dialog["Entity"]):
    """Asks for the other entity's name (any spelling, or part of one); returns that entity."""

    def __init__(self, explorer: Explorer, entity: Entity) -> None:
        super().__init__()
        self.explorer = explorer
        self.entity = entity

    def compose_body(self) -> ComposeResult:
        with Vertical(id="merge-dialog", classes="dialog"):
            yield Static(
                Content(f"Merge into {one_line(self.entity.name)}: which entity?"), classes="dialog-title"
            )
            yield TypeAheadInput(
                placeholder="a name, a spelling or part of one", id="merge-name", compact=True
            )
            yield Static(Content("enter: look it up and confirm · escape: cancel"), id="merge-note")

    def on_mount(self) -> None:
        box = self.query_one("#merge-name", Input)
        box.cursor_blink = False
        box.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = event.value.strip()
        if not name:
            self.app.bell()
            return
        # The table is loaded already (the page shows it), so this is a dictionary look-up.
        other = self.explorer.entities().find(name)
        if other is None:
            self._problem(f"No entity is named {name!r}.")
        elif other.id == self.entity.id:
            self._problem(f"{name!r} is already a spelling of {self.entity.name}.")
        else:
            self.dismiss(other)

    def _problem(self, text: str) -> None:
        self.query_one("#merge-note", Static).update(Content(one_line(text)))
        self.app.bell()

    def key_sections(self) -> list[KeySection]:
        return [KeySection("Merge", self)]


class SpellingList(RowList):
    """The spellings to choose from; ``enter`` picks one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.pick", "Pick", id="split.pick"),
    ]


class SpellingPicker(Dialog[str]):
    """Which spelling to split off the entity; returns it."""

    def __init__(self, entity: Entity) -> None:
        super().__init__()
        self.entity = entity

    def compose_body(self) -> ComposeResult:
        with Vertical(id="split-dialog", classes="dialog"):
            yield Static(
                Content(f"Split a spelling off {one_line(self.entity.name)}: which one?"),
                classes="dialog-title",
            )
            yield SpellingList(id="spelling-list")
            yield Static(Content("enter: pick and confirm · escape: cancel"), classes="dialog-note")

    def on_mount(self) -> None:
        listing = self.query_one(SpellingList)
        spellings = self.entity.spellings.items()
        listing.show_rows([(SpellingRow(spelling, count), spelling) for spelling, count in spellings])
        listing.focus()

    def action_pick(self) -> None:
        row = self.query_one(SpellingList).current_row
        if isinstance(row, SpellingRow):
            self.dismiss(row.spelling)

    def key_sections(self) -> list[KeySection]:
        return [KeySection("Split", self), KeySection("Spellings", self.query_one(SpellingList))]
