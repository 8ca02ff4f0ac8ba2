"""What the widgets draw from article text: cell-exact widths, escaped controls, no markup."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from search.models import Hit, Segment, Span
from tui.screens.help import help_content
from tui.screens.keys import KeySection, catalogue
from tui.widgets.hit_card import HitCard, source_cells
from tui.widgets.rich_text import highlighted_text, segments_content


def make_hit(title: str, source: str = "reuters", snippet: str = "before ", match: str = "Dashty") -> Hit:
    return Hit(
        rank=1,
        id="a",
        score=1.0,
        date="2021-09-06",
        source=source,
        title=title,
        snippet=(Segment(snippet), Segment(match, match=True), Segment(" after the match, and more text")),
        matched=(match.lower(),),
    )


TITLES = [
    "Plain English title that is quite long and will need cutting",
    "塔利班宣布完全控制潘杰希尔山谷 抵抗力量否认",  # CJK: two cells each
    "Panjshir 🏔️ valley falls 🇦🇫 say officials 🙂🙂🙂",  # emoji
    "Ｆｕｌｌ ｗｉｄｔｈ ａｎｄ mixed 한국어 제목",
]


def test_headers_fill_exactly_their_width_with_wide_characters() -> None:
    for width in (40, 57, 80, 120):
        title_columns = set()
        for title in TITLES:
            header = HitCard(make_hit(title)).header(width)
            assert header.cell_length <= width
            prefix = header.plain[: header.plain.index(title[:2])]
            title_columns.add(cell_len(prefix))
        assert len(title_columns) == 1, "titles start in the same column whatever their script"


def test_wide_sources_are_cut_to_the_column_in_cells() -> None:
    width = 80
    cards = [
        HitCard(make_hit("Title", source=source)) for source in ("路透社新闻社中文网站", "reuters", "🙂" * 30)
    ]
    starts = {cell_len(card.header(width).plain.split("Title")[0]) for card in cards}
    assert starts == {4 + 11 + source_cells(width) + 1}


@settings(max_examples=150, deadline=None)
@given(
    title=st.text(min_size=0, max_size=120),
    snippet=st.text(min_size=0, max_size=300),
    width=st.integers(min_value=12, max_value=200),
)
def test_every_card_line_fits_its_width(title: str, snippet: str, width: int) -> None:
    card = HitCard(make_hit(title, snippet=snippet))
    lines = card.lines(width)
    assert 1 <= len(lines) <= 3
    for line in lines:
        assert line.cell_length <= width


@settings(max_examples=300, deadline=None)
@given(
    snippet=st.lists(
        st.sampled_from(["a", "bb", " ", "  ", "\t", "\n", "é", "e\u0301", "路", "🙂", "\x07"]), max_size=120
    ).map("".join),
    match=st.text(alphabet=st.sampled_from(["x", " ", "路"]), max_size=12),
    width=st.integers(min_value=1, max_value=200),
    snippet_lines=st.integers(min_value=0, max_value=3),
)
def test_card_height_is_counted_without_laying_out_the_snippet(
    snippet: str, match: str, width: int, snippet_lines: int
) -> None:
    """The list asks every card its height; the shortcut must agree with the lines drawn."""
    hit = make_hit("Title", snippet=snippet, match=match)
    counted = HitCard(hit, snippet_lines).get_height({}, width)
    assert counted == len(HitCard(hit, snippet_lines).lines(width))


def test_card_height_at_every_width_around_the_snippet_length() -> None:
    """Every width from too narrow to wide, so the one where the snippet just fits is among them."""
    for snippet in ("", "word ", "a" * 90, "spaces at the end   ", "路透社 " * 12, "e\u0301" * 30 + " x"):
        for snippet_lines in (1, 2):
            hit = replace(make_hit("Title"), snippet=(Segment(snippet),))  # the snippet's own end
            for width in range(1, 160):
                counted = HitCard(hit, snippet_lines).get_height({}, width)
                assert counted == len(HitCard(hit, snippet_lines).lines(width)), (snippet, width)


def test_control_characters_are_shown_not_sent_to_the_terminal() -> None:
    card = HitCard(make_hit("Red \x1b[31malert\x1b[0m \u202eevil", snippet="bell \x07 here "))
    header = card.header(200).plain
    assert "\x1b" not in header and "\\x1b[31malert" in header
    assert "\\u202e" in header
    snippet = "".join(line.plain for line in card.snippet(200))
    assert "\x07" not in snippet and "\\x07" in snippet


def test_markup_in_article_text_is_shown_as_written() -> None:
    card = HitCard(make_hit("[bold red]Not markup[/] [link=x]y[/link]"))
    header = card.header(200)
    assert "[bold red]Not markup[/] [link=x]y[/link]" in header.plain
    assert all(str(span.style).startswith(".results--") for span in header.spans)


def test_snippet_keeps_the_space_around_matches() -> None:
    content = segments_content(
        [Segment("spokesperson Fahim "), Segment("Dashty", True), Segment(" was\nkilled")], ".m"
    )
    assert content.plain == "spokesperson Fahim Dashty was killed"
    assert [(span.start, span.end) for span in content.spans] == [(19, 25)]


def test_match_spans_follow_the_text_through_escaping() -> None:
    text = "a\x1bb Dashty c\x07 Dashti"
    spans = [Span(4, 10), Span(14, 20)]
    content, shown = highlighted_text(text, spans, ".m", current=1, current_style=".c")
    assert [content.plain[span.start : span.end] for span in shown] == ["Dashty", "Dashti"]
    assert "\\x1b" in content.plain and "\\x07" in content.plain
    assert [str(span.style) for span in content.spans] == [".m", ".m", ".c"]


def test_overlapping_spans_do_not_duplicate_text() -> None:
    content, shown = highlighted_text("abc Dashty def", [Span(4, 10), Span(6, 8)], ".m")
    assert content.plain == "abc Dashty def"
    assert shown == [Span(4, 10)]


def test_help_columns_align() -> None:
    from textual.app import App
    from textual.binding import Binding

    class Demo(App[None]):
        BINDINGS = [Binding("ctrl+t,e", "one", "First"), Binding("n", "two", "Second")]  # noqa: RUF012

    app = Demo()
    sections = catalogue(app, [KeySection("Demo", app)])
    lines = help_content(sections).plain.splitlines()
    first = next(line for line in lines if "First" in line)
    second = next(line for line in lines if "Second" in line)
    assert first.index("First") == second.index("Second")
    assert "^t, e" in first
