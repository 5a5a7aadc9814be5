"""The bot as its own process (`python -m bot`) against the fake Bot API over HTTP, beside a bare
aiogram echo bot (`python -m bench.echo_bot`) run the same way, both under closed-loop load.

The fake and the simulated users share this process; the bot's CPU is read from /proc for its
pid alone, and this process's CPU is reported apart so that a saturated fake shows.

Here the measurements; the bots' processes are started by `bench.oop_bots`, the table is drawn
by `bench.oop_report`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from bench.closed_loop import ANSWER_TIMEOUT, Load, act, claimant, echo_user, exchange
from bench.drive import send
from bench.oop_bots import BOT, ECHO, running
from bench.oop_options import OopOptions
from bench.oop_report import report
from bench.process import STAFF_CHAT_ID, cpu_seconds, machine_seconds, memory_kb, reset_peak
from bench.report import Result, summary
from bench.script import padded_pdf, scripts
from dialogs.model import FileSection

RSS_INTERVAL = 0.01


async def _drain(load: Load) -> None:
    """Keep the load on until every update queued inside the window has its answer, so slow
    answers near the window's end are in the latencies rather than cut off."""
    deadline = time.perf_counter() + ANSWER_TIMEOUT
    while load.pending and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)


async def _stop(load: Load, tasks: list[asyncio.Task[None]]) -> None:
    """Let the users finish the exchange in hand (a few seconds at most), then cancel the rest."""
    load.stopping = True
    _, late = await asyncio.wait(tasks, timeout=10) if tasks else (set(), set())
    for task in late:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def _per_update(requests: list[Any], answered: int) -> dict[str, Any]:
    """Bot API calls per answered update; getUpdates and calls to the staff group apart."""
    methods = Counter(
        r.method + (" (staff)" if r.params.get("chat_id") == STAFF_CHAT_ID else "")
        for r in requests
    )
    polls = methods.pop("getUpdates", 0)
    per = 1 / answered if answered else 0.0
    return {
        "calls_per_update": sum(methods.values()) * per,
        "get_updates_per_update": polls * per,
        "by_method_per_update": {m: n * per for m, n in methods.most_common()},
    }


async def _steady(
    module: str,
    users: Callable[[Load], list[Coroutine[Any, Any, None]]],
    opts: OopOptions,
    tmp: Path,
    name: str,
) -> dict[str, Any]:
    """Load for `warmup`, then measure a window of `seconds`: throughput, latency, costs."""
    async with running(module, tmp, name, opts) as (load, process):
        tasks = [asyncio.create_task(u) for u in users(load)]
        try:
            await asyncio.sleep(opts.warmup)
            requests, bot_cpu, own_cpu = len(load.fake.requests), process.cpu(), cpu_seconds()
            replies = len(load.fake.webhook_replies)
            machine = machine_seconds()
            load.start = time.perf_counter()
            await asyncio.sleep(opts.seconds)
            load.end = time.perf_counter()
            requests_end, bot_cpu_end, own_cpu_end = (
                len(load.fake.requests),
                process.cpu(),
                cpu_seconds(),
            )
            replies_end = len(load.fake.webhook_replies)
            machine_end = machine_seconds()
            if process.exited():
                raise RuntimeError(f"{module} exited during the run")
            await _drain(load)
        finally:
            await _stop(load, tasks)
        wall = load.end - load.start
        answered = load.answered
        return {
            "users": len(tasks),
            "wall_seconds": wall,
            "answered": answered,
            "updates_per_second": answered / wall,
            "first_reply_ms": summary(load.first, 1e3),
            "bot_cpu_seconds": bot_cpu_end - bot_cpu,
            "cpu_seconds_per_1000_updates": (bot_cpu_end - bot_cpu) * 1000 / answered
            if answered
            else None,
            "bot_cpu_per_second": (bot_cpu_end - bot_cpu) / wall,
            "bench_process_cpu_per_second": (own_cpu_end - own_cpu) / wall,
            "machine_per_second": {k: (machine_end[k] - v) / wall for k, v in machine.items()},
            **_per_update(load.fake.requests[requests:requests_end], answered),
            "webhook_replies_per_update": (replies_end - replies) / answered if answered else 0,
            "complaints_submitted": load.submitted,
            "stalled_users": len(load.stalled),
            "stalled_example": load.stalled[0] if load.stalled else None,
        }


def _claimants(size: int) -> Callable[[Load], list[Coroutine[Any, Any, None]]]:
    plans = scripts()
    return lambda load: [claimant(load, k, 10_000, plans[k % len(plans)]) for k in range(size)]


def _echo_users(size: int) -> Callable[[Load], list[Coroutine[Any, Any, None]]]:
    return lambda load: [echo_user(load, 10_000 + k) for k in range(size)]


async def _together(opts: OopOptions, tmp: Path) -> dict[str, Any]:
    """`together` claimants brought to the review, then all pressing Submit in the same instant:
    how long until each one's receipt (the message with the case number) reaches the fake."""
    async with running(BOT, tmp, "together", opts) as (load, _):
        plans = scripts()
        users = [load.new_user(20_000 + k) for k in range(opts.together)]

        async def to_review(user_id: int, k: int) -> None:
            for j, action in enumerate(plans[k % len(plans)].actions[:-1]):
                await act(load, user_id, action, seed=user_id * 100 + j)

        outcomes = await asyncio.gather(
            *(to_review(u, k) for k, u in enumerate(users)), return_exceptions=True
        )
        # One stuck on the way (reported) does not spoil the others' measurement.
        ready = {u: k for k, u in enumerate(users) if outcomes[k] is None}
        users = list(ready)
        arrivals = load.arrivals
        replies = {u: arrivals.count(u) for u in users}
        effects = {u: arrivals.effect_count(u) for u in users}
        queued: dict[int, float] = {}
        for u, k in ready.items():
            queued[u] = time.perf_counter()
            send(load.fake, arrivals, u, plans[k % len(plans)].actions[-1], seed=0)

        async def receipt(u: int) -> None:
            await arrivals.wait_for(
                u,
                lambda: arrivals.receipt_time(u, replies[u]) is not None,
                opts.receipt_timeout,
                "no receipt",
            )

        await asyncio.gather(*(receipt(u) for u in users), return_exceptions=True)
        receipts = [
            stamp - queued[u]
            for u in users
            if (stamp := arrivals.receipt_time(u, replies[u])) is not None
        ]
        acks = [
            arrivals.effects[u][effects[u]] - queued[u]
            for u in users
            if arrivals.effect_count(u) > effects[u]
        ]
        return {
            "claimants": opts.together,
            "reached_review": len(users),
            "stuck_example": next((repr(o) for o in outcomes if o is not None), None),
            "receipt_seconds": summary(receipts),
            "submit_answered_ms": summary(acks, 1e3),
            "receipts_missing": len(users) - len(receipts),
        }


async def _upload(opts: OopOptions, tmp: Path) -> dict[str, Any]:
    """One claimant at the evidence step sends a padded PDF; the bot's RSS sampled meanwhile."""
    async with running(BOT, tmp, "upload", opts) as (load, process):
        plan = scripts()[0]
        at = next(
            i
            for i, a in enumerate(plan.actions)
            if a.kind == "upload" and a.value == FileSection.EVIDENCE.value
        )
        user_id = load.new_user(30_000)
        for j, action in enumerate(plan.actions[:at]):
            await act(load, user_id, action, seed=j)
        await asyncio.sleep(0.5)
        baseline = memory_kb(process.pid)
        peak_before = reset_peak(process.pid) or memory_kb(process.pid, "VmHWM")
        samples: list[int] = []

        async def sample() -> None:
            while True:
                samples.append(memory_kb(process.pid))
                await asyncio.sleep(RSS_INTERVAL)

        size = int(opts.upload_mb * 1_000_000)
        data = padded_pdf(size)
        sampler = asyncio.create_task(sample())
        accepted = True
        started = time.perf_counter()
        try:
            queue = functools.partial(
                load.fake.user_sends_document, user_id, data, "evidence.pdf", "application/pdf"
            )
            replies = load.arrivals.count(user_id)
            answer = await exchange(load, user_id, queue, plan.actions[at].messages)
            received = answer.last - answer.queued
            said = load.arrivals.by_chat[user_id][replies][1].content.split("\n")[0][:60]
        except TimeoutError:
            accepted, received = False, time.perf_counter() - started
            said = "no complete answer"
        await asyncio.sleep(0.3)
        sampler.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sampler
        return {
            "upload_bytes": size,
            "accepted": accepted,
            "received_seconds": received,
            "rss_baseline_mb": baseline / 1024,
            "rss_peak_mb": max(samples) / 1024,
            "rss_growth_mb": (max(samples) - baseline) / 1024,
            "vmhwm_growth_mb": max(0, memory_kb(process.pid, "VmHWM") - peak_before) / 1024,
            "samples": len(samples),
            "answer": said,
        }


async def measure(opts: OopOptions) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-oop-") as name:
        tmp = Path(name)
        sizes: dict[int, dict[str, Any]] = {}
        for size in opts.sizes:  # the two bots alternate so that noise falls on both
            echo = await _steady(ECHO, _echo_users(size), opts, tmp, f"echo-{size}")
            bot = await _steady(BOT, _claimants(size), opts, tmp, f"bot-{size}")
            sizes[size] = {"bot": bot, "echo": echo}
        together = await _together(opts, tmp)
        upload = await _upload(opts, tmp)
        tracebacks = sum(log.read_text().count("Traceback") for log in tmp.glob("*.log"))
    return {"sizes": sizes, "together": together, "upload": upload, "tracebacks": tracebacks}


def run(quick: bool, options: OopOptions | None = None) -> Result:
    opts = options or (OopOptions.quick() if quick else OopOptions())
    return report(opts, asyncio.run(measure(opts)))
