"""The search view: query box, hit list, article pane, filters.

How a search flows: a change of the query after a pause searches at once;
one that comes hard on the heels of another (a paste, key repeat) (re)starts
a one-shot debounce timer instead. When the search starts (the change, the
timer, or enter), it gets the next generation number and a thread worker
runs ``Explorer.search``, posting ``SearchDone`` with that number. Results of any older generation are
dropped, so a slow search can never overwrite a newer one. Articles load
the same way, with their own counter.

Layout: on a wide terminal (``-wide``, 120 columns and more) the hits and
the article are side by side and the article follows the cursor; on a
narrow one (``-narrow``) they are shown one at a time, ``enter`` opening
the article and ``escape`` coming back.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.worker import get_current_worker

from search.explorer import IndexError_, QueryError, SearchCancelled
from search.models import SearchResult

from ..messages import ArticleLoaded, SearchDone, SearchRequest
from ..widgets.article import ArticlePane, ArticleScroll
from ..widgets.footer import ExplorerFooter
from ..widgets.hit_card import SNIPPET_LINES
from ..widgets.results import ResultsList
from ..widgets.search_box import SearchBox
from ..widgets.status import IndexState, StatusLine
from ..widgets.summary import ExpansionLine, SummaryLine
from .base import ExplorerScreen
from .dates import DateDialog, DateRange
from .keys import KeySection
from .sources import SourcePicker

# Keys closer together than this are a burst (a paste, key repeat): its queries wait until it
# has been this quiet, and only the last is searched. A key after a pause (a person typing,
# about a tenth of a second apart) is searched at once: waiting for a key that is not coming
# would only add to every answer's latency, and a search that a later key makes stale is
# cancelled at that key (see _query_changed) and stops within a few hundred documents.
DEBOUNCE_SECONDS = 0.05
MIN_PAGE = 10  # hits asked for at least, whatever the height
MORE_WITHIN = 3  # the cursor this close to the last hit listed asks for more
MAX_PAGE = 1000  # hits listed at most (the CLI's --limit 0 gives them all)
PREVIEW_SECONDS = 0.15  # the cursor rests this long on a hit before its article is shown (wide)
WIDE_COLUMNS = 120  # from here on, hits and article side by side


class SearchScreen(ExplorerScreen):
    """The main view of the explorer."""

    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [(0, "-narrow"), (WIDE_COLUMNS, "-wide")]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "Search", show=False, id="search.focus"),
        # Back before the filters: on a narrow terminal the footer is cut from the right.
        Binding("escape", "back", "Back", id="search.back"),
        Binding("x,ctrl+t", "toggle_exact", "Exact", tooltip="Toggle spelling variants", id="search.exact"),
        Binding(
            "e", "entities", "Entities", tooltip="People, organisations and places", id="search.entities"
        ),
        Binding("v", "events", "Events", tooltip="Events, most sources first", id="search.events"),
        Binding(
            "E",
            "article_events",
            "Its events",
            tooltip="The events this article takes part in",
            id="search.article-events",
        ),
        Binding("s", "stories", "Stories", tooltip="Stories, most sources first", id="search.stories"),
        Binding("f", "pick_sources", "Sources", tooltip="Filter by source", id="search.sources"),
        Binding("d", "pick_dates", "Dates", id="search.dates"),
        Binding("r", "reindex", "Re-index", id="search.reindex"),
    ]

    def __init__(self, query: str = "", exact: bool = False) -> None:
        super().__init__()
        self.request = SearchRequest(query.strip(), exact=exact, limit=MIN_PAGE)  # before layout
        self.result: SearchResult | None = None
        self.generation = 0  # bumped by every search started: results of older ones are stale
        self._searched: SearchRequest | None = None  # the last request sent to a worker
        self._debounce: Timer | None = None
        self._last_change = float("-inf")  # time.monotonic() of the last change of the box
        self._preview: Timer | None = None  # one-shot: the article follows the cursor after it rests
        self._article_generation = 0
        self._loaded_article: str | None = None
        self._index_version = -1  # the index version the shown results come from
        self._shown_generation = -1  # the generation of the results on screen
        self._to_results_on_arrival = False  # enter was pressed while the search ran
        self._article_on_arrival: str | None = None  # open this article when the search arrives

    @property
    def search_pending(self) -> bool:
        """A search is waiting for the debounce timer (tests wait on this)."""
        return self._debounce is not None

    @property
    def pending(self) -> bool:
        """A search or an article preview is waiting for its timer."""
        return self._debounce is not None or self._preview is not None

    def compose(self) -> ComposeResult:
        with Horizontal(id="search-row"):
            yield Static(Content("/"), id="search-prompt")
            yield SearchBox(self.request.query, id="query")
        yield SummaryLine(show_timing=self.explorer_app.show_timing, id="summary")
        yield ExpansionLine(id="expansions")
        with Container(id="body"):
            yield ResultsList(id="results")
            yield ArticlePane(id="article")
        yield StatusLine(id="status")
        yield ExplorerFooter()

    def on_mount(self) -> None:
        self.query_one(SummaryLine).idle(self.request)
        self.query_one(SearchBox).focus()
        self.watch(self.app, "index_state", self._index_changed)

    def key_sections(self) -> list[KeySection]:
        """What the help screen and the command palette list for this view."""
        return [
            KeySection("Search view", self),
            KeySection("Search box", self.query_one(SearchBox), inherited=False),
            KeySection("Hits", self.query_one(ResultsList)),
            KeySection("Article", self.query_one(ArticlePane)),
            KeySection("Article scrolling", self.query_one(ArticleScroll)),
            KeySection("Everywhere", self.app),
        ]

    # -- running searches ------------------------------------------------------

    @on(Input.Changed, "#query")
    def _query_changed(self, event: Input.Changed) -> None:
        now = time.monotonic()
        in_burst = now - self._last_change < DEBOUNCE_SECONDS
        self._last_change = now
        query = event.value.strip()
        if query == self.request.query:
            # A space typed after a word changes no query, but says another word is coming:
            # a search still waiting (in a burst of keys) is put off, so "oil prices" pasted
            # is not searched as "oil" first. Typed at a person's pace, "oil" was searched at
            # its last key, as every query typed is.
            # The hits listed (perhaps a longer page the cursor asked for) stay as they are.
            if self._debounce is not None:
                self._wait_for_the_burst()
            return  # e.g. the box being filled with the initial query, or trailing spaces
        self.request = replace(self.request, query=query, limit=self.page_size())
        self._cancel_running_search()
        if in_burst:
            self._wait_for_the_burst()
        else:
            self.search_now()  # stops a timer still waiting

    def _wait_for_the_burst(self) -> None:
        """(Re)start the debounce timer: the search runs once the keys have been quiet for it."""
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE_SECONDS, self._debounced, name="search-debounce")

    def _cancel_running_search(self) -> None:
        """Stop a search the query has moved on from now, not when the next one starts: it
        would hold the index and a core through the debounce for hits no one will see."""
        if self.generation != self._shown_generation:  # started, not shown yet: under way
            self.workers.cancel_group(self, "search")
            self._searched = None  # it will never answer: the same query typed back must run again

    def _debounced(self) -> None:
        self._debounce = None
        self.search_now()

    def action_submit_query(self) -> None:
        """Enter in the search box: search now, and go to the hits (once they are there)."""
        self.search_now()
        if self._searched == self.request and self.generation == self._shown_generation:
            self._to_results_if_any()
        else:
            self._to_results_on_arrival = True  # enter pressed before the hits came

    def _to_results_if_any(self) -> None:
        if self.result is not None and self.result.hits:
            self.set_focus(self.query_one(ResultsList))

    def search_now(self, force: bool = False) -> None:
        """Run the current request, unless that exact search already ran (or is running)."""
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        request = self.request
        self._to_results_on_arrival = False
        if not force and request == self._searched:
            return
        state: IndexState = self.explorer_app.index_state
        if not request.query:
            self._searched = request
            self.generation += 1
            self._shown_generation = self.generation
            self._show_result(None)
            self.query_one(SummaryLine).idle(request)
            return
        if not state.ready:
            self.query_one(SummaryLine).error("The index is being built; the search runs when it is ready.")
            return
        self._searched = request
        self.generation += 1
        self._search(self.generation, request)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, generation: int, request: SearchRequest) -> None:
        explorer = self.explorer_app.explorer
        worker = get_current_worker()
        try:
            result = explorer.search(
                request.query,
                exact=request.exact,
                sources=request.sources,
                since=request.since,
                until=request.until,
                limit=request.limit,
                cancelled=lambda: worker.is_cancelled,
            )
        except SearchCancelled:
            return  # a newer search replaced this one (exclusive workers cancel the older)
        except QueryError as error:
            self.post_message(SearchDone(generation, request, error=f"Query error: {error}"))
        except IndexError_ as error:
            self.post_message(SearchDone(generation, request, error=f"Index error: {error}"))
        except Exception as error:  # a bug must not take the app down while someone types
            self.post_message(
                SearchDone(generation, request, error=f"Search failed: {type(error).__name__}: {error}")
            )
        else:
            self.post_message(SearchDone(generation, request, result=result))

    def on_search_done(self, message: SearchDone) -> None:
        if message.generation != self.generation:
            return  # the query changed while this search ran
        if message.error is not None or message.result is None:
            self._shown_generation = message.generation
            self._to_results_on_arrival = False
            self._article_on_arrival = None
            self.query_one(SummaryLine).error(message.error or "Search failed")
            return
        self.query_one(SummaryLine).show(message.request, message.result)
        self._show_result(message.result)
        self._shown_generation = message.generation
        self.call_after_refresh(self.explorer_app.settle_memory, "search")
        if self._article_on_arrival is not None:
            article_id, self._article_on_arrival = self._article_on_arrival, None
            self._to_results_on_arrival = False
            self._read(article_id)
        if self._to_results_on_arrival:
            self._to_results_on_arrival = False
            self._to_results_if_any()

    def _show_result(self, result: SearchResult | None) -> None:
        previous, self.result = self.result, result
        self.query_one(ExpansionLine).show(result)
        changed = self.query_one(ResultsList).show(result)
        same_terms = previous is not None and result is not None and previous.terms == result.terms
        if not changed and same_terms:
            return  # same hits, same words: the open article and its marks still hold
        self._loaded_article = None
        self._article_generation += 1
        pane = self.query_one(ArticlePane)
        if result is None or not result.hits:
            pane.clear("No hits." if result is not None else "No article open. Type a query.")
            self.remove_class("-reading")
            return
        hit = self.query_one(ResultsList).current_hit or result.hits[0]
        if self.has_class("-wide") or self.has_class("-reading"):
            self._open(hit.id)

    def _index_changed(self, state: IndexState) -> None:
        """Rerun the query whenever the searchable index changed (first built, re-indexed)."""
        self.refresh_bindings()
        if state.error is not None and not state.exists:
            self.query_one(SummaryLine).error(f"No index to search: {state.error} (r tries again)")
        if state.ready and state.version != self._index_version:
            self._index_version = state.version
            if self.request.query:
                self.search_now(force=True)

    # -- articles --------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#results")
    def _hit_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """On a wide terminal the article follows the cursor, once it rests a moment.

        Holding ``j`` would otherwise load and paint every article passed over.
        """
        if not self.has_class("-wide") or event.option.id is None:
            return
        if self._preview is not None:
            self._preview.stop()
        if self._loaded_article is None:  # nothing shown yet (a new result): no reason to wait
            self._preview = None
            self._open(event.option.id)
            return
        self._preview = self.set_timer(PREVIEW_SECONDS, self._preview_now, name="article-preview")

    def _preview_now(self) -> None:
        self._preview = None
        hit = self.query_one(ResultsList).current_hit
        if hit is not None and self.has_class("-wide"):
            self._open(hit.id)

    @on(OptionList.OptionSelected, "#results")
    def _hit_clicked(self, event: OptionList.OptionSelected) -> None:
        self.action_open_hit()

    def action_open_hit(self) -> None:
        """Open the highlighted hit in the article pane and move there."""
        if self._preview is not None:
            self._preview.stop()
            self._preview = None
        hit = self.query_one(ResultsList).current_hit
        if hit is None:
            return
        self._open(hit.id)
        self.add_class("-reading")
        self.set_focus(self.query_one(ArticleScroll))

    def _open(self, article_id: str) -> None:
        """Show ``article_id`` in the pane (loading it in a worker unless it is there already)."""
        if article_id == self._loaded_article or self.result is None:
            return
        self._loaded_article = article_id
        self._article_generation += 1
        self.query_one(ArticlePane).expect()
        self._load_article(self._article_generation, article_id, self.result)

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def _load_article(self, generation: int, article_id: str, result: SearchResult) -> None:
        explorer = self.explorer_app.explorer
        try:
            article = explorer.article(article_id)
            spans = explorer.matches(article.text, result) if article is not None else []
        except Exception as error:
            self.post_message(
                ArticleLoaded(generation, article_id, None, error=f"{type(error).__name__}: {error}")
            )
            return
        mentions, names = [], {}
        try:  # names are a bonus: an article still opens when the entity table cannot be read
            table = explorer.entities()
            mentions = table.article_mentions(article_id)
            for mention in mentions:
                entity = table.get(mention.entity_id)
                names[mention.entity_id] = entity.name if entity is not None else mention.entity_id
        except Exception:
            mentions, names = [], {}
        self.post_message(
            ArticleLoaded(generation, article_id, article, spans, mentions=mentions, names=names)
        )

    def on_article_loaded(self, message: ArticleLoaded) -> None:
        if message.generation != self._article_generation:
            return
        pane = self.query_one(ArticlePane)
        if message.article is None:
            pane.clear(message.error or f"Article {message.article_id} is no longer in the index.")
            self._loaded_article = None
        else:
            pane.show(message.article, message.spans, message.mentions, message.names)
            self.call_after_refresh(self.explorer_app.settle_memory, "article")

    # -- actions -----------------------------------------------------------------

    def action_focus_search(self) -> None:
        self.remove_class("-reading")
        self.set_focus(self.query_one(SearchBox))

    def action_focus_results(self) -> None:
        self.remove_class("-reading")
        self.set_focus(self.query_one(ResultsList))

    def action_back(self) -> None:
        """Article to hits, search box to hits, hits to search box."""
        focused = self.focused
        if isinstance(focused, ResultsList):
            self.action_focus_search()
        else:
            self.action_focus_results()

    def action_entities(self) -> None:
        """Open the entities view."""
        from .entities import EntitiesScreen

        self.app.push_screen(EntitiesScreen())

    def action_events(self) -> None:
        """Open the events view."""
        from .events import EventsScreen

        self.app.push_screen(EventsScreen())

    def action_stories(self) -> None:
        """Open the stories view."""
        from .events import StoriesScreen

        self.app.push_screen(StoriesScreen())

    def action_article_events(self) -> None:
        """Open the events view on the events the open article takes part in."""
        from .events import EventsScreen

        article_id = self._loaded_article
        if article_id is None:
            self.app.bell()
            return
        self.app.push_screen(EventsScreen(article_id=article_id))

    def search_for(self, query: str, article_id: str | None = None) -> None:
        """Run ``query`` (with the filters set) and go to its hits, or read ``article_id`` in it.

        The entity page uses this for "search all spellings" and for opening one of its
        articles: the article is shown with the spellings marked, ``n`` steps through them.
        """
        self.request = replace(self.request, query=query.strip(), limit=self.page_size())
        self.query_one(SearchBox).value = self.request.query  # its Changed event finds nothing new
        self.search_now(force=True)
        if article_id is not None:
            self._article_on_arrival = article_id
        else:
            self._to_results_on_arrival = True

    def _read(self, article_id: str) -> None:
        """Open ``article_id`` in the pane and move there, putting the hit cursor on it if listed."""
        results = self.query_one(ResultsList)
        hits = self.result.hits if self.result is not None else ()
        for index, hit in enumerate(hits):
            if hit.id == article_id:
                results.highlighted = index
                break
        if self._preview is not None:
            self._preview.stop()
            self._preview = None
        if self.result is None:
            return
        self._open(article_id)
        self.add_class("-reading")
        self.set_focus(self.query_one(ArticleScroll))

    def action_toggle_exact(self) -> None:
        self._refilter(exact=not self.request.exact)

    def action_pick_sources(self) -> None:
        def chosen(sources: tuple[str, ...] | None) -> None:
            if sources is not None:
                self._refilter(sources=tuple(sources))

        self.app.push_screen(SourcePicker(self.explorer_app.explorer, self.request.sources), chosen)

    def action_pick_dates(self) -> None:
        def chosen(dates: DateRange | None) -> None:
            if dates is not None:
                self._refilter(since=dates[0], until=dates[1])

        self.app.push_screen(DateDialog(self.request.since, self.request.until), chosen)

    def action_reindex(self) -> None:
        self.explorer_app.start_indexing(update=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reindex":
            state: IndexState = self.explorer_app.index_state
            wanted = bool(state.stale_files) or state.error is not None or not state.exists
            return wanted and state.checked and not state.busy
        if action == "article_events":
            return self._loaded_article is not None
        return True

    def _refilter(self, **changes: object) -> None:
        self.request = replace(self.request, **changes, limit=self.page_size())  # type: ignore[arg-type]
        self.search_now()

    # -- how many hits to ask for ---------------------------------------------

    def page_size(self) -> int:
        """Hits that fit the list now, plus a few: snippets are made only for hits one can see.

        Finding 50 hits with snippets took about 1.5x the time of 20 at 100,000 articles
        (the 20th best score prunes more than the 50th); more come when the cursor nears the end.
        """
        height = self.query_one(ResultsList).size.height or self.app.size.height
        return max(MIN_PAGE, height // (1 + SNIPPET_LINES) + MORE_WITHIN)

    @on(OptionList.OptionHighlighted, "#results")
    def _maybe_more(self, event: OptionList.OptionHighlighted) -> None:
        """The cursor nears the last hit listed while there are more: ask for a longer page."""
        result = self.result
        if result is None or self._searched != self.request or self.generation != self._shown_generation:
            return  # a search is under way: its hits replace these anyway
        listed = len(result.hits)
        if event.option_index < listed - MORE_WITHIN or listed >= MAX_PAGE:
            return
        if listed < self.request.limit:
            return  # the page is not full: there are no more
        self.request = replace(self.request, limit=min(MAX_PAGE, listed * 2))
        self.search_now()
