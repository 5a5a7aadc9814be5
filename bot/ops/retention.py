"""Personal data are not kept forever: a periodic job beside the outbox sender.

- an untouched draft is deleted after DRAFT_RETENTION_DAYS, with the files only it held; the
  claimant is told (through the outbox) a day before; uploads of a draft discarded earlier
  (/cancel) go once as old;
- the texts of sent (or abandoned) outbox messages are forgotten after OUTBOX_RETENTION_DAYS;
- a closed case (accepted, rejected, forwarded, withdrawn) untouched for
  CLOSED_CASE_RETENTION_MONTHS is anonymised like `python -m bot erase --case` (its number,
  dates, decision and hashes stay).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.config.settings import Settings
from bot.ops import erasure
from bot.outbox.messages import Text
from bot.outbox.queue import queue
from bot.telemetry import metrics
from bot.telemetry.background import in_background
from bot.telemetry.health import Heartbeat
from dialogs.i18n import texts
from dialogs.model import CaseStatus, Draft, utcnow
from dialogs.progress import current_step
from storage import Storage
from storage import personal_data as pd
from storage.database import fetch_one, to_iso

log = logging.getLogger(__name__)

CLOSED = (CaseStatus.ACCEPTED, CaseStatus.REJECTED, CaseStatus.FORWARDED, CaseStatus.WITHDRAWN)
DAYS_PER_MONTH = 30
WARN_AHEAD = timedelta(days=1)


@dataclass(frozen=True)
class Swept:
    warned: int = 0
    drafts_deleted: int = 0
    files_deleted: int = 0
    outbox_forgotten: int = 0
    cases_erased: int = 0


class Retention:
    def __init__(
        self, storage: Storage, settings: Settings, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.storage = storage
        self.settings = settings
        self.clock = clock
        self.heartbeat = Heartbeat("retention", settings.retention_interval_minutes * 60)

    async def sweep(self) -> Swept:
        """One pass over everything due now."""
        now = self.clock()
        warned = await self._warn_drafts(now)
        drafts, draft_files = await self._delete_drafts(now)
        forgotten, sent_files = await self._forget_outbox(now)
        cases = await self._erase_closed_cases(now)
        orphans = await self._delete_orphan_files(now)
        files = draft_files + sent_files + cases.files_deleted + orphans
        swept = Swept(warned, drafts, files, forgotten, len(cases.cases))
        if swept != Swept():
            log.info("retention: %s", swept)
        return swept

    async def _live_drafts(self, older_than: datetime) -> list[Draft]:
        async with self.storage.db.read() as conn:
            rows = await conn.execute_fetchall(
                "SELECT user_id FROM drafts WHERE data IS NOT NULL AND updated_at < ?",
                (to_iso(older_than),),
            )
        drafts = [await self.storage.drafts.load(row["user_id"]) for row in rows]
        return [d for d in drafts if d is not None]

    async def _warn_drafts(self, now: datetime) -> int:
        keep = timedelta(days=self.settings.draft_retention_days)
        warned = 0
        async with self.storage.db.transaction() as conn:
            for draft in await self._live_drafts(now - keep + WARN_AHEAD):
                t = texts(draft.lang)
                section = t.plain(f"section-{current_step(draft).section.id}")
                notice = Text(chat_id=draft.chat_id, text=t("draft-expiring", section=section))
                queued = await queue(
                    conn,
                    self.storage,
                    notice,
                    key=f"draft-expiry:{draft.user_id}:{draft.revision}",
                    now=now,
                )
                warned += queued is not None
        return warned

    async def _delete_drafts(self, now: datetime) -> tuple[int, int]:
        expired = await self._live_drafts(now - timedelta(days=self.settings.draft_retention_days))
        if not expired:
            return 0, 0
        async with self.storage.db.transaction() as conn:
            deleted: list[Draft] = []
            for draft in expired:
                # Touched since it was read? Then it is not expired any more.
                current = await self.storage.drafts.load(draft.user_id, conn=conn)
                if current is None or current.revision != draft.revision:
                    continue
                # Only once the claimant was told, a day ago (not at once after a downtime).
                notice = await fetch_one(
                    conn,
                    "SELECT 1 FROM outbox WHERE dedupe_key = ? AND created_at <= ?",
                    (f"draft-expiry:{draft.user_id}:{draft.revision}", to_iso(now - WARN_AHEAD)),
                )
                if notice is None:
                    continue
                await self.storage.drafts.discard(draft.user_id, conn=conn, now=now)
                deleted.append(draft)
            candidates = {f.sha256 for d in deleted for f in d.files}
            doomed = candidates - await pd.files_in_use(conn, except_cases=set())
            await pd.drop_file_rows(conn, doomed)
        return len(deleted), erasure.unlink_files(self.storage, doomed)

    async def _delete_orphan_files(self, now: datetime) -> int:
        """Uploads nothing refers to any more (a draft discarded with /cancel or "start over")
        go like an abandoned draft's, once as old."""
        cutoff = to_iso(now - timedelta(days=self.settings.draft_retention_days))
        async with self.storage.db.transaction() as conn:
            rows = await conn.execute_fetchall(
                "SELECT sha256 FROM files WHERE first_seen < ?", (cutoff,)
            )
            candidates = {row[0] for row in rows}
            doomed = candidates - await pd.files_in_use(conn, except_cases=set())
            await pd.drop_file_rows(conn, doomed)
        return erasure.unlink_files(self.storage, doomed)

    async def _forget_outbox(self, now: datetime) -> tuple[int, int]:
        """Forget old sent texts, and the documents composed only to be sent (a dossier's PDF
        and ZIP: `python -m bot export` builds them again from the case)."""
        cutoff = to_iso(now - timedelta(days=self.settings.outbox_retention_days))
        due = "COALESCE(sent_at, gave_up_at) < ? AND payload != '{}'"
        async with self.storage.db.transaction() as conn:
            rows = await conn.execute_fetchall(f"SELECT payload FROM outbox WHERE {due}", (cutoff,))
            candidates = {sha for (payload,) in rows for sha in pd.stores_in(json.loads(payload))}
            cursor = await conn.execute(
                f"UPDATE outbox SET payload = '{{}}', result = NULL WHERE {due}", (cutoff,)
            )
            doomed = candidates - await pd.files_in_use(conn, except_cases=set())
            await pd.drop_file_rows(conn, doomed)
        return cursor.rowcount, erasure.unlink_files(self.storage, doomed)

    async def _erase_closed_cases(self, now: datetime) -> erasure.Erased:
        months = self.settings.closed_case_retention_months
        cutoff = now - timedelta(days=months * DAYS_PER_MONTH)
        marks = ", ".join("?" for _ in CLOSED)
        async with self.storage.db.read() as conn:
            rows = await conn.execute_fetchall(
                f"SELECT id FROM cases WHERE status IN ({marks}) AND updated_at < ?"
                " AND user_id != 0",
                (*(s.value for s in CLOSED), to_iso(cutoff)),
            )
        if not rows:
            return erasure.Erased()
        return await erasure.erase_cases(
            self.storage, self.settings, [int(r["id"]) for r in rows], by="retention", now=now
        )

    async def run(self, on_change: Callable[[], None] = lambda: None) -> None:
        while True:
            self.heartbeat.beat()
            try:
                swept = await self.sweep()
                metrics.succeeded("retention")
                if swept.warned or swept.cases_erased:
                    on_change()
            except Exception:  # the job must outlive one bad pass
                log.exception("retention pass failed")
            await asyncio.sleep(self.settings.retention_interval_minutes * 60)

    def running(self, on_change: Callable[[], None]) -> AbstractAsyncContextManager[None]:
        """Apply the retention rules periodically while the block runs."""
        return in_background(self.run(on_change), "retention", self.heartbeat)
