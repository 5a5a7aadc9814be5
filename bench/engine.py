"""The pure engine: complete complaints as events, no I/O at all."""

from __future__ import annotations

import gc
import time

from bench.report import Result, summary
from bench.script import context, event_for, scripts
from dialogs.engine import handle
from dialogs.model import Draft


def run(quick: bool) -> Result:
    complaints = 60 if quick else 600
    plans = scripts()
    # Events made up front (uploads carry distinct files), so only `handle` is timed.
    prepared = [
        [event_for(a, seed=i * 10 + j) for j, a in enumerate(plans[i % len(plans)].actions)]
        for i in range(complaints)
    ]
    ctx = context()
    for events in prepared[: len(plans)]:  # warm-up: imports, Fluent bundles, regex caches
        _replay(events, ctx, [])
    per_event: list[float] = []
    gc.collect()
    started = time.perf_counter()
    for events in prepared:
        _replay(events, ctx, per_event)
    wall = time.perf_counter() - started
    timed = sum(per_event)

    result = Result(
        "engine",
        "engine: dialogs.engine.handle, complete complaints, no I/O",
        {"complaints": complaints, "events": len(per_event), "mix": "trademark/patent/copyright"},
    )
    stats = summary(per_event, 1e6)
    result.latency("per event (median/p95/max)", stats, "µs")
    result.row("events per second (handle only)", f"{len(per_event) / timed:,.0f}")
    result.row("complaints per second (handle only)", f"{complaints / timed:,.1f}")
    result.row("per complaint (handle only)", f"{timed / complaints * 1e3:.2f} ms")
    result.row("wall incl. shell stamping", f"{wall:.2f} s")
    result.data = {
        "per_event_us": stats,
        "events_per_second": len(per_event) / timed,
        "complaints_per_second": complaints / timed,
        "wall_seconds": wall,
    }
    return result


def _replay(events: list, ctx, samples: list[float]) -> None:
    draft: Draft | None = None
    clock = time.perf_counter
    for event in events:
        t0 = clock()
        outcome = handle(draft, event, ctx)
        samples.append(clock() - t0)
        if outcome.changed:  # the shell saves, stamping updated_at (not timed)
            draft = outcome.draft
            if draft is not None:
                draft = draft.model_copy(update={"updated_at": ctx.now})
