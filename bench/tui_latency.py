"""The TUI's latency from keystroke to updated results, on the real app in a headless terminal.

Runs inside a worker (`python -m bench.worker tui-latency`): the explorer's
Textual app on the cached index, driven by ``App.run_test(size=(80, 24))``.
For each query the box is cleared, the query is typed key by key with
``pilot.press`` (no pauses beyond what the pilot itself takes to deliver a
key), and the clock runs from just before the last key is pressed until the
first frame drawn after that exact query's results were put on the screen (or,
when no frame follows because the screen already showed those hits, until they
arrived).

The search view is watched through three of its own methods, wrapped on the
instance (the app's code is not changed): ``search_now`` (a search starts: at
the key, or when a burst of keys under the debounce apart ended), ``_search``
(a worker was started) and ``_show_result`` (results put on screen); and ``App._display``, which every
frame goes through (headless, it renders the update but writes nothing).

Figures per query: (a) last key to results drawn, any debounce included;
(b) search started to results drawn: the search in its worker plus the
drawing; and the engine's own ``elapsed_ms`` for that search. A *stale*
result is one for an earlier prefix of the query (or any other query) drawn
after the final query's results: counted, and it should always be 0.

One query is typed untimed first: the first search opens the searcher and
loads the vocabulary, which "cold open + first search" already measures.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any

SIZE = (80, 24)  # the smallest terminal the app is made for
ARRIVAL_TIMEOUT = 60.0  # seconds one query may take to reach the screen
UNCHANGED_AFTER = 1.0  # no frame this long after the results arrived: nothing on screen changed
READY_TIMEOUT = 600.0  # the app checks the index on start (may repair derived tables)
KINDS = ("one word", "two words", "misspelled name")
WARM_UP = "the"


def _key(character: str) -> str:
    return "space" if character == " " else character


def measure(args: dict[str, Any]) -> dict[str, Any]:
    """Runs inside a worker: type each query into the real app, time until its results are drawn."""
    from search.explorer import Explorer
    from tui.app import ExplorerApp
    from tui.screens import search as search_module
    from tui.screens.search import SearchScreen

    queries: list[dict[str, str]] = args["queries"]
    explorer = Explorer.open(Path(args["corpus"]), Path(args["index"]))
    app = ExplorerApp(explorer)
    debounce = float(search_module.DEBOUNCE_SECONDS)
    events: list[tuple[str, float, Any]] = []  # (what, perf_counter, detail), in order
    arrived = asyncio.Event()
    watching: dict[str, Any] = {"query": None}

    def watch(screen: SearchScreen) -> None:
        show_result, search_now, start = screen._show_result, screen.search_now, screen._search

        def shown(result: Any) -> None:
            show_result(result)
            query = None if result is None else result.query
            events.append(("shown", time.perf_counter(), (query, screen.generation, result)))
            if query is not None and query == watching["query"]:
                arrived.set()

        def searching(force: bool = False) -> None:
            events.append(("search_now", time.perf_counter(), screen.request.query))
            search_now(force)

        def started(generation: int, request: Any) -> Any:
            events.append(("worker", time.perf_counter(), request.query))
            return start(generation, request)

        screen._show_result = shown  # type: ignore[method-assign]
        screen.search_now = searching  # type: ignore[method-assign]
        screen._search = started  # type: ignore[method-assign]

    display = app._display

    def displayed(screen: Any, renderable: Any) -> None:
        display(screen, renderable)
        if renderable is not None:
            events.append(("frame", time.perf_counter(), None))

    app._display = displayed  # type: ignore[method-assign]

    samples: list[dict[str, Any]] = []
    found: dict[str, Any] = {}

    async def until(condition: Any, pilot: Any, limit: float, what: str) -> None:
        deadline = time.monotonic() + limit
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError(f"TUI latency: {what} took over {limit:.0f} s")
            await pilot.pause(0.01)

    async def clear(screen: SearchScreen, pilot: Any) -> None:
        box = screen.query_one("#query")
        await pilot.press("ctrl+u")
        if box.value:  # the box did not take ctrl+u: empty it as a paste would
            box.value = ""

        def empty_shown() -> bool:
            searched = screen._searched  # None before the first search
            return not screen.pending and screen.result is None and (searched is None or not searched.query)

        await until(empty_shown, pilot, ARRIVAL_TIMEOUT, "clearing the box")
        await app.workers.wait_for_complete()
        await pilot.pause()

    async def type_and_time(screen: SearchScreen, pilot: Any, query: str) -> dict[str, Any]:
        await clear(screen, pilot)
        watching["query"] = query
        arrived.clear()
        mark = len(events)
        typed_first = time.perf_counter()
        for character in query[:-1]:
            await pilot.press(_key(character))
        typed_last = time.perf_counter()
        await pilot.press(_key(query[-1]))
        value = screen.query_one("#query").value
        if value != query:
            raise RuntimeError(f"TUI latency: typed {query!r} but the box holds {value!r}")
        try:
            await asyncio.wait_for(arrived.wait(), ARRIVAL_TIMEOUT)
        except TimeoutError:
            raise TimeoutError(
                f"TUI latency: no results for {query!r} within {ARRIVAL_TIMEOUT:.0f} s"
            ) from None
        # the first frame after the results were put on screen is when a person sees them; when
        # none comes, the screen already showed them (a prefix such as "tonne" found the same hits
        # and summary as "tonnes"), and the arrival itself is when they were there to see
        await until(
            lambda: (
                any(e[0] == "frame" and e[1] > final_shown()[1] for e in events[mark:])
                or time.perf_counter() - final_shown()[1] > UNCHANGED_AFTER
            ),
            pilot,
            ARRIVAL_TIMEOUT,
            f"drawing the results of {query!r}",
        )
        await pilot.pause()
        # let every worker end and every message land: a stale result would be drawn by now
        await app.workers.wait_for_complete()
        await pilot.pause()
        sample = _sample(query, typed_last, events[mark:], debounce)
        sample["key_interval"] = (typed_last - typed_first) / max(1, len(query) - 1)
        on_screen = screen.result.query if screen.result is not None else None
        if on_screen != query or screen._shown_generation != screen.generation:  # also stale
            sample["stale_shown"].append(f"left on screen: {on_screen!r}")
        return sample

    def final_shown() -> tuple[str, float, Any]:
        query = watching["query"]
        return next(e for e in events if e[0] == "shown" and e[2][0] == query)

    async def drive() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await until(
                lambda: (
                    isinstance(app.screen, SearchScreen)
                    and app.index_state.ready
                    and app.index_state.checked
                    and not app.index_state.busy
                ),
                pilot,
                READY_TIMEOUT,
                "the index check at start-up",
            )
            await app.workers.wait_for_complete()
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, SearchScreen)
            watch(screen)
            events.clear()
            warm = await type_and_time(screen, pilot, args.get("warm_up") or WARM_UP)
            found["warm_up"] = warm
            for query in queries:
                events.clear()
                sample = await type_and_time(screen, pilot, query["text"])
                sample["kind"] = query["kind"]
                samples.append(sample)
            found["page_size"] = screen.page_size()

    asyncio.run(drive())
    explorer.close()
    return {"debounce": debounce, "size": list(SIZE), "samples": samples, **found}


def _sample(
    query: str, typed_last: float, log: list[tuple[str, float, Any]], debounce: float
) -> dict[str, Any]:
    """One query's figures from the events logged since its box was cleared."""
    final = next(i for i, e in enumerate(log) if e[0] == "shown" and e[2][0] == query)
    shown_at = log[final][1]
    result = log[final][2][2]
    drawn_at = next((e[1] for e in log[final:] if e[0] == "frame" and e[1] > shown_at), shown_at)
    # the search that produced it: the last one started for exactly this query before it arrived
    fired_at = max(e[1] for e in log[:final] if e[0] == "search_now" and e[2] == query)
    workers = [e[2] for e in log if e[0] == "worker"]
    stale = [e[2][0] for e in log[final + 1 :] if e[0] == "shown" and e[2][0] != query]
    intermediate = [e[2][0] for e in log[:final] if e[0] == "shown" and e[2][0] not in (None, query)]
    return {
        "query": query,
        "to_results": drawn_at - typed_last,  # (a): the debounce included
        "after_debounce": drawn_at - fired_at,  # (b): the search plus the drawing
        "debounce_wait": fired_at - typed_last,  # the timer as it really fired (nominal: debounce)
        "search_ms": float(getattr(result, "elapsed_ms", float("nan"))),
        "draw": drawn_at - shown_at,
        "hits": len(getattr(result, "hits", ())),
        "workers": workers,  # searches started while typing (prefixes when keys came slower than the debounce)
        "intermediate_shown": intermediate,
        "stale_shown": stale,
        "nominal_debounce": debounce,
    }


def summary(result: dict[str, Any]) -> dict[str, Any]:
    """The figures the table shows, from a worker's answer."""
    from .measure import Latency

    samples = result["samples"]
    return {
        "to_results": Latency.of([s["to_results"] for s in samples]),
        "after_debounce": Latency.of([s["after_debounce"] for s in samples]),
        "search": Latency.of([s["search_ms"] / 1000 for s in samples]),
        "draw": Latency.of([s["draw"] for s in samples]),
        "debounce_wait": Latency.of([s["debounce_wait"] for s in samples]),
        "stale": sum(len(s["stale_shown"]) for s in samples),
        "prefix_searches": sum(sum(1 for q in s["workers"] if q != s["query"]) for s in samples),
        "intermediate_shown": sum(len(s["intermediate_shown"]) for s in samples),
        "queries": len(samples),
        "key_interval": Latency.of([s["key_interval"] for s in samples]),
        "debounce": result["debounce"],
    }


def rows(
    corpus: Path, index_dir: Path, queries: list[Any], per_kind: int | None = None
) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    """Table rows (measure, figure) for one corpus; a failure is one "n/a (failed: ...)" row.

    ``per_kind`` keeps only the first few queries of each kind (the quick run types one of each).
    """
    from . import table
    from .measure import run_worker

    chosen = [q.as_dict() for kind in KINDS for q in [q for q in queries if q.kind == kind][:per_kind]]
    label = "TUI keystroke to results"
    try:
        if not chosen:
            raise RuntimeError("no one-word, two-word or misspelled-name queries")
        result = run_worker(
            "tui-latency",
            {"corpus": str(corpus), "index": str(index_dir), "queries": chosen},
            timeout=READY_TIMEOUT + ARRIVAL_TIMEOUT * (len(chosen) + 1),
        ).result
        figures = summary(result)
    except Exception as error:  # the TUI is built concurrently: report, never sink the run
        lines = str(error).strip().splitlines() or [type(error).__name__]
        return [(label, f"n/a (failed: {lines[-1][:80]})")], {"error": str(error)}
    debounce, count = figures["debounce"], figures["queries"]
    width, height = result["size"]
    stale = figures["stale"]
    prefixes = figures["prefix_searches"]
    return [
        (
            f"{label}, {width}x{height}, {count} queries, keys under {debounce:g} s apart wait (p50/p95/max)",
            table.latency(figures["to_results"]),
        ),
        (
            "TUI search + drawing once the search started (p50/p95/max)",
            table.latency(figures["after_debounce"]),
        ),
        ("TUI of which Explorer.search in the worker (p50/p95/max)", table.latency(figures["search"])),
        (
            "TUI stale results shown (a prefix's drawn after the final)",
            f"{stale}{' STALE' if stale else ''} in {count} queries; "
            f"{prefixes} prefix search{'' if prefixes == 1 else 'es'} ran while typing",
        ),
    ], {**result, "summary": {k: asdict(v) if is_dataclass(v) else v for k, v in figures.items()}}
