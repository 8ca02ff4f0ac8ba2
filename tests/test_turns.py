"""The sliced versions of long C calls give what the one-call versions give."""

from __future__ import annotations

import gc
import pickle
import weakref
from collections import Counter
from itertools import repeat
from operator import rshift

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search import turns

SMALL = 3  # items per slice in these tests, so that every list is cut several times


@pytest.fixture(autouse=True)
def small_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(turns, "SLICE", SMALL)
    monkeypatch.setattr(turns, "BYTES", turns.BYTES)  # so that a test may set it: put back after


_leaf = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
_item = st.recursive(_leaf, lambda inner: st.lists(inner, max_size=4), max_leaves=8)


@given(st.lists(_item, max_size=12))
def test_a_dumped_list_loads_back_as_it_was(items: list[object]) -> None:
    data = turns.dump_list(items)
    assert turns.load_list(data) == items
    assert data.count(b"\n") == max(0, -(-len(items) // SMALL) - 1)  # one line per slice


def test_a_column_of_titles_with_newlines_and_odd_characters() -> None:
    """Compact JSON escapes every newline, so a line is always one slice (U+2028 included)."""
    titles = ['Zürich "quoted"', "naïve\nline", "北京", "", "\u2028", "a\r\nb", None, "tab\t"]
    assert turns.load_list(turns.dump_list(titles)) == titles
    assert turns.load_list(turns.dump_list([])) == []


def test_count_counts_what_one_counter_counts() -> None:
    codes = [n * 37 % 1000 for n in range(50)]
    whole = Counter(map(rshift, codes[7:], repeat(4)))

    def terms(part: list[int]) -> map[int]:
        return map(rshift, part, repeat(4))

    assert turns.count(codes, terms, start=7) == whole
    assert turns.count(codes, terms, start=50) == Counter()


class _Record:
    """A stand-in for a derivation's records: weakly referenceable, so we can see it freed."""


def test_let_go_empties_lists_and_dicts_and_frees_what_only_they_held() -> None:
    kept = _Record()
    records = [_Record() for _ in range(10)] + [kept]
    by_pair = {(n, n + 1): _Record() for n in range(10)}
    by_pair[(99, 100)] = kept
    watched = [weakref.ref(r) for r in records[:10]] + [weakref.ref(r) for r in list(by_pair.values())[:10]]
    gc.disable()
    try:
        turns.let_go(records, by_pair)
    finally:
        gc.enable()

    assert records == [] and by_pair == {}
    assert all(ref() is None for ref in watched)  # freed by reference counting, no collection needed
    assert isinstance(kept, _Record)  # what someone else holds stays


def test_let_go_leaves_the_items_of_a_list_alone() -> None:
    """Only the container is emptied: shared records (cached vectors) are not touched."""
    shared = {"term": 1.0}
    vectors = [shared, shared]
    turns.let_go(vectors)
    assert vectors == [] and shared == {"term": 1.0}


@given(st.lists(st.binary(max_size=9), max_size=30), st.integers(min_value=1, max_value=40))
def test_runs_by_size_cover_every_line_once_in_order(lines: list[bytes], limit: int) -> None:
    turns.BYTES = limit  # restored by the fixture's monkeypatch
    runs = list(turns.by_size(lines))
    assert [line for run in runs for line in run] == lines
    assert all(run for run in runs)
    assert all(sum(map(len, run[:-1])) < limit for run in runs)  # a run ends once it reaches the size


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_unpickle_reads_what_pickle_loads_reads(protocol: int) -> None:
    """Every protocol, the text ones (read by lines) too, and values larger than one frame."""
    value = {
        "rows": [(f"name {n}", n, n / 7, None) for n in range(30_000)],
        "bytes": bytes(range(256)) * 1000,
        "text": "line\nbreaks\n and ünïcode",
        "nested": {("a", 1): [frozenset({1, 2})]},
    }
    payload = pickle.dumps(value, protocol=protocol)
    assert turns.unpickle(payload) == pickle.loads(payload) == value


def test_unpickle_of_a_damaged_payload_raises_as_pickle_does() -> None:
    payload = pickle.dumps(list(range(1000)), protocol=pickle.HIGHEST_PROTOCOL)
    with pytest.raises(Exception) as mine:
        turns.unpickle(payload[:-20])
    with pytest.raises(Exception) as theirs:
        pickle.loads(payload[:-20])
    assert type(mine.value) is type(theirs.value)
