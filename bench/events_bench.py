"""Timing and quality of the event engine (search/events) on the shared real data.

    .venv/bin/python bench/events_bench.py timing [--limit N]   # Reuters-21578: build, update, save, load
    .venv/bin/python bench/events_bench.py quality              # stories vs gold on ECB+ and WikiRef220

Known answers (event_id, topic_id) and the `origin` field (a path that names
the event) are removed before the articles reach the engine, and article ids
are replaced by opaque numbers (ECB+ ids spell out topic and event); the
gold labels are used only to score.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from search.dates import parse_date  # noqa: E402
from search.events import EventTable  # noqa: E402
from search.events.evaluate import adjusted_rand, bcubed, pairwise  # noqa: E402
from search.models import Article  # noqa: E402

DATA = ROOT.parent / "shared" / "data"


def read_rows(path: Path, limit: int | None = None) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    rows = []
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                rows.append(json.loads(line))
            if limit and len(rows) >= limit:
                break
    return rows


def blind(rows: list[dict]) -> tuple[list[Article], dict[str, str]]:
    """Articles without their known answers (opaque ids), and the gold label per opaque id."""
    articles, gold = [], {}
    for number, row in enumerate(rows):
        article_id = f"a{number:05d}"
        gold[article_id] = str(row.get("event_id"))
        articles.append(
            Article(
                id=article_id,
                source=str(row.get("source") or f"s{number:05d}"),
                title=str(row.get("title") or ""),
                text=str(row.get("text") or ""),
                date=parse_date(row.get("date")),
            )
        )
    return articles, gold


def score(table: EventTable, gold: dict[str, str]) -> dict[str, float]:
    predicted = {a: s.id for s in table.stories() for a in s.articles}
    bp, br, bf = bcubed(predicted, gold)
    pp, pr, pf = pairwise(predicted, gold)
    return {
        "bcubed_p": bp, "bcubed_r": br, "bcubed_f1": bf,
        "pair_p": pp, "pair_r": pr, "pair_f1": pf,
        "ari": adjusted_rand(predicted, gold),
        "stories": len(table.stories()), "gold_groups": len(set(gold.values())),
    }  # fmt: skip


def quality() -> None:
    for name in ("ecbplus.jsonl", "wikiref220.jsonl"):
        articles, gold = blind(read_rows(DATA / name))
        started = time.perf_counter()
        table = EventTable.build(articles)
        seconds = time.perf_counter() - started
        figures = score(table, gold)
        print(f"{name}: {len(articles)} articles, {seconds:.1f} s")
        print(
            "  "
            + "  ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items())
        )


def timing(limit: int | None) -> None:
    rows = [r for r in read_rows(DATA / "reuters21578.jsonl.gz") if (r.get("text") or "").strip()]
    rows = rows[:limit] if limit else rows[:20_000]
    articles = [
        Article(id=str(r["id"]), source=str(r.get("source") or "Reuters"), title=str(r.get("title") or ""),
                text=str(r.get("text") or ""), date=parse_date(r.get("date")))
        for r in rows
    ]  # fmt: skip
    print(f"reuters21578: {len(articles)} articles with text")
    started = time.perf_counter()
    table = EventTable.build(articles)
    built = time.perf_counter() - started
    passages = sum(len(r.passages) for r in table.records.values())
    events = table.events()
    multi = [e for e in events if len(e.sources) > 1 or len(e.articles) > 1]
    print(f"  full build: {built:.1f} s  ({passages} passages, {len(events)} events, "
          f"{len(multi)} with several articles, {len(table.stories())} stories)")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "events.json"
        started = time.perf_counter()
        table.save(path)
        saved = time.perf_counter() - started
        started = time.perf_counter()
        loaded = EventTable.load(path)
        load_s = time.perf_counter() - started
        print(f"  save: {saved:.1f} s ({path.stat().st_size / 1e6:.0f} MB), load: {load_s:.1f} s")
    assert loaded is not None
    changed = [
        Article(a.id, a.source, a.title, a.text + "\nCorrection appended.", a.date) for a in articles[:10]
    ]
    started = time.perf_counter()
    updated = table.update(changed)
    print(f"  update of 10 changed articles: {time.perf_counter() - started:.1f} s")
    same = EventTable.build(articles, previous=updated)
    stable = [e.id for e in same.events()] == [e.id for e in table.events()]
    print(f"  event ids identical after re-indexing the unchanged corpus: {stable}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("what", choices=["timing", "quality", "all"])
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    if args.what in ("quality", "all"):
        quality()
    if args.what in ("timing", "all"):
        timing(args.limit)


if __name__ == "__main__":
    main()
