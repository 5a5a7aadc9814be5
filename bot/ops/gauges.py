"""What the database holds, as Prometheus gauges: computed in the background by the one process
that runs the sender (the `sender/<bot id>` lease's holder; on SQLite the single process) and
served from memory, so a scrape costs O(1) in the number of cases and a cluster exports each
gauge once (the other workers export none of them).

Each refresh is a few SQL aggregates. The funnel of submitted cases is counted once in chunks of
ids, then only for the cases submitted since (a case's snapshot never changes its steps); the
funnel of live drafts (bounded by retention) is counted anew each time.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from prometheus_client.core import REGISTRY, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.config.settings import Settings
from bot.ops.backup import BACKUP_MARK
from bot.ops.stats import in_order
from bot.telemetry.background import in_background
from bot.telemetry.health import Heartbeat
from bot.telemetry.metrics import PREFIX
from dialogs.model import CaseStatus, utcnow
from storage import Storage
from storage.database import from_iso
from storage.funnel import cases_reached, drafts_funnel, last_case_id

log = logging.getLogger(__name__)

CHUNK = 5_000  # cases counted per query on the first pass (each query stays short)


@dataclass(frozen=True)
class Snapshot:
    outbox: tuple[int, float]  # waiting, age of the oldest (s)
    inbox: tuple[int, float]
    webhook: tuple[int, float]  # case events not yet delivered to CASE_WEBHOOK_URL
    cases: dict[str, int]
    reached: dict[str, int]
    stopped: dict[str, int]
    backup_at: float | None  # when `python -m bot backup` last succeeded (Unix time)
    taken_at: float  # when the refresh began (Unix time): nothing older is in it


class DatabaseGauges(Collector):
    """The gauges of the latest snapshot; none before the first or once the lease is gone."""

    def __init__(self) -> None:
        self.snapshot: Snapshot | None = None

    def collect(self) -> Iterator[Metric]:
        found = self.snapshot
        if found is None:
            return
        for name, (count, age), what in (
            ("outbox", found.outbox, "Outbox messages waiting to be sent"),
            ("inbox", found.inbox, "Updates stored, not yet handled"),
            ("case_webhook", found.webhook, "Case events not yet delivered to CASE_WEBHOOK_URL"),
        ):
            yield GaugeMetricFamily(f"{PREFIX}{name}_backlog", what, value=count)
            yield GaugeMetricFamily(
                f"{PREFIX}{name}_oldest_age_seconds", f"Age of the oldest of: {what}", value=age
            )
        for name, values, label, what in (
            ("cases", found.cases, "status", "Cases by status"),
            ("funnel_reached", found.reached, "step", "Conversations that reached each step"),
            ("funnel_stopped", found.stopped, "step", "Unfinished conversations now at each step"),
        ):
            family = GaugeMetricFamily(f"{PREFIX}{name}", what, labels=[label])
            for key, n in values.items():
                family.add_metric([key], n)
            yield family
        if found.backup_at is not None:
            yield GaugeMetricFamily(
                f"{PREFIX}backup_last_success_timestamp_seconds",
                "When `python -m bot backup` last succeeded",
                value=found.backup_at,
            )
        yield GaugeMetricFamily(
            f"{PREFIX}database_gauges_timestamp_seconds",
            "When the database gauges were computed (by the sender lease's holder)",
            value=found.taken_at,
        )


GAUGES = DatabaseGauges()
REGISTRY.register(GAUGES)


def _age(oldest: str | None, now: datetime) -> float:
    return max((now - from_iso(oldest)).total_seconds(), 0.0) if oldest else 0.0


class GaugeRefresher:
    def __init__(self, storage: Storage, data_dir: Path, every: float) -> None:
        self.storage = storage
        self.data_dir = data_dir
        self.every = every
        self.heartbeat = Heartbeat("database-gauges", every)
        self._cases: Counter[str] = Counter()
        self._counted_upto = 0  # cases with ids up to this one are in `_cases`

    async def refresh(self) -> Snapshot:
        db = self.storage.db
        started, now = time.time(), utcnow()
        async with db.read() as conn:
            upto = await last_case_id(conn)
        while self._counted_upto < upto:  # the first time in chunks; then the new cases only
            end = min(upto, self._counted_upto + CHUNK)
            async with db.read() as conn:
                self._cases += await cases_reached(conn, after_id=self._counted_upto, upto_id=end)
            self._counted_upto = end
            self.heartbeat.beat()
        async with db.read() as conn:
            drafts_reached, stopped = await drafts_funnel(conn)
            statuses = await conn.execute_fetchall(
                "SELECT status, count(*) FROM cases GROUP BY status"
            )
            outbox = await conn.execute_fetchall(
                "SELECT count(*), min(created_at) FROM outbox"
                " WHERE sent_at IS NULL AND gave_up_at IS NULL"
            )
            inbox = await conn.execute_fetchall("SELECT count(*), min(received_at) FROM inbox")
            webhook = await conn.execute_fetchall(
                "SELECT count(*), min(created_at) FROM case_events WHERE delivered_at IS NULL"
            )
        cases = {s.value: 0 for s in CaseStatus} | {str(s): int(n) for s, n in statuses}
        mark = Path(self.data_dir) / BACKUP_MARK
        return Snapshot(
            outbox=(int(outbox[0][0]), _age(outbox[0][1], now)),
            inbox=(int(inbox[0][0]), _age(inbox[0][1], now)),
            webhook=(int(webhook[0][0]), _age(webhook[0][1], now)),
            cases=cases,
            reached=in_order(self._cases + drafts_reached),
            stopped=in_order(stopped),
            backup_at=mark.stat().st_mtime if mark.exists() else None,
            taken_at=started,
        )

    async def run(self) -> None:
        try:
            while True:
                try:
                    GAUGES.snapshot = await self.refresh()
                except Exception:  # the loop outlives a DB hiccup; the gauges keep their age
                    log.exception("database gauges: refresh failed")
                self.heartbeat.beat()
                await asyncio.sleep(self.every)
        finally:
            GAUGES.snapshot = None  # no longer the holder: another worker exports them

    def running(self) -> AbstractAsyncContextManager[None]:
        """Refresh every `every` seconds while the block runs."""
        return in_background(self.run(), "database-gauges", self.heartbeat)


def gauges_running(storage: Storage, settings: Settings) -> AbstractAsyncContextManager[None]:
    """The database gauges kept fresh while the block runs (when metrics are served)."""
    if settings.metrics_port is None:
        return nullcontext()
    refresher = GaugeRefresher(storage, settings.data_dir, settings.metrics_refresh_seconds)
    return refresher.running()
