"""`/healthz` and `/metrics` (Prometheus text format) on a small HTTP listener (METRICS_PORT; in
aiogram's webhook mode, on the webhook's server).

Counted as they happen: updates handled and failed, Bot API calls and 429 answers by method.
Read from the database at each scrape: the outbox backlog and the age of its oldest item, cases
by status, and the intake funnel (`bot.ops.stats`).
"""

from __future__ import annotations

import logging
import platform
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Info, generate_latest

from bot.ops.logs import note
from bot.send_errors import token_refusal
from bot.version import installed_version
from dialogs.model import utcnow
from storage import Storage

log = logging.getLogger(__name__)

UPDATES = Counter("bot_updates_total", "Telegram updates handled, by outcome", ["outcome"])
API_CALLS = Counter("bot_api_calls_total", "Bot API calls made, by method", ["method"])
API_FLOODS = Counter("bot_api_429_total", "Bot API calls answered 429, by method", ["method"])
OUTBOX_BACKLOG = Gauge("bot_outbox_backlog", "Outbox messages waiting to be sent")
OUTBOX_OLDEST = Gauge("bot_outbox_oldest_age_seconds", "Age of the oldest waiting message")
CASES = Gauge("bot_cases", "Cases by status", ["status"])
FUNNEL_REACHED = Gauge("bot_funnel_reached", "Conversations that reached each step", ["step"])
FUNNEL_STOPPED = Gauge("bot_funnel_stopped", "Unfinished conversations now at each step", ["step"])
TOKEN_REFUSED = Gauge("bot_token_refused", "1 while Telegram refuses the bot token (401)")
BUILD = Info("bot_build", "The running version (bot_build_info{version} 1)")
BUILD.info({"version": installed_version(), "python": platform.python_version()})


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
        log.exception("update failed")
        raise
    note(outcome="handled")
    UPDATES.labels(outcome="handled").inc()
    log.info("update handled in %.0f ms", (time.monotonic() - started) * 1000)


def api_call(method: str, *, flooded: bool = False) -> None:
    API_CALLS.labels(method=method).inc()
    if flooded:
        API_FLOODS.labels(method=method).inc()


async def refresh(storage: Storage) -> None:
    from bot.ops.stats import figures

    TOKEN_REFUSED.set(1 if token_refusal.reason else 0)
    found = await figures(storage)
    OUTBOX_BACKLOG.set(found.outbox_backlog)
    age = (utcnow() - found.outbox_oldest).total_seconds() if found.outbox_oldest else 0
    OUTBOX_OLDEST.set(max(age, 0))
    for status, n in found.cases.items():
        CASES.labels(status=status).set(n)
    FUNNEL_REACHED.clear()
    FUNNEL_STOPPED.clear()
    for step, n in found.reached.items():
        FUNNEL_REACHED.labels(step=step).set(n)
    for step, n in found.stopped.items():
        FUNNEL_STOPPED.labels(step=step).set(n)


def add_routes(app: web.Application, storage: Storage) -> None:
    async def healthz(request: web.Request) -> web.Response:
        if token_refusal.reason:  # nothing is sent until a restart with a valid token
            return web.Response(
                status=503, text=f"Telegram refused the bot token: {token_refusal.reason}\n"
            )
        try:
            async with storage.db.read() as conn:
                await conn.execute_fetchall("SELECT 1")
        except Exception as failure:
            return web.Response(status=503, text=f"database unavailable: {failure}\n")
        return web.Response(text="ok\n")

    async def metrics(request: web.Request) -> web.Response:
        await refresh(storage)
        return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)


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
