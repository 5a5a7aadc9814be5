"""`/healthz`, `/readyz` and `/metrics` (Prometheus text format) on a small HTTP listener
(METRICS_PORT; in aiogram's webhook mode, on the webhook's server). docs/metrics.md lists them.

Every process counts what it does as it happens (updates, Bot API calls, outbox deliveries…).
What the database holds (backlogs, cases by status, the funnel) is computed in the background by
the sender lease's holder (`bot.ops.gauges`) and served from memory: a scrape costs the same
with 100 cases or 100,000, and only one worker of a cluster exports those gauges.
"""

from __future__ import annotations

import logging
import os
import platform
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    Counter,
    Gauge,
    Histogram,
    Info,
    generate_latest,
)

from bot.config.version import installed_version
from bot.telemetry.health import HEALTH, LIVE, READY, token_refusal
from bot.telemetry.logs import note
from storage import Storage

log = logging.getLogger(__name__)

PREFIX = "ipintake_"
WORKER = f"{socket.gethostname()}:{os.getpid()}"  # the `worker` label
# Telegram answers in tens of milliseconds; an upload or a slow network in seconds.
SECONDS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
# From a Submit to what the claimant and staff see: seconds, or minutes behind a 429.
DELIVERY = (0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900)

UPDATES = Counter(f"{PREFIX}updates_total", "Telegram updates handled, by outcome", ["outcome"])
UPDATE_SECONDS = Histogram(
    f"{PREFIX}update_handling_seconds", "Time to handle one update", buckets=SECONDS
)
API_CALLS = Counter(
    f"{PREFIX}bot_api_calls_total",
    "Bot API calls, by method and result (ok, an HTTP status such as 429, 5xx, network)",
    ["method", "result"],
)
API_SECONDS = Histogram(
    f"{PREFIX}bot_api_call_seconds", "Bot API call time, by method", ["method"], buckets=SECONDS
)
SUBMIT_TO_RECEIPT = Histogram(
    f"{PREFIX}submit_to_receipt_seconds",
    "From a complaint's Submit to its receipt reaching Telegram",
    buckets=DELIVERY,
)
SUBMIT_TO_CARD = Histogram(
    f"{PREFIX}submit_to_card_seconds",
    "From a complaint's Submit to its staff card reaching Telegram",
    buckets=DELIVERY,
)
OUTBOX_SENT = Counter(f"{PREFIX}outbox_sent_total", "Outbox messages sent, by lane", ["lane"])
OUTBOX_GIVEN_UP = Counter(
    f"{PREFIX}outbox_given_up_total", "Outbox messages given up on (refused, broken)", ["lane"]
)
LEASE_HELD = Gauge(
    f"{PREFIX}lease_held",
    "1 in the worker that holds the lease (sender, poller)",
    ["lease", "worker"],
)
TOKEN_REFUSED = Gauge(f"{PREFIX}token_refused", "1 while Telegram refuses the bot token (401)")
TOKEN_REFUSED.set_function(lambda: 1 if token_refusal.reason else 0)
LAST_SUCCESS = Gauge(
    f"{PREFIX}last_success_timestamp_seconds",
    "When a job last succeeded (polling, retention; backup from the lease holder)",
    ["job"],
)

BUILD = Info(f"{PREFIX}build", "The running version (build_info{version,python} 1)")
BUILD.info({"version": installed_version(), "python": platform.python_version()})


@asynccontextmanager
async def holding(lease: str) -> AsyncIterator[None]:
    """While the block runs this worker holds `lease` (`ipintake_lease_held` = 1)."""
    LEASE_HELD.labels(lease=lease, worker=WORKER).set(1)
    try:
        yield
    finally:
        LEASE_HELD.remove(lease, WORKER)


def succeeded(job: str) -> None:
    LAST_SUCCESS.labels(job=job).set_to_current_time()


@asynccontextmanager
async def observed_update(update_id: int) -> AsyncIterator[None]:
    """Around the handling of one update: its id on every line logged meanwhile, then one line
    and one count for how it ended (a failure is logged with its traceback and re-raised)."""
    note(update_id=update_id)
    started = time.monotonic()
    try:
        yield
    except Exception:
        note(outcome="failed")
        UPDATES.labels(outcome="failed").inc()
        UPDATE_SECONDS.observe(time.monotonic() - started)
        log.exception("update failed")
        raise
    elapsed = time.monotonic() - started
    note(outcome="handled")
    UPDATES.labels(outcome="handled").inc()
    UPDATE_SECONDS.observe(elapsed)
    log.info("update handled in %.0f ms", elapsed * 1000)


def api_call(method: str, result: str, seconds: float) -> None:
    """One Bot API call: `result` is "ok", Telegram's status ("429", "400", "5xx"…) or
    "network" (no answer)."""
    API_CALLS.labels(method=method, result=result).inc()
    API_SECONDS.labels(method=method).observe(seconds)


def status_result(status: int) -> str:
    """The `result` label of an HTTP status."""
    if status < 300:
        return "ok"
    return "5xx" if status >= 500 else str(status)


async def token_problem() -> str | None:
    """Nothing is sent until a restart with a valid token (`bot.telemetry.health`)."""
    return token_refusal.reason or None


async def database_problem(storage: Storage) -> str | None:
    async with storage.db.read() as conn:
        await conn.execute_fetchall("SELECT 1")
    return None


def add_routes(app: web.Application, storage: Storage) -> None:
    async def probe(kind: str) -> web.Response:
        problems = await HEALTH.problems(kind)
        if problems:
            return web.Response(status=503, text="".join(f"{p}\n" for p in problems))
        return web.Response(text="ok\n")

    async def healthz(request: web.Request) -> web.Response:
        return await probe(LIVE)

    async def readyz(request: web.Request) -> web.Response:
        return await probe(READY)

    async def metrics(request: web.Request) -> web.Response:
        return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def database() -> str | None:
        return await database_problem(storage)

    removers = [
        HEALTH.add("database", database, probe=READY),
        HEALTH.add("Telegram refused the bot token", token_problem, probe=LIVE),
    ]
    app.on_cleanup.append(lambda _: _removed(*removers))
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)


async def _removed(*removers: Any) -> None:
    for remove in removers:
        remove()


@asynccontextmanager
async def serving(storage: Storage, host: str, port: int | None) -> AsyncIterator[Any]:
    """The listener while the block runs (nothing when `port` is None)."""
    if port is None:
        yield None
        return
    app = web.Application()
    add_routes(app, storage)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("health and metrics on http://%s:%s", host, port)
    try:
        yield runner
    finally:
        await runner.cleanup()
