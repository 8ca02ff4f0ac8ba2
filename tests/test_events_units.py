"""Sentence splitting, amounts and dates: the article-local pieces of the event engine."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from search.events.passages import split_passages, split_sentences
from search.events.quantities import find_quantities, format_value
from search.events.timex import find_dates


def _texts(text: str, spans) -> list[str]:
    return [text[s.start : s.end] for s in spans]


def test_abbreviations_do_not_end_sentences() -> None:
    text = (
        "Pakistan's spy chief Lt Gen. Faiz Hameed arrived in Kabul on Aug. 25 with U.S. officials. "
        'He said: "We are here to help." The talks, he added, went well!'
    )
    sentences = _texts(text, split_sentences(text))
    assert sentences[0].endswith("U.S. officials.")
    assert len(sentences) == 3


def test_quote_and_pronoun_continuation_are_grouped_into_one_passage() -> None:
    text = (
        "The resistance confirmed that its spokesman was killed. He had issued defiant statements.\n\n"
        '"Most of those arrested are foreigners," unverified reports had quoted him as saying.\n\n'
        "Also Read | Something else entirely"
    )
    passages = split_passages(text)
    assert len(passages) == 2  # the quote attributed to "him" goes with the sentences about him
    assert len(passages[0].sentences) == 3
    assert passages[-1].boilerplate


def test_hard_wrapped_newswire_lines_are_joined_into_sentences() -> None:
    text = "Showers continued throughout the week in\nthe Bahia cocoa zone, alleviating the drought since early\nJanuary.\n    The dry period means the crop will be late."
    assert len(split_sentences(text)) == 2


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .!?\"“”'’()\n\tUS,;:-–AZ0129…")), max_size=300))
def test_passage_splitting_never_crashes_and_covers_every_character(text: str) -> None:
    sentences = split_sentences(text)
    covered = [0] * len(text)
    previous_end = 0
    for sentence in sentences:
        assert previous_end <= sentence.start < sentence.end <= len(text)
        assert not text[sentence.start].isspace() and not text[sentence.end - 1].isspace()
        for i in range(sentence.start, sentence.end):
            covered[i] += 1
        previous_end = sentence.end
    for i, char in enumerate(text):
        assert covered[i] == (0 if char.isspace() and covered[i] == 0 else 1)
        if not char.isspace():
            assert covered[i] == 1
    passages = split_passages(text)
    assert [s for p in passages for s in p.sentences] == [(s.start, s.end) for s in sentences]


def test_amounts_are_read_with_their_hedges() -> None:
    text = (
        "More than 1,000 Taliban were captured, about 600 killed and at least a thousand trapped; "
        "hundreds fled in 2021 and in the 1980s, at 11:43, with 5.93 mln bags and a 3.5% rise."
    )
    found = {q.text: format_value(q) for q in find_quantities(text)}
    assert found["More than 1,000"] == "more than 1000"
    assert found["about 600"] == "about 600"
    assert found["at least a thousand"] == "at least 1000"
    assert found["hundreds"] == "100s"
    assert found["5.93 mln"] == "5930000"
    assert found["3.5%"] == "3.5%"
    assert not any(key in found for key in ("2021", "1980", "11", "43"))


def test_relative_days_resolve_against_the_publication_date() -> None:
    def days(text: str, published: str | None) -> list[str | None]:
        return [d.iso for d in find_dates(text, published)]

    assert days("He was killed on Sunday.", "2021-09-06") == ["2021-09-05"]
    assert days("He was killed on Sunday.", None) == [None]
    assert days("The claim came on Monday.", "2021-09-06T11:43:00") == ["2021-09-06"]
    assert days("It happened yesterday and again last night.", "2021-09-07") == ["2021-09-06", "2021-09-06"]
    assert "2021-09-06" in days("Mujahid claimed on Monday (6 September) that", "2021-09-07")
    assert days("after the fall of Kabul on August 15", "2021-09-07") == ["2021-08-15"]
    assert days("Talks resume next Monday.", "2021-09-06") == ["2021-09-13"]
