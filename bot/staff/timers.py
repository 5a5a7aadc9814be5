"""What the bot does on a case by itself: when a time has come (the undo window over, a case
nobody took, listing outcomes settled), and when the outbox gives up on a message about one.
Carried out by `bot.staff.apply`, as the staff's and the claimant's actions are."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import timedelta

from bot.outbox.send_errors import ErrorClass, SendFailed
from bot.staff.apply import SYSTEM, CaseWork
from bot.staff.decision_protocol import due_to_notify
from bot.staff.outcomes import outcome_notice
from bot.staff.undelivered import (
    claimant_files_in,
    record_undelivered,
    too_large_replacements,
)
from bot.staff.workflow import PENDING, RULE, Action, allowed
from bot.telemetry.background import in_background
from dialogs.i18n import texts
from storage import OutboxItem

log = logging.getLogger(__name__)
# Listing outcomes reported within this long of each other reach the claimant as one notice.
OUTCOMES_SETTLE_SECONDS = 2.0


class Timers(CaseWork):
    async def tell_outcomes_due(self) -> int:
        """Listing outcomes not yet told, whose reports have settled: one notice a case, with
        every listing as it now stands. Returns how many notices."""
        settled = self.clock() - timedelta(seconds=OUTCOMES_SETTLE_SECONDS)
        done = 0
        for case_id in await self.storage.listing_outcomes.untold(settled):
            async with self.storage.db.transaction() as conn:
                case = await self.get(conn, case_id)  # held: told once, whichever worker
                if not await self.storage.listing_outcomes.mark_told(conn, case_id, self.clock()):
                    continue
                reported = await self.storage.listing_outcomes.current(case_id, conn=conn)
                t = texts(case.lang)
                text = outcome_notice(t, case.number, case.draft.links, reported)
                await self.notify_claimant(conn, case, "", "outcomes", text)
                done += 1
        return done

    async def notify_due(self) -> int:
        """Decisions whose undo window is over: the claimant told (once), the case decided for
        good. Returns how many."""
        window = timedelta(seconds=self.settings.decision_undo_seconds)
        done = 0
        for case in await self.storage.cases.with_status(PENDING):
            async with self.storage.db.transaction() as conn:
                current = await self.get(conn, case.id)
                trail = await self.storage.audit.for_case(case.id, conn=conn)
                if due_to_notify(current.status, trail, self.clock(), window) is None:
                    continue
                await self.notify_decision(conn, current)
                done += 1
        return done

    async def remind_due(self) -> int:
        """A reminder under the card of each case nobody took within STAFF_REMINDER_MINUTES
        (once a case: the audit trail remembers it)."""
        minutes = self.settings.staff_reminder_minutes
        if minutes <= 0 or not self.settings.staff_chats:
            return 0
        audit = RULE[Action.REMIND].audit
        since = self.clock() - timedelta(minutes=minutes)
        done = 0
        for case in await self.storage.cases.not_taken(since, without=audit):
            async with self.storage.db.transaction() as conn:
                current = await self.get(conn, case.id)
                if not allowed(current, Action.REMIND, SYSTEM):
                    continue
                if await self.storage.audit.has_action(conn, case.id, audit):
                    continue
                await self.act(
                    conn, current, Action.REMIND, SYSTEM, {"minutes": minutes}, held=True
                )
                done += 1
        return done

    async def due_work(self) -> int:
        """One round of what waits for a time: decisions and listing outcomes to tell,
        reminders to post."""
        return await self.notify_due() + await self.remind_due() + await self.tell_outcomes_due()

    def timers_running(self, on_change: Callable[[], None]) -> AbstractAsyncContextManager[None]:
        """Look for due work in the background while the block runs (`on_change`: something
        was queued)."""
        return in_background(self._run_timers(on_change), "case-timers")

    async def _run_timers(self, on_change: Callable[[], None]) -> None:
        # A tenth of the shortest wait, between 0.1 s and 5 s (without waits: every 5 s).
        waits = (self.settings.decision_undo_seconds, self.settings.staff_reminder_minutes * 60)
        poll = max(0.1, min([5.0, *(w / 10 for w in waits if w > 0)]))
        while True:
            try:
                if await self.due_work():
                    on_change()
            except Exception:  # the loop outlives a DB hiccup
                log.exception("case timers round failed")
            await asyncio.sleep(poll)

    # --- when the outbox gives up ---------------------------------------------------------

    async def files_undelivered(self, item: OutboxItem) -> None:
        """The outbox gave up on a message carrying claimant's files to the staff group: say so
        on the card (they are in the ZIP)."""
        case = None if item.case_id is None else await self.storage.cases.get(item.case_id)
        if case is None or not (files := claimant_files_in(item, case)):
            return
        async with self.storage.db.transaction() as conn:
            await record_undelivered(conn, self.storage, case, files)
        # Drawn once that is committed: the card is rendered from committed reads.
        async with self.storage.db.transaction() as conn:
            await self.edit_card(conn, case, f"undelivered:{item.id}")

    async def send_refused(self, item: OutboxItem, failure: SendFailed) -> None:
        """Telegram refused an item for good (`bot.outbox.send_errors`): a claimant who blocked the
        bot is shown on the cards of their cases; what was too large is named to staff."""
        if failure.error_class is ErrorClass.BLOCKED:
            for theirs in await self.storage.cases.list_for_user(item.chat_id):
                if await self.storage.cases.staff_message(theirs.id) is not None:
                    async with self.storage.db.transaction() as conn:
                        await self.edit_card(conn, theirs, f"unreachable:{item.id}")
            return
        case = None if item.case_id is None else await self.storage.cases.get(item.case_id)
        if failure.error_class is not ErrorClass.TOO_LARGE or case is None or item.chat_id > 0:
            return
        instead = too_large_replacements(item, case, texts(self.settings.staff_lang))
        async with self.storage.db.transaction() as conn:
            for i, message in enumerate(instead):
                await self.queue(conn, message, f"case:{case.id}:too-large:{item.id}:{i}", case.id)
