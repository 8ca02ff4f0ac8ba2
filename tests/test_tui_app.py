"""Pilot tests of the explorer app: every flow a person uses, on a real index of the seeds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from textual import events
from textual.widgets import Input, OptionList

from search.explorer import Explorer
from tui.app import ExplorerApp
from tui.messages import IndexProgress, SearchDone, SearchRequest
from tui.screens.dates import DateDialog
from tui.screens.help import HelpScreen
from tui.screens.keys import class_bindings
from tui.screens.search import SearchScreen
from tui.screens.sources import SourceList, SourcePicker
from tui.widgets.article import ArticlePane, ArticleScroll
from tui.widgets.results import ResultsList
from tui.widgets.search_box import SearchBox
from tui.widgets.summary import ExpansionLine, SummaryLine

from .tui_fixtures import (
    NARROW,
    SEEDS,
    WIDE,
    end_burst,
    open_first_hit,
    open_view,
    press_to,
    rendered,
    screen_text,
    search_screen,
    settle,
    type_text,
)

# -- searching ------------------------------------------------------------------


async def test_typing_a_query_shows_hits_and_the_spellings_included(make_app) -> None:
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        screen = search_screen(app)
        assert app.focused is screen.query_one(SearchBox)
        await type_text(pilot, "Dashty")
        await settle(pilot)
        assert screen.result is not None
        assert screen.result.total == 5
        assert screen.query_one(ResultsList).option_count == 5
        assert "Dashty: also Dashti" in rendered(screen.query_one(ExpansionLine))
        assert screen.query_one(ExpansionLine).display
        assert rendered(screen.query_one(SummaryLine)).startswith("5 hits")
        text = screen_text(app)
        assert "Dashty: also Dashti" in text
        assert "Afghanistan Conflict" in text


async def test_the_first_search_is_run_at_start_when_given(make_app) -> None:
    app = make_app(query="Dashty")
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        screen = search_screen(app)
        assert screen.result is not None and screen.result.total == 5
        assert screen.query_one(SearchBox).value == "Dashty"


async def test_typing_fast_runs_only_the_last_query(make_app, monkeypatch) -> None:
    monkeypatch.setattr("tui.screens.search.DEBOUNCE_SECONDS", 5.0)  # longer than typing takes here
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        screen = search_screen(app)
        await type_text(pilot, "Kabul")
        assert screen.search_pending  # debounced: nothing ran yet
        await pilot.press(*["backspace"] * 5)
        await type_text(pilot, "Dashty")
        end_burst(screen)
        await settle(pilot)
        assert screen.result is not None
        assert screen.result.query == "Dashty"


async def test_results_of_an_older_query_are_dropped(make_app) -> None:
    app = make_app(query="Dashty")
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        screen = search_screen(app)
        shown = screen.result
        stale = app.explorer.search("Kabul")
        screen.post_message(SearchDone(screen.generation - 1, SearchRequest("Kabul"), result=stale))
        await settle(pilot)
        assert screen.result is shown


async def test_a_bad_query_says_why_and_keeps_the_app_running(make_app) -> None:
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        screen = search_screen(app)
        screen.query_one(SearchBox).value = "Dashty"
        await settle(pilot)
        screen._refilter(since="not a date")
        await settle(pilot)
        assert "not a date" in rendered(screen.query_one(SummaryLine))


async def test_toggling_exact_turns_spelling_variants_off_and_on(make_app) -> None:
    app = make_app(query="Dashty")
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        screen = search_screen(app)
        assert screen.result.total == 5
        await pilot.press("escape")  # leave the search box
        assert isinstance(app.focused, ResultsList)
        await pilot.press("x")
        await settle(pilot)
        assert screen.result.exact and screen.result.total == 3
        assert not screen.query_one(ExpansionLine).display
        assert "exact" in rendered(screen.query_one(SummaryLine))
        await pilot.press("slash")
        assert isinstance(app.focused, SearchBox)
        await pilot.press("ctrl+t")  # works while typing, too
        await settle(pilot)
        assert not screen.result.exact and screen.result.total == 5


async def test_a_query_with_no_hits_says_so(make_app) -> None:
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await type_text(pilot, "zzzqqqxxx")
        await settle(pilot)
        screen = search_screen(app)
        assert screen.result is not None and screen.result.total == 0
        assert rendered(screen.query_one(SummaryLine)).startswith("no hits")


# -- the article pane ---------------------------------------------------------


async def test_opening_an_article_and_jumping_between_matches(make_app) -> None:
    app = make_app(query="Dashty")
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        screen = search_screen(app)
        pane = screen.query_one(ArticlePane)
        assert not pane.display  # narrow: one at a time
        await pilot.press("enter")  # search box -> hits
        assert isinstance(app.focused, ResultsList)
        await pilot.press("enter")  # open the first hit
        await settle(pilot)
        assert pane.display and not screen.query_one(ResultsList).display
        assert isinstance(app.focused, ArticleScroll)
        assert pane.article is not None and pane.article.id == "004_fa9e966636171c75"
        assert pane.match_count == 4
        assert pane.current is None
        await pilot.press("n")
        assert pane.current == 0
        await pilot.press("n")
        assert pane.current == 1
        await pilot.press("N")
        assert pane.current == 0
        await pilot.press("N")  # wraps round to the last match
        await settle(pilot)
        assert pane.current == 3
        scroller = pane.query_one(ArticleScroll)
        assert scroller.scroll_y > 0  # the last match is below the first screen...
        text = pane.query_one("#article-text")
        line = text.virtual_region.y + pane.line_of_match(3)
        top = scroller.scroll_y
        assert top <= line < top + scroller.scrollable_content_region.height  # ...and now in view
        assert "match 4/4" in rendered(pane.query_one("#article-bar"))


async def test_article_scrolls_by_pager_keys(make_app) -> None:
    app = make_app(query="Panjshir")
    async with app.run_test(size=NARROW) as pilot:
        scroller = (await open_first_hit(pilot)).query_one(ArticleScroll)
        assert scroller.max_scroll_y > 0
        await pilot.press("j")
        assert scroller.scroll_y == 1
        await pilot.press("k")
        assert scroller.scroll_y == 0
        await pilot.press("space")
        assert scroller.scroll_y > 1
        await pilot.press("G")
        assert scroller.scroll_y == scroller.max_scroll_y
        await pilot.press("g")
        assert scroller.scroll_y == 0
        # keys that arrive in one read (a held key, a slow link) each move: five j, five lines
        burst(app, [("j", "j")] * 5)
        await settle(pilot)
        assert scroller.scroll_y == 5
        burst(app, [("space", " ")] * 2)
        await settle(pilot)
        assert scroller.scroll_y == min(
            scroller.max_scroll_y, 5 + 2 * scroller.scrollable_content_region.height
        )


async def test_escape_goes_back_step_by_step(make_app) -> None:
    app = make_app(query="Dashty")
    async with app.run_test(size=NARROW) as pilot:
        await open_first_hit(pilot)
        screen = search_screen(app)
        assert isinstance(app.focused, ArticleScroll)
        await pilot.press("escape")  # article -> hits
        assert isinstance(app.focused, ResultsList)
        assert screen.query_one(ResultsList).display and not screen.query_one(ArticlePane).display
        await pilot.press("escape")  # hits -> search box
        assert isinstance(app.focused, SearchBox)
        await pilot.press("escape")  # search box -> hits (leaves the input)
        assert isinstance(app.focused, ResultsList)


async def test_wide_terminal_shows_hits_and_article_side_by_side(make_app) -> None:
    app = make_app(query="Dashty")
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = search_screen(app)
        assert screen.has_class("-wide")
        results, pane = screen.query_one(ResultsList), screen.query_one(ArticlePane)
        assert results.display and pane.display
        assert pane.region.x >= results.region.right - 1
        assert pane.article is not None and pane.article.id == "004_fa9e966636171c75"  # follows the cursor
        await pilot.press("enter", "j")  # to the hits, then the second hit
        await settle(pilot)
        assert pane.article.id == screen.result.hits[1].id


# -- filters ----------------------------------------------------------------------


async def test_filtering_by_source(make_app) -> None:
    app = make_app(query="Dashty")
    wanted = "002_026596cb75424136"
    async with app.run_test(size=NARROW) as pilot:
        picker = await open_view(pilot, "f", SourcePicker)
        listing = picker.query_one(SourceList)
        values = [listing.get_option_at_index(i).value for i in range(listing.option_count)]
        assert sorted(values) == sorted(name for name, _count in app.explorer.sources())
        for _ in range(values.index(wanted)):
            await pilot.press("j")
        await pilot.press("space", "enter")
        await settle(pilot)
        screen = search_screen(app)
        assert app.screen is screen
        assert screen.request.sources == (wanted,)
        assert [hit.source for hit in screen.result.hits] == [wanted]
        assert f"sources: {wanted}" in rendered(screen.query_one(SummaryLine))
        # Opening the picker again shows the choice; escape keeps it.
        await pilot.press("f")
        await settle(pilot)
        assert app.screen.query_one(SourceList).selected == [wanted]
        await pilot.press("escape")
        await settle(pilot)
        assert screen.request.sources == (wanted,)


async def test_filtering_by_date_range(make_app) -> None:
    app = make_app(query="Dashty")
    async with app.run_test(size=NARROW) as pilot:
        await open_view(pilot, "d", DateDialog)
        await type_text(pilot, "someday")
        await pilot.press("enter")
        assert isinstance(app.screen, DateDialog)  # refused, with the reason
        assert "not a date" in rendered(app.screen.query_one("#dates-note"))
        app.screen.query_one("#since", Input).value = ""
        await type_text(pilot, "2021-09-07")
        await pilot.press("enter")
        await settle(pilot)
        screen = search_screen(app)
        assert app.screen is screen
        assert screen.request.since == "2021-09-07"
        assert screen.result.total == 1
        assert screen.result.hits[0].date == "2021-09-07"


async def test_date_range_typed_in_one_burst_and_an_empty_range_refused(make_app) -> None:
    app = make_app(query="Dashty")
    async with app.run_test(size=NARROW) as pilot:
        dialog = await open_view(pilot, "d", DateDialog)
        # since, tab, until, enter arriving in one read: each part lands in its own box
        burst(app, [*chars("2021-09-10"), ("tab", "\t"), *chars("2021-09-06"), ("enter", "\r")])
        await settle(pilot)
        assert dialog.query_one("#since", Input).value == "2021-09-10"
        assert dialog.query_one("#until", Input).value == "2021-09-06"
        assert app.screen is dialog  # since after until: refused, with the reason
        assert "is after until" in rendered(dialog.query_one("#dates-note"))
        dialog.query_one("#until", Input).value = "2021-09-12"
        await pilot.press("enter")
        await settle(pilot)
        screen = search_screen(app)
        assert app.screen is screen
        assert (screen.request.since, screen.request.until) == ("2021-09-10", "2021-09-12")


async def test_source_keys_typed_ahead_keep_their_order(make_app) -> None:
    app = make_app(query="Dashty")
    async with app.run_test(size=NARROW) as pilot:
        picker = await open_view(pilot, "f", SourcePicker)
        await settle(pilot)
        burst(app, [("a", "a"), ("enter", "\r")])  # tick all, then apply: in that order
        await settle(pilot)
        screen = search_screen(app)
        assert app.screen is screen
        assert len(screen.request.sources) == len(app.explorer.sources())
        picker = await press_to(pilot, "f", expect=SourcePicker)
        await settle(pilot)
        burst(app, [("n", "n"), ("enter", "\r")])  # tick none, then apply: no filter
        await settle(pilot)
        assert app.screen is screen
        assert screen.request.sources == ()
        assert picker.is_attached is False


async def test_help_opens_from_a_dialog_and_lists_its_keys(make_app) -> None:
    app = make_app(query="Dashty")
    async with app.run_test(size=NARROW) as pilot:
        await open_view(pilot, "f", SourcePicker)
        help_screen = await press_to(pilot, "question_mark", expect=HelpScreen)
        help_text = rendered(help_screen.query_one("#help-text"))
        for wanted in ("Tick all", "Tick none", "Apply", "Back", "Quit"):
            assert wanted in help_text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SourcePicker)
        await pilot.press("escape")
        await settle(pilot)
        await press_to(pilot, "d", expect=DateDialog)
        await pilot.press("f1")  # in a date box ? is typed, f1 still opens help
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert "Clear both" in rendered(app.screen.query_one("#help-text"))


# -- help, palette, quitting ----------------------------------------------------


async def test_help_lists_every_key(make_app) -> None:
    app = make_app(query="Dashty")
    async with app.run_test(size=NARROW) as pilot:
        help_screen = await open_view(pilot, "question_mark", HelpScreen)
        help_text = rendered(help_screen.query_one("#help-text"))
        for cls in (SearchScreen, ResultsList, ArticlePane, ArticleScroll, ExplorerApp):
            for binding in class_bindings(cls):
                if binding.description and not binding.system:
                    assert binding.description in help_text, (cls.__name__, binding.key)
        for key in ("/", "x, ^t", "e", "n", "N", "j, ↓", "g, home", "G, end", "q", "?, f1", "^p", "esc"):
            assert key in help_text
        await pilot.press("escape")
        assert isinstance(app.screen, SearchScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, SearchScreen)


async def test_help_and_quit_stay_in_the_footer_at_80_columns(make_app) -> None:
    """The footer lists the focused widget's keys first; help and quit are pinned to its end."""
    app = make_app(query="Dashty")
    async with app.run_test(size=NARROW) as pilot:
        await open_first_hit(pilot)  # the article focused: the longest list of keys
        footer = screen_text(app).splitlines()[-1]
        assert "q Quit" in footer and "? Help" in footer, footer


async def test_every_bound_action_is_in_the_command_palette(make_app) -> None:
    app = make_app(query="Dashty")
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        for wanted in ("Exact", "Sources", "Dates", "Search", "Back", "Open", "Next match", "Prev match"):
            assert wanted in titles
        for wanted in ("Help", "Quit", "Page down", "Top", "Bottom", "Theme"):
            assert wanted in titles
        assert "Re-index" not in titles  # offered only when the index is stale
        # Run one through the real palette.
        await pilot.press("ctrl+p")
        await type_text(pilot, "Sources")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SourcePicker)


async def test_q_quits_but_types_in_the_search_box(make_app) -> None:
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("q")
        assert search_screen(app).query_one(SearchBox).value == "q"
        assert app.is_running
        await pilot.press("escape", "q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_q_quits_from_the_help_screen(make_app) -> None:
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


# -- the index --------------------------------------------------------------------


async def test_first_use_builds_the_index_in_a_worker(tmp_path: Path) -> None:
    explorer = Explorer.open(SEEDS, tmp_path / "fresh-index")
    app = ExplorerApp(explorer, query="Dashty", show_timing=False)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        assert app.index_state.exists and app.index_state.articles == 5
        screen = search_screen(app)
        assert screen.result is not None and screen.result.total == 5  # the first search waited for it
        assert "5 articles · index up to date" in screen_text(app)
    explorer.close()


async def test_a_stale_index_is_offered_for_reindexing(tmp_path: Path, built_seed_index: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    explorer = Explorer.open(corpus, tmp_path / "ix")
    explorer.update()
    changed = corpus / "000_c214ca5b6237bbef.txt"
    changed.write_text(changed.read_text() + "\nA new paragraph about Zarafshan.\n")
    app = ExplorerApp(explorer, query="Zarafshan", show_timing=False)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        screen = search_screen(app)
        assert app.index_state.stale_files == 1
        assert "1 file changed since indexing: press r to re-index" in screen_text(app)
        assert screen.result is not None and screen.result.total == 0  # searched the previous index
        assert screen.check_action("reindex", ()) is True
        await pilot.press("escape", "r")
        await settle(pilot)
        assert app.index_state.stale_files == 0 and not app.index_state.busy
        assert "index up to date" in screen_text(app)
        assert screen.result.total == 1  # the query ran again on the new index
        assert screen.check_action("reindex", ()) is False
    explorer.close()


async def test_hits_are_a_real_option_list(make_app) -> None:
    """The list is an OptionList: mouse, paging and the cursor behave as in any Textual app."""
    app = make_app(query="Dashty")
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        results = search_screen(app).query_one(ResultsList)
        assert isinstance(results, OptionList)
        await pilot.press("escape", "G")
        assert results.highlighted == 4
        await pilot.press("g")
        assert results.highlighted == 0
        assert results.current_hit.id == "004_fa9e966636171c75"


# -- keys typed ahead ---------------------------------------------------------------


def burst(app: ExplorerApp, keys: list[tuple[str, str | None]]) -> None:
    """Deliver keys the way one read from a fast terminal does: all queued before any runs."""
    for key, character in keys:
        app.post_message(events.Key(key, character))


def chars(text: str) -> list[tuple[str, str | None]]:
    return [(char, char) for char in text]


async def test_keys_typed_ahead_of_a_focus_change_go_where_they_were_meant(make_app) -> None:
    app = make_app(query="Dashty")
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        screen = search_screen(app)
        # enter leaves the box, j moves to the second hit, enter opens it, n goes to its first match
        burst(app, [("enter", "\r"), ("j", "j"), ("enter", "\r"), ("n", "n")])
        await settle(pilot)
        pane = screen.query_one(ArticlePane)
        assert screen.query_one(SearchBox).value == "Dashty"
        assert pane.article is not None and pane.article.id == screen.result.hits[1].id
        assert pane.current == 0
        # escape back to the hits, / to the box, and a new query typed straight after
        burst(app, [("escape", "\x1b"), ("slash", "/"), ("ctrl+u", None), *chars("Kabul")])
        await settle(pilot)
        assert screen.query_one(SearchBox).value == "Kabul"
        assert screen.result.query == "Kabul"


async def test_indexing_progress_shows_in_the_status_line(make_app) -> None:
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        app.post_message(IndexProgress(2, 5, "reading"))
        await pilot.pause()
        status = screen_text(app).splitlines()[-2]
        assert status.strip().startswith("re-indexing 2/5 files (reading) · search uses the previous"), status
        app.post_message(IndexProgress(0, 0, "entities"))
        await pilot.pause()
        status = screen_text(app).splitlines()[-2]
        assert status.strip().startswith("re-indexing: entities… · search uses the previous"), status
        assert search_screen(app).check_action("reindex", ()) is False  # not twice at once


async def test_escape_then_a_key_read_as_alt_key_is_taken_as_both(make_app) -> None:
    """Terminals send escape-then-q quickly as alt+q; the explorer binds no alt keys."""
    app = make_app(query="Dashty")
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        assert isinstance(app.focused, SearchBox)
        app.post_message(events.Key("alt+x", "x"))  # escape, then x (exact)
        await settle(pilot)
        screen = search_screen(app)
        assert screen.query_one(SearchBox).value == "Dashty"
        assert isinstance(app.focused, ResultsList)
        assert screen.result.exact


async def test_an_index_that_cannot_be_built_says_why_and_offers_a_retry(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the index folder should be")
    explorer = Explorer.open(SEEDS, blocker / "ix")
    app = ExplorerApp(explorer, query="Dashty", show_timing=False)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        assert app.index_state.error is not None and not app.index_state.exists
        assert "index problem" in screen_text(app)
        screen = search_screen(app)
        assert screen.result is None  # nothing to search yet, and no crash
        assert screen.check_action("reindex", ()) is True
        await pilot.press("escape", "r")
        await settle(pilot)
        assert app.is_running and app.index_state.error is not None
    explorer.close()


async def test_hits_come_a_screenful_at_a_time_and_more_as_the_cursor_nears_the_end(
    make_app, tmp_path
) -> None:
    """Snippets are made for the hits one can see; moving down asks for more, keeping the cursor."""
    corpus = tmp_path / "many"
    corpus.mkdir()
    rows = [
        {"id": f"n{number:03d}", "title": f"Harvest report {number}", "text": "Wheat " * (number % 7 + 1)}
        for number in range(90)
    ]
    (corpus / "wire.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    explorer = Explorer.open(corpus, tmp_path / "ix")
    explorer.update()
    app = make_app(query="wheat", explorer=explorer)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        screen = search_screen(app)
        assert screen.generation == 1  # one search at start-up, not one more once the box is filled
        first = len(screen.result.hits)
        assert screen.request.limit == first < 90  # a screenful and a few, not every hit
        results = screen.query_one(ResultsList)
        await pilot.press("enter")  # to the hits
        for _ in range(first - 2):
            await pilot.press("j")
        await settle(pilot)
        assert len(screen.result.hits) == min(90, 2 * first)  # the cursor neared the end: more came
        assert results.option_count == len(screen.result.hits)
        assert results.highlighted == first - 2  # and the cursor stayed on its hit
        searches = screen.generation
        await pilot.press("slash", "space")  # a trailing space changes no query: the longer page stays
        await settle(pilot)
        assert len(screen.result.hits) == 2 * first and screen.generation == searches
        await pilot.press("backspace", "enter")
        await settle(pilot)
        for _ in range(6):  # each G goes to the last hit listed, which asks for twice as many
            await pilot.press("G")
            await settle(pilot)
        assert len(screen.result.hits) == results.option_count == 90
        assert results.highlighted == 89
    explorer.close()


async def test_a_key_after_a_pause_is_searched_at_once_and_a_burst_once_it_ends(
    make_app, monkeypatch
) -> None:
    """A person typing is answered at every key without waiting for the next; the keys of a
    burst (a paste, key repeat) wait for it to end, and only the last query is searched."""
    monkeypatch.setattr("tui.screens.search.DEBOUNCE_SECONDS", 5.0)  # every key below is in one burst
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        screen = search_screen(app)
        started = screen.generation
        await pilot.press("K")  # the first key after a pause
        assert screen.generation == started + 1 and screen._debounce is None  # searched at once
        await pilot.press(*"abul")  # hard on its heels: the burst waits
        assert screen.generation == started + 1 and screen._debounce is not None
        end_burst(screen)
        await settle(pilot)
        assert screen.generation == started + 2 and screen.result.query == "Kabul"
        assert screen._debounce is None
        screen._last_change -= 10.0  # a pause of ten seconds
        await pilot.press("backspace")
        assert screen.generation == started + 3  # at once again
        await settle(pilot)
        assert screen.result.query == "Kabu"


async def test_a_space_after_a_word_puts_off_the_waiting_search(make_app, monkeypatch) -> None:
    """ "oil prices" typed at speed must not be searched as "oil" while "prices" is being typed."""
    monkeypatch.setattr(
        "tui.screens.search.DEBOUNCE_SECONDS", 5.0
    )  # no timer fires mid-test on a slow machine
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        screen = search_screen(app)
        await pilot.press("D")  # searched at once: the first key after a pause
        await settle(pilot)
        started = screen.generation
        await pilot.press(*"ashty")  # the rest of the burst
        waiting = screen._debounce
        assert waiting is not None and screen.generation == started  # no search yet: the timer runs
        await pilot.press("space")
        assert screen._debounce is not None and screen._debounce is not waiting  # started again
        assert screen.generation == started
        screen.search_now()  # enter, in effect: the search runs once, for the whole query
        await settle(pilot)
        assert screen.generation == started + 1 and screen.result.query == "Dashty"


async def test_a_query_typed_back_while_its_search_was_cancelled_is_searched_again(
    make_app, seed_explorer, monkeypatch
) -> None:
    """A key cancels the search under way; typing back to that query must run it again, not wait
    forever for the answer of the cancelled one."""
    import threading

    monkeypatch.setattr("tui.screens.search.DEBOUNCE_SECONDS", 5.0)  # searches run only when asked here
    search = seed_explorer.search
    first_call = threading.Event()
    cancelled_seen = threading.Event()

    def slow_first(text, **options):  # type: ignore[no-untyped-def]
        """The real search; the first of "Dashty" waits (as a long one would) until it is
        cancelled ("D", the first key after a pause, is searched at once)."""
        if text == "Dashty" and not first_call.is_set():
            first_call.set()
            cancelled = options["cancelled"]
            for _ in range(500):
                if cancelled():
                    cancelled_seen.set()
                    break
                threading.Event().wait(0.01)
        return search(text, **options)

    monkeypatch.setattr(seed_explorer, "search", slow_first)
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        screen = search_screen(app)
        await pilot.press(*"Dashty")
        screen.search_now()  # under way...
        for _ in range(500):  # (once its worker has really started)
            if first_call.is_set():
                break
            await pilot.pause(0.01)
        await pilot.press("x")  # ...and cancelled by the next key
        await pilot.press("backspace")  # back to "Dashty"
        screen.search_now()
        await settle(pilot)
        assert cancelled_seen.is_set()  # the first search really was cancelled mid-way
        assert screen.result is not None and screen.result.query == "Dashty"
        assert len(screen.result.hits) == 5
