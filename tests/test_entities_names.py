"""The string-level name matcher: unit cases, a real name list with known answers, properties."""

from __future__ import annotations

import json
from collections import defaultdict
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search.entities import build_entities, group_names
from search.entities.blocking import candidate_pairs
from search.entities.mentions import ArticleMentions, extract_mentions
from search.entities.names import STRONG, WEAK, compare_names, listed_name, name_tokens, sound_key
from search.models import Article

OFAC = Path(__file__).resolve().parents[2] / "shared" / "data" / "ofac_sdn_2022_name_clusters.jsonl"


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        ("Fahim Dashti", "Fahim Dashty", STRONG),
        ("Ahmad Massoud", "Ahamd Masoud", STRONG),
        ("Zabihullah Mujahid", "Zabiullah Mujahid", STRONG),
        ("Abdul Qader Al-Shami", "Abdulqader Al Shami", STRONG),
        ("Standard Oil Co", "Standard Oil", STRONG),
        ("Abdul Wadood Zhor", "Abdul Wudod Zara", WEAK),  # only with context
        ("Muammar Qadhafi", "Muammar Gaddafi", WEAK),  # sound alike: only with context
        ("Ahmad Rahman", "Ahmad Rahmani", WEAK),  # two families' names that sound alike: context decides
        ("Mohammed Nasser", "Mohammed Nasseri", WEAK),
        ("jin zhou shi", "qin zhou shi", WEAK),  # short syllables that only sound alike: two cities
        ("Ahmad Massoud", "Ahmad Shah Massoud", ""),  # son and father
        ("Anas Haqqani", "Sirajuddin Haqqani", ""),  # brothers
        ("George Bush", "George W. Bush", ""),
        ("Kabul", "Kaul", ""),
        ("Pakistan", "Pakistani", ""),  # a word and its derivative
        ("Boston", "Boston Corp", ""),  # a city and a company
        ("Yard No 2656", "Yard No 2657", ""),
        ("Mark Jones", "Mary Jones", ""),
    ],
)
def test_pairs(a: str, b: str, kind: str) -> None:
    assert compare_names(a, b).kind == kind
    assert compare_names(b, a).kind == kind


def test_evidence_reads_like_a_sentence() -> None:
    text = compare_names("Fahim Dashti", "Fahim Dashty").describe(person=True)
    assert text == "same first name Fahim; surname Dashti/Dashty 1 edit apart"
    weak = compare_names("Abdul Wadood Zhor", "Abdul Wudod Zara").describe(person=True)
    assert "Wadood/Wudod sound alike" in weak and "surname Zhor/Zara sound alike" in weak


def test_tokens_keys_and_list_order() -> None:
    assert name_tokens("Inter-Services Intelligence") == ("inter", "services", "intelligence")
    assert name_tokens("Dashty's") == ("dashty",)
    assert sound_key("wadood") == sound_key("wudod")
    assert sound_key("kabul") != sound_key("kaul")
    assert listed_name("AL-SHAMI, Abdul Qader") == "Abdul Qader AL-SHAMI"
    assert listed_name("DELVEST HOLDING, S.A.") == "DELVEST HOLDING, S.A."


def test_blocking_never_pairs_names_of_different_lengths_or_sounds() -> None:
    names = [
        ("fahim", "dashti"),
        ("fahim", "dashty"),
        ("ahmad", "shah", "massoud"),
        ("ahmad", "massoud"),
        ("kabul",),
    ]
    pairs, stats = candidate_pairs(names)
    assert pairs == [(0, 1)]
    assert stats.pairs == 1


def test_group_names_keeps_order_and_picks_the_commonest() -> None:
    groups = group_names(["Fahim Dashti", "Fahim Dashty", "Kabul", "Fahim Dashty", "Kaul"])
    assert [g.names for g in groups] == [("Fahim Dashti", "Fahim Dashty"), ("Kabul",), ("Kaul",)]
    assert groups[0].canonical == "Fahim Dashty"


@pytest.mark.skipif(not OFAC.exists(), reason="shared OFAC name list not present")
def test_ofac_aliases_pairwise_precision() -> None:
    """Names of different sanctioned entries must rarely be grouped (the aliases are the known answers)."""
    entries: dict[str, set[int]] = defaultdict(set)
    with OFAC.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            row = json.loads(line)
            for name in [row["primary"], *(alias["name"] for alias in row["aliases"])]:
                entries[" ".join(name.split())].add(number)
    groups = group_names(list(entries))
    correct = wrong = 0
    for group in groups:
        for a, b in combinations(group.names, 2):
            if entries[a] & entries[b]:
                correct += 1
            else:
                wrong += 1
    by_entry: dict[int, list[str]] = defaultdict(list)
    for name, numbers in entries.items():
        for number in numbers:
            by_entry[number].append(name)
    true_pairs = {pair for names in by_entry.values() for pair in combinations(sorted(names), 2)}
    precision = correct / (correct + wrong)
    recall = correct / len(true_pairs)
    print(f"OFAC: {len(entries)} names, precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.95
    assert recall >= 0.05  # many aliases are different names altogether; spellings must still be found


names_text = st.text(
    alphabet=st.sampled_from(
        list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ -'’.,()\n\téÉçÇ0123456789")
    ),
    max_size=300,
)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_extraction_never_crashes_and_offsets_hold(text: str) -> None:
    for mention in extract_mentions(text):
        assert 0 <= mention.start < mention.end <= len(text)
        assert text[mention.start : mention.end].split() == mention.text.split()


@settings(max_examples=200, deadline=None)
@given(names_text)
def test_extraction_on_name_like_text(text: str) -> None:
    mentions = extract_mentions(text)
    for mention in mentions:
        assert text[mention.start : mention.end].split() == mention.text.split()
    article = Article(id="x", source="s", title="", text=text)
    from search.entities import extract

    table = build_entities([extract(article), ArticleMentions("y", "s", None)])
    for ref in table.article_mentions("x"):
        assert 0 <= ref.start < ref.end <= len(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40), st.text(max_size=40))
def test_matcher_is_symmetric_and_total(a: str, b: str) -> None:
    assert compare_names(a, b).kind == compare_names(b, a).kind


def test_variants_keep_romanised_places_apart() -> None:
    from search.entities import group_names

    groups = group_names(["Changzhou", "Chengzhou", "yi da shi", "yi shi", "Aleksandrow", "Aleksandrov"])
    grouped = [set(group.names) for group in groups if len(group.names) > 1]
    assert grouped == [{"Aleksandrow", "Aleksandrov"}]  # a vowel for a vowel is no spelling; w/v is


def test_acronym_and_speech_cues_only_support_a_kind() -> None:
    """`U.S.` written thousands of times (an acronym cue each) beside a few organisation nouns
    must not outvote what `in the U.S.` says: support at most doubles a kind's own votes."""
    from search.entities.kinds import MENTIONS, ORG, PLACE, UNKNOWN, decide_kind

    assert decide_kind({"a": 4907, "o": 9, "i": 116, "p": 7, MENTIONS: 300}) == PLACE
    assert decide_kind({"a": 40, "o": 10, MENTIONS: 40}) == ORG  # an organisation's acronym still helps it
    assert decide_kind({"a": 500, MENTIONS: 500}) == UNKNOWN  # an acronym alone decides nothing


@given(st.lists(st.sampled_from("TrksOoaPpilgb"), min_size=1, max_size=12), st.randoms(use_true_random=False))
def test_a_kind_and_its_reasons_do_not_depend_on_the_order_cues_were_met(
    codes: list[str], chooser: Any
) -> None:
    """Counts kept between runs meet their cues in another order than a fresh count: the kind
    (float sums of 0.3 and 0.4) and its reasons (ties) must come out the same."""
    from collections import Counter

    from search.entities.kinds import CUE_NAMES, MENTIONS, decide_kind, describe_cues

    cues = dict(Counter(codes), **{MENTIONS: len(codes)})
    shuffled = list(cues.items())
    chooser.shuffle(shuffled)
    assert decide_kind(dict(shuffled)) == decide_kind(cues)
    assert describe_cues(dict(shuffled)) == describe_cues(cues)
    assert all(
        part.rsplit(" x", 1)[0] in CUE_NAMES.values() for part in describe_cues(cues).split(", ") if part
    )


def test_an_initial_keeps_its_dot_in_the_name_as_written() -> None:
    text = "President George W. Bush met B. A. Khan. Then he left."
    written = [(m.text, text[m.start : m.end]) for m in extract_mentions(text)]
    assert ("George W. Bush", "George W. Bush") in written
    assert all(name == span for name, span in written)
