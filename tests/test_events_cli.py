"""`explorer events`, `compare` and `stories` on a real index of the seeds."""

from __future__ import annotations

import json
import re
from pathlib import Path

from search.explorer import Explorer
from tui.columns import cells

from .conftest import SEEDS


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_events_lists_multi_source_events_first(run_cli) -> None:
    result = run_cli("events", "--min-sources", "3", "--format", "jsonl")
    assert result.code == 0, result.err
    events = jsonl(result.out)
    assert events
    for event in events:
        assert {"id", "label", "date", "sources", "articles", "passages"} <= set(event)
        assert len(event["sources"]) >= 3
        assert all({"article", "source", "text"} <= set(p) for p in event["passages"])
    counts = [len(e["sources"]) for e in events]
    assert counts == sorted(counts, reverse=True)
    deaths = jsonl(run_cli("events", "Dashty", "killed", "--format", "jsonl").out)
    assert any(e["date"] == "2021-09-05" and len(e["sources"]) >= 3 for e in deaths)


_TSV_ESCAPE = re.compile(r"\\(\\|t|n|r|x[0-9a-f]{2})")


def _tsv_cell(text: str) -> str:
    """A TSV cell read back: the reverse of ``tui.output.tsv_field``'s escapes."""
    plain = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}
    return _TSV_ESCAPE.sub(lambda m: plain.get(m.group(1)) or chr(int(m.group(1)[1:], 16)), text)


def test_events_as_tsv_keep_passages_as_json(run_cli) -> None:
    """A nested value must stay one parseable cell (it was a Python repr with single quotes)."""
    rows = run_cli("events", "--min-sources", "3", "--format", "tsv").out.splitlines()
    header = rows[0].split("\t")
    reference = jsonl(run_cli("events", "--min-sources", "3", "--format", "jsonl").out)
    assert len(rows) == len(reference) + 1
    for row, event in zip(rows[1:], reference, strict=True):
        cells_ = dict(zip(header, row.split("\t"), strict=True))
        assert cells_["id"] == event["id"]
        assert cells_["sources"] == ",".join(event["sources"])  # plain lists stay comma-joined
        assert json.loads(_tsv_cell(cells_["passages"])) == event["passages"]


def test_compare_fits_the_width_and_lists_differences(run_cli) -> None:
    event_id = jsonl(run_cli("events", "Dashty", "killed", "--format", "jsonl").out)[0]["id"]
    text = run_cli("compare", event_id, "--width", "80")
    assert text.code == 0, text.err
    lines = text.out.splitlines()
    assert all(cells(line) <= 80 for line in lines[1:])
    assert "Differences:" in text.out and "«" in text.out
    data = json.loads(run_cli("compare", event_id, "--format", "json").out)
    assert data["event"]["id"] == event_id
    assert len(data["columns"]) >= 3
    assert all(set(row["cells"]) == set(data["columns"]) for row in data["rows"])
    kinds = {d["kind"] for d in data["differences"]}
    assert "spelling" in kinds
    missing = run_cli("compare", "zzzzqqq")
    assert missing.code == 1 and "no event matches" in missing.err


def test_every_article_is_in_exactly_one_story(run_cli) -> None:
    stories = jsonl(run_cli("stories", "--format", "jsonl").out)
    members = [a for story in stories for a in story["articles"]]
    assert sorted(members) == sorted(p.stem for p in SEEDS.glob("*.txt"))
    assert all({"id", "label", "date", "sources", "articles"} <= set(s) for s in stories)


def test_event_table_is_cached_per_index_generation(seed_corpus: Path, index_dir: Path) -> None:
    explorer = Explorer.open(seed_corpus, index_dir)
    explorer.update()
    first = explorer.events_table()
    ids = {e.id for e in first.events()}
    explorer.flush()  # saved in the background: on disk from here
    assert (index_dir / "events.generation.json").exists()
    again = Explorer.open(seed_corpus, index_dir).events_table()
    assert {e.id for e in again.events()} == ids  # loaded, same ids
    (seed_corpus / "004_fa9e966636171c75.txt").unlink()
    explorer.update()
    after = explorer.events_table()
    assert all("004_fa9e966636171c75" not in e.articles for e in after.events())
