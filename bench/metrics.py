"""`python -m bench metrics`: what a Prometheus scrape of `/metrics` costs once the database holds
many cases (100,000; `--quick` 5,000) and live drafts (a tenth of that), on SQLite and, with
TEST_DATABASE_URL, PostgreSQL.

The bot (aiogram, long polling, in this process) serves claimants who each send a message and
wait for the reply, again and again, for a while without scrapes and then while `/metrics` is
scraped every `SCRAPE_EVERY` seconds. Reported per backend: scrape time, and the first reply
p50/p99 (a message sent → the bot's first message after it) without and during scrapes.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import socket
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp

from bench.report import Result, summary
from storage import Storage
from tests.backends import TEST_DATABASE_URL
from tests.bot.ops.seed import seed
from tests.e2e.conftest import RunningBot, settings_for
from tests.fake_telegram import FakeTelegram

CLAIMANTS = 20
FIRST_USER = 50_000
SCRAPE_EVERY = 1.0  # seconds between the end of one scrape and the next


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def claimant(fake: FakeTelegram, user: int, until: float, replies: list[float]) -> None:
    """Say something, wait for the bot's first message after it; again until `until`."""
    while time.perf_counter() < until:
        baseline = max((m.message_id for m in fake.messages(user)), default=0)
        sent = time.perf_counter()
        fake.user_sends_text(user, "/start")
        await fake.wait_for_message(user, after=baseline, timeout=60)
        replies.append(time.perf_counter() - sent)
        await asyncio.sleep(random.uniform(0.1, 0.4))


async def scraper(port: int, durations: list[float]) -> None:
    async with aiohttp.ClientSession() as http:
        while True:
            started = time.perf_counter()
            async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
                assert response.status == 200
                await response.read()
            durations.append(time.perf_counter() - started)
            await asyncio.sleep(SCRAPE_EVERY)


async def phase(fake: FakeTelegram, port: int | None, seconds: float) -> dict[str, Any]:
    replies: list[float] = []
    scrapes: list[float] = []
    scraping = asyncio.create_task(scraper(port, scrapes)) if port else None
    until = time.perf_counter() + seconds
    users = [FIRST_USER + i for i in range(CLAIMANTS)]
    await asyncio.gather(*(claimant(fake, u, until, replies) for u in users))
    if scraping is not None:
        scraping.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await scraping
    return {"first_reply_ms": summary(replies, 1000), "scrape_ms": summary(scrapes, 1000)}


async def start_bot(bot: RunningBot) -> None:
    """`bot.start()` with time for a start over 100,000 cases (the staff timers' first round
    reads every open case)."""
    base = settings_for(bot.fake, bot.data_dir)
    bot.app = await bot.runtime.create(base.model_copy(update=bot.settings))
    bot.task = asyncio.create_task(bot.app.run())
    await bot.fake.wait_for_request("getUpdates", timeout=120)


@contextlib.asynccontextmanager
async def database(backend: str) -> AsyncIterator[str | None]:
    if backend == "sqlite":
        yield None
        return
    from tests.bot.cluster.harness import fresh_database

    assert TEST_DATABASE_URL is not None
    async with fresh_database(TEST_DATABASE_URL) as url:
        yield url


async def measure(backend: str, cases: int, seconds: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-metrics-") as tmp:
        data_dir = Path(tmp) / "data"
        async with database(backend) as url:
            storage = await Storage.open(data_dir, database_url=url)
            try:
                started = time.perf_counter()
                await seed(storage, cases, cases // 10)
                seeded = time.perf_counter() - started
            finally:
                await storage.close()
            async with FakeTelegram() as fake:
                for i in range(CLAIMANTS):
                    fake.add_user(FIRST_USER + i, first_name=f"C{i}", language_code="en")
                port = free_port()
                bot = RunningBot(fake, data_dir, metrics_port=port, database_url=url)
                await start_bot(bot)
                try:
                    await phase(fake, None, 2)  # warm up
                    quiet = await phase(fake, None, seconds)
                    scraped = await phase(fake, port, seconds)
                finally:
                    await bot.stop()
    return {"backend": backend, "seed_seconds": seeded, "quiet": quiet, "scraped": scraped}


def run(quick: bool) -> Result:
    cases = 5_000 if quick else 100_000
    seconds = 5.0 if quick else 20.0
    backends = ["sqlite", *(["postgresql"] if TEST_DATABASE_URL else [])]
    runs = [asyncio.run(measure(b, cases, seconds)) for b in backends]
    result = Result(
        "metrics",
        f"/metrics scrapes with {cases} cases stored, {CLAIMANTS} claimants talking",
        {"cases": cases, "drafts": cases // 10, "claimants": CLAIMANTS, "seconds": seconds},
        data={"runs": runs},
    )
    for r in runs:
        scrape = r["scraped"]["scrape_ms"]
        result.row(
            f"{r['backend']}: scrape",
            f"p50 {scrape['median']:.1f} ms, max {scrape['max']:.1f} ms (n={scrape['n']})",
        )
        for name in ("quiet", "scraped"):
            stats = r[name]["first_reply_ms"]
            result.row(
                f"{r['backend']}: first reply, {'no scrapes' if name == 'quiet' else 'scraping'}",
                f"p50 {stats['median']:.0f} ms, p99 {stats['p99']:.0f} ms (n={stats['n']})",
            )
    if not TEST_DATABASE_URL:
        result.notes.append("PostgreSQL skipped: set TEST_DATABASE_URL")
    result.notes.append(f"a scrape every {SCRAPE_EVERY:.0f} s; {os.cpu_count()} cores, shared")
    return result
