"""`python -m bench cluster`: the bot as worker processes in webhook mode, 1, 2 and 4 of them on
PostgreSQL (files in moto's S3 server), against the single process on SQLite (files in a local
folder), each with C claimants filing a complaint with three files at once
(tests/bot/cluster/harness.py drives them through the fake Bot API, as the cluster test does).

Reported per set-up: updates per second (updates delivered to the webhook ÷ wall time, first
/start to last receipt) and first reply p50/p99 (an update queued by a claimant → the bot's
first message to that claimant after it). Then Bot API calls per complaint and, from them and
the one-worker rate, the worker count at which Telegram's 30 messages/s per bot, not the
workers, would be the limit.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.report import Result, summary
from tests.backends import TEST_DATABASE_URL
from tests.bot.cluster.harness import (
    S3_ENV,
    Claimant,
    Cluster,
    WebhookPump,
    add_people,
    file_complaint,
    fresh_database,
    s3_server,
)
from tests.e2e.conftest import STAFF_CHAT_ID
from tests.fake_telegram import FakeTelegram

WORKERS = (1, 2, 4)
TELEGRAM_PER_SECOND = 30  # messages per second per bot
FIRST_USER = 40_000
ARRIVAL_SECONDS = 2.0  # claimants start spread over this
NOT_MESSAGES = {
    "getupdates",
    "setwebhook",
    "deletewebhook",
    "getfile",
    "getme",
    "answercallbackquery",
}


class TimedClaimant(Claimant):
    """Notes, for every update it sends, how long until the bot's first message after it."""

    timeout = 120.0

    def __init__(self, fake: FakeTelegram, user_id: int, replies: list[float]) -> None:
        super().__init__(fake, user_id)
        self.replies = replies
        self._waits: set[asyncio.Task[None]] = set()

    def _baseline(self) -> int:
        baseline = super()._baseline()
        task = asyncio.create_task(self._first_reply(baseline, time.perf_counter()))
        self._waits.add(task)
        task.add_done_callback(self._waits.discard)
        return baseline

    async def _first_reply(self, baseline: int, sent: float) -> None:
        await self.fake.wait_for_message(self.chat_id, after=baseline, timeout=self.timeout)
        self.replies.append(time.perf_counter() - sent)


async def measure(
    claimants: int, workers: int, database_url: str | None, endpoint: str | None
) -> dict[str, Any]:
    """One set-up: `workers` processes on `database_url` (None: the single SQLite process)."""
    users = [FIRST_USER + i for i in range(claimants)]
    replies: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
        async with FakeTelegram() as fake:
            add_people(fake, users)
            cluster = Cluster(
                fake,
                Path(tmp),
                database_url or "",
                "s3://intake/files" if database_url else None,
                endpoint if database_url else None,
                size=workers,
                # Telegram's 30 messages/s would cap every set-up alike (~1 complaint/s): lifted
                # here to measure the workers; the cap is computed from the calls instead.
                settings={"OUTBOX_GLOBAL_PER_SECOND": "100000"},
            )
            await cluster.start()
            pump = WebhookPump(fake, cluster.url, jitter=0.0)
            pumping = asyncio.create_task(pump.run())
            workers_at_start = sum(cpu_seconds(w.proc.pid) for w in cluster.workers if w.proc)
            try:
                started, driver = time.perf_counter(), time.process_time()
                await asyncio.gather(
                    *(
                        file_complaint(
                            TimedClaimant(fake, u, replies), ARRIVAL_SECONDS * i / claimants
                        )
                        for i, u in enumerate(users)
                    )
                )
                wall = time.perf_counter() - started
                driver_cpu = time.process_time() - driver
                workers_cpu = (
                    sum(cpu_seconds(w.proc.pid) for w in cluster.workers if w.proc)
                    - workers_at_start
                )
                await fake.wait_until(  # the staff dossiers, composed and sent after the receipts
                    lambda: cards(fake) >= claimants, 300, message="staff cards missing"
                )
            finally:
                pumping.cancel()
                await cluster.stop()
            calls = [r for r in fake.requests if r.method.lower() not in NOT_MESSAGES]
            staff = [r for r in calls if str(r.params.get("chat_id")) == str(STAFF_CHAT_ID)]
    return {
        "workers": workers,
        "backend": "postgresql" if database_url else "sqlite",
        "updates": pump.delivered,
        "seconds": wall,
        "updates_per_second": pump.delivered / wall,
        "complaints_per_second": claimants / wall,
        "first_reply_ms": summary(replies, 1000),
        "driver_cpu_share": driver_cpu / wall,  # the fake Telegram, its claimants, the pump
        "workers_cpu_share": workers_cpu / wall,
        "messages_per_complaint": len(calls) / claimants,
        "staff_messages_per_complaint": len(staff) / claimants,
    }


def cpu_seconds(pid: int) -> float:
    """User + system CPU a process has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cards(fake: FakeTelegram) -> int:
    return sum("📁 Case " in m.content for m in fake.messages(STAFF_CHAT_ID))  # the caption


async def measure_all(claimants: int) -> list[dict[str, Any]]:
    for key, value in S3_ENV.items():
        os.environ.setdefault(key, value)
    runs = [await measure(claimants, 1, None, None)]
    if not TEST_DATABASE_URL:
        return runs
    async with s3_server() as endpoint:
        for workers in WORKERS:
            async with fresh_database(TEST_DATABASE_URL) as url:
                runs.append(await measure(claimants, workers, url, endpoint))
    return runs


def run(quick: bool) -> Result:
    claimants = 20 if quick else 100
    runs = asyncio.run(measure_all(claimants))
    result = Result(
        "cluster",
        "several workers on PostgreSQL vs one process on SQLite (webhook mode)",
        {"claimants": claimants, "files per complaint": 3, "cpus": os.cpu_count()},
        data={"runs": runs},
    )
    for r in runs:
        label = f"{r['backend']}, {r['workers']} worker(s)"
        stats = r["first_reply_ms"]
        result.row(
            label,
            f"{r['updates_per_second']:.1f} updates/s, first reply p50 {stats['median']:.0f} ms"
            f" p99 {stats['p99']:.0f} ms ({r['updates']} updates in {r['seconds']:.1f} s);"
            f" CPU: driver {r['driver_cpu_share']:.0%}, workers {r['workers_cpu_share']:.0%}",
        )
    one = next((r for r in runs if r["backend"] == "postgresql" and r["workers"] == 1), None)
    if one is not None:
        per_complaint = one["messages_per_complaint"]
        telegram = TELEGRAM_PER_SECOND / per_complaint  # complaints/s Telegram lets one bot send
        needed = telegram / one["complaints_per_second"]
        result.row(
            "Bot API messages per complaint",
            f"{per_complaint:.1f} ({one['staff_messages_per_complaint']:.1f} to the staff group)",
        )
        result.row("Telegram's cap (30 msg/s)", f"{telegram:.2f} complaints/s")
        result.row("workers at that cap", f"{needed:.1f} (at the measured 1-worker rate)")
        result.data["telegram"] = {"complaints_per_second": telegram, "workers": needed}
    else:
        result.notes.append("PostgreSQL runs skipped: set TEST_DATABASE_URL")
    result.notes.append(
        f"{os.cpu_count()} cores run the workers, PostgreSQL, moto and the fake Telegram with"
        " its claimants: past 1-2 workers the cores, not the design, cap these figures"
    )
    return result
