"""Pilot tests of the entities view, the entity page, corrections and entity names in articles.

Every test runs the real app on its own copy of the seed index (``seed_explorer``),
so a merge or split recorded here never reaches another test.
"""

from __future__ import annotations

import json

from textual.pilot import Pilot

from search.explorer import Explorer
from tui.screens.entities import EntitiesScreen
from tui.screens.entity import ConfirmDialog, EntityScreen, MergePrompt, SpellingList, SpellingPicker
from tui.screens.help import HelpScreen
from tui.screens.keys import class_bindings
from tui.screens.search import SearchScreen
from tui.widgets.article import ArticlePane, ArticleScroll, display_spans
from tui.widgets.entities import (
    EntityArticles,
    EntityFilter,
    EntityList,
    entity_details,
    spellings_query,
)
from tui.widgets.results import ResultsList
from tui.widgets.search_box import SearchBox
from tui.widgets.summary import ExpansionLine

from .tui_fixtures import (
    NARROW,
    open_first_hit,
    open_view,
    press_to,
    rendered,
    screen_text,
    search_screen,
    settle,
    type_text,
)


async def open_entities(pilot: Pilot) -> EntitiesScreen:
    """From the search box: leave it, press e, wait for the list."""
    return await open_view(pilot, "e", EntitiesScreen)


async def open_dashti(pilot: Pilot) -> EntityScreen:
    """Entities view, "dash", enter (to the list), enter (the page)."""
    await open_entities(pilot)
    await type_text(pilot, "dash")
    await settle(pilot)
    page = await press_to(pilot, "enter", "enter", expect=EntityScreen)
    assert page.entity is not None and page.entity.name == "Fahim Dashti"
    return page


# -- the entities view ------------------------------------------------------------------


async def test_e_opens_the_entities_view_most_articles_first_with_kinds(make_app) -> None:
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_entities(pilot)
        assert isinstance(app.focused, EntityFilter)
        everything = app.explorer.entities().filter()
        assert len(screen.entities) == len(everything)
        counts = [entity.article_count for entity in screen.shown]
        assert counts == sorted(counts, reverse=True)
        text = screen_text(app)
        assert f"{len(everything)} entities · most articles first" in text
        assert "5 person  Fahim Dashti  also Fahim Dashty, Dashty" in text
        assert "4 org     National Resistance Front" in text
        await pilot.press("escape")  # back to the search view
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)


async def test_typing_filters_the_entities_on_names_and_spellings(make_app) -> None:
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_entities(pilot)
        await type_text(pilot, "dash")
        assert screen.pending  # debounced: the list waits for a pause in the typing
        await settle(pilot)
        assert [entity.name for entity in screen.shown] == ["Fahim Dashti"]
        text = screen_text(app)
        assert "Fahim Dashti" in text and "Taliban" not in text
        assert "1 of 49 entities match 'dash'" in text
        # a spelling that is not the name finds the entity too, without accents or case
        app.screen.query_one(EntityFilter).value = "WUDÖD"
        await settle(pilot)
        assert [entity.name for entity in screen.shown] == ["Abdul Wadood Zhor"]
        app.screen.query_one(EntityFilter).value = "nobody at all"
        await settle(pilot)
        assert screen.shown == [] and "0 of 49 entities match" in screen_text(app)


async def test_the_list_is_driven_from_the_keyboard(make_app) -> None:
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_entities(pilot)
        await pilot.press("down")  # filter box -> list
        listing = screen.query_one(EntityList)
        assert app.focused is listing
        await pilot.press("j", "j")
        assert listing.current_entity is screen.shown[2]
        await pilot.press("G")
        assert listing.highlighted == len(screen.shown) - 1
        await pilot.press("g", "slash")
        assert isinstance(app.focused, EntityFilter)
        await pilot.press("down", "j", "enter")
        await settle(pilot)
        assert isinstance(app.screen, EntityScreen)
        assert app.screen.entity.id == screen.shown[1].id
        await pilot.press("escape")  # page -> list, where it was
        await settle(pilot)
        assert app.screen is screen and listing.highlighted == 1


# -- the entity page ----------------------------------------------------------------------


async def test_the_page_shows_spellings_with_sources_evidence_roles_and_articles(make_app) -> None:
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        page = await open_dashti(pilot)
        text = screen_text(app)
        assert "Entity · Fahim Dashti · person · 5 articles · 3 spellings" in text
        lines = text.splitlines()

        def spelling_entry(spelling: str) -> str:  # the line and its wrapped continuation
            at = next(i for i, line in enumerate(lines) if line.strip().startswith(spelling))
            return lines[at] + lines[at + 1]

        dashti, dashty = spelling_entry("Fahim Dashti    4"), spelling_entry("Fahim Dashty    4")
        assert "000_c214ca5b6237bbef" in dashti and "002_026596cb75424136" not in dashti
        assert "002_026596cb75424136" in dashty and "004_fa9e966636171c75 ×2" in dashty
        assert "Fahim Dashti = Fahim Dashty (spelling, name score 0.91): same first name" in text
        assert "roles spokesperson ×6" in text
        assert "Articles (5)" in text
        assert [article.id for article in page.articles] == list(dict.fromkeys(a.id for a in page.articles))
        assert sorted(article.id for article in page.articles) == list(page.entity.articles)
        assert 'Search all 3 spellings: "Fahim Dashti" OR "Fahim Dashty" OR "Dashty"' in text


async def test_enter_on_a_fresh_page_searches_all_spellings(make_app) -> None:
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await open_dashti(pilot)
        await pilot.press("enter")  # the cursor starts on the search line
        await settle(pilot)
        screen = search_screen(app)
        assert app.screen is screen and len(app.screen_stack) == 1
        assert screen.query_one(SearchBox).value == '"Fahim Dashti" OR "Fahim Dashty" OR "Dashty"'
        assert screen.result is not None and screen.result.total == 5
        assert isinstance(app.focused, ResultsList)  # straight to the hits
        assert "5 hits" in screen_text(app)


async def test_slash_searches_all_spellings_from_anywhere_on_the_page(make_app) -> None:
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await open_dashti(pilot)
        await pilot.press("j", "j", "slash")
        await settle(pilot)
        screen = search_screen(app)
        assert app.screen is screen and screen.result.total == 5


async def test_enter_on_an_article_opens_it_in_the_search_view(make_app) -> None:
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        page = await open_dashti(pilot)
        wanted = page.articles[1].id
        await pilot.press("j", "j", "enter")
        await settle(pilot)
        screen = search_screen(app)
        pane = screen.query_one(ArticlePane)
        assert app.screen is screen and isinstance(app.focused, ArticleScroll)
        assert pane.display and pane.article is not None and pane.article.id == wanted
        assert screen.query_one(ResultsList).current_hit.id == wanted
        assert pane.match_count >= 1  # the spellings are the matches: n steps through them
        await pilot.press("n")
        assert pane.current == 0


async def test_an_unknown_entity_says_so(make_app) -> None:
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        app.open_entity("no-such-entity")
        await settle(pilot)
        assert isinstance(app.screen, EntityScreen)
        assert "no entity 'no-such-entity' in this index" in screen_text(app)
        assert app.screen.check_action("merge", ()) is False
        await pilot.press("slash")  # nothing to search: a bell, no crash
        await pilot.press("escape")
        assert isinstance(app.screen, SearchScreen)


# -- corrections ----------------------------------------------------------------------------


def saved_corrections(explorer: Explorer) -> list[dict]:
    path = explorer.index_dir / "entity_corrections.json"
    return json.loads(path.read_text())["corrections"] if path.exists() else []


async def test_split_then_merge_with_confirmation(make_app, seed_explorer: Explorer) -> None:
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        page = await open_dashti(pilot)
        # split: pick the spelling, then confirm
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SpellingPicker)
        listing = app.screen.query_one(SpellingList)
        assert [listing.get_option_at_index(i).id for i in range(listing.option_count)] == [
            "Fahim Dashti",
            "Fahim Dashty",
            "Dashty",
        ]
        await pilot.press("j", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.question.startswith("Split Fahim Dashty off Fahim Dashti?")
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is page
        assert list(page.entity.spellings) == ["Fahim Dashti"]
        assert "Recorded: split Fahim Dashty / Fahim Dashti" in screen_text(app)
        assert [c["op"] for c in saved_corrections(seed_explorer)] == ["split"]
        dashty = seed_explorer.entity("Fahim Dashty")
        assert dashty is not None and dashty.id != page.entity.id
        # the search view searched again: Dashty no longer brings Dashti's articles by entity
        assert not any(e.reason == "entity" for e in seed_explorer.search("Fahim Dashty").expansions)

        # merge: type the other name, then confirm
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MergePrompt)
        await type_text(pilot, "Fahim Dashty")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.question.startswith(
            "Merge Fahim Dashty (3 articles, 2 spellings) into Fahim Dashti"
        )
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is page
        assert set(page.entity.spellings) == {"Fahim Dashti", "Fahim Dashty", "Dashty"}
        assert page.entity.article_count == 5
        assert "merged by a user" in screen_text(app)
        assert [c["op"] for c in saved_corrections(seed_explorer)] == ["merge"]  # replaces the split


async def test_cancelled_corrections_change_nothing(make_app, seed_explorer: Explorer) -> None:
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        page = await open_dashti(pilot)
        await pilot.press("s", "j", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is page
        await pilot.press("s", "escape")  # out of the picker
        await settle(pilot)
        assert app.screen is page
        await pilot.press("m")
        await type_text(pilot, "Somebody Unknown")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MergePrompt)  # refused, with the reason
        assert "No entity is named 'Somebody Unknown'" in screen_text(app)
        app.screen.query_one("#merge-name").value = "Dashty"
        await pilot.press("enter")
        assert "already a spelling of Fahim Dashti" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is page
        assert saved_corrections(seed_explorer) == []
        assert len(page.entity.spellings) == 3


async def test_a_merge_refreshes_the_entities_view_underneath(make_app) -> None:
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        entities = await open_entities(pilot)
        before = len(entities.entities)
        await type_text(pilot, "zabiullah")
        await settle(pilot)
        await pilot.press("enter", "enter")
        await settle(pilot)
        await pilot.press("m")
        await type_text(pilot, "Sirajuddin Haqqani")
        await pilot.press("enter", "y")
        await settle(pilot)
        page = app.screen
        assert isinstance(page, EntityScreen)
        assert "Sirajuddin Haqqani" in page.entity.spellings
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is entities
        assert len(entities.entities) == before - 1
        assert entities.query_one(EntityList).current_entity.name == "Zabiullah Mujahid"
        assert "Sirajuddin Haqqani" in screen_text(app)  # now a spelling of Zabiullah Mujahid


# -- names in the article pane ------------------------------------------------------------


async def test_entity_names_are_marked_in_the_article_and_open_their_page(make_app) -> None:
    app = make_app(query="Dashty")
    async with app.run_test(size=NARROW) as pilot:
        pane = await open_first_hit(pilot)
        screen = search_screen(app)
        mentions = app.explorer.entities().article_mentions(pane.article.id)
        assert pane.name_count == len(mentions) > 0
        text = pane.query_one("#article-text").render()
        marked = [
            text.plain[span.start : span.end] for span in text.spans if span.style == ".article--entity"
        ]
        assert "Fahim Dashty" in marked and "Abdul Wadood Zhor" in marked
        assert f"{len(mentions)} names (] next, o opens)" in rendered(pane.query_one("#article-bar"))
        # n goes to the first match (Dashty, inside "Fahim Dashty"); o opens that name's entity
        await pilot.press("n", "o")
        await settle(pilot)
        assert isinstance(app.screen, EntityScreen)
        assert app.screen.entity.name == "Fahim Dashti"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and isinstance(app.focused, ArticleScroll)
        opened = pane.current_name  # the name o opened is selected: ] and [ go on from it
        assert opened is not None and mentions[opened].entity_id == "fahim-dashti"
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert pane.current_name == opened + 2
        assert f"name {opened + 3}/" in rendered(pane.query_one("#article-bar"))
        await pilot.press("left_square_bracket")
        assert pane.current_name == opened + 1
        following = app.explorer.entities().get(mentions[opened + 1].entity_id)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, EntityScreen) and app.screen.entity.id == following.id


async def test_a_selected_name_far_down_is_scrolled_into_view(make_app) -> None:
    app = make_app(query="Dashty")
    async with app.run_test(size=NARROW) as pilot:
        pane = await open_first_hit(pilot)
        await pilot.press("left_square_bracket")  # wraps round to the last name
        await settle(pilot)
        assert pane.current_name == pane.name_count - 1
        scroller = pane.query_one(ArticleScroll)
        line = pane.query_one("#article-text").virtual_region.y + pane.line_of_offset(
            pane._names[pane.current_name].end
        )
        assert scroller.scroll_y > 0
        assert scroller.scroll_y <= line < scroller.scroll_y + scroller.scrollable_content_region.height


def test_name_spans_follow_escaped_characters() -> None:
    text = "a\x1bb Fahim Dashty and\u202eZhor"
    start = text.index("Fahim")
    zhor = text.index("Zhor")
    shown = display_spans(text, [(start, start + 12), (zhor, zhor + 4)])
    from tui.textsafe import safe_text

    display = safe_text(text)
    assert display[shown[0].start : shown[0].end] == "Fahim Dashty"
    assert display[shown[1].start : shown[1].end] == "Zhor"


# -- search and keys ---------------------------------------------------------------------------


async def test_the_spelling_line_names_entity_expansions(make_app) -> None:
    app = make_app(query="Zara")
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        screen = search_screen(app)
        assert "entity Abdul Wadood Zhor: also Zhor" in rendered(screen.query_one(ExpansionLine))
        assert "entity Abdul Wadood Zhor: also Zhor" in screen_text(app)
        assert screen.result.total == 3


async def test_help_and_palette_list_the_entity_keys(make_app) -> None:
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await open_dashti(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        help_text = rendered(app.screen.query_one("#help-text"))
        for cls in (EntityScreen, EntityArticles):
            for binding in class_bindings(cls):
                if binding.description and not binding.system:
                    assert binding.description in help_text, (cls.__name__, binding.key)
        await pilot.press("escape")
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Search spellings", "Merge…", "Split…", "Open", "Back"} <= titles
        await pilot.press("escape", "escape")  # page, entities view
        await settle(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Entities", "Exact"} <= titles
        await pilot.press("f1")
        help_text = rendered(app.screen.query_one("#help-text"))
        for wanted in ("Entity page", "Next name", "Prev name", "]", "[", "o"):
            assert wanted in help_text


def test_the_spellings_query_quotes_each_spelling_once(seed_explorer: Explorer) -> None:
    entity = seed_explorer.entity("NRF")
    assert entity is not None
    query = spellings_query(entity)
    assert query.count(" OR ") == len(entity.spellings) - 1
    assert '"NRF"' in query and '"National Resistance Front"' in query
    assert seed_explorer.search(query).total == entity.article_count


def test_details_make_corpus_text_harmless(seed_explorer: Explorer) -> None:
    from dataclasses import replace

    entity = seed_explorer.entity("Dashty")
    hostile = replace(entity, spellings={"[bold]Evil\x1b[2J": 2, **entity.spellings}, sources={})
    lines = entity_details(hostile).lines(80)
    joined = "\n".join(line.plain for line in lines)
    assert "[bold]Evil\\x1b[2J" in joined and "\x1b" not in joined


def test_details_say_when_spellings_were_joined_without_merge_evidence(seed_explorer: Explorer) -> None:
    from dataclasses import replace

    entity = seed_explorer.entity("Faiz Hameed")
    assert entity is not None and len(entity.spellings) == 2
    text = "\n".join(line.plain for line in entity_details(replace(entity, evidence=())).lines(80))
    assert "No merge evidence recorded for these spellings" in text
    single = replace(entity, spellings={"Faiz Hameed": 3}, evidence=())
    text = "\n".join(line.plain for line in entity_details(single).lines(80))
    assert "One spelling: nothing was merged" in text
