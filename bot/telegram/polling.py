"""Long polling that loses no update to a crash.

aiogram's own polling tells Telegram an update was received (the next getUpdates carries
`offset = id + 1`) while it is still being handled, so a crash in the middle — a file half
downloaded, say — loses it. Here each batch is first written to the inbox in SQLite, then
confirmed; each update leaves the inbox once handled, and a start handles whatever a crash left
there. One that was applied just before the crash is skipped by the intake (`UpdateMarks`).
"""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from aiogram.utils.backoff import Backoff, BackoffConfig

from dialogs.model import utcnow
from storage import Inbox

log = logging.getLogger(__name__)

BACKOFF = BackoffConfig(min_delay=1.0, max_delay=5.0, factor=1.3, jitter=0.1)


class DurablePolling:
    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        inbox: Inbox,
        *,
        allowed_updates: list[str],
        timeout: int = 10,
    ) -> None:
        self.dispatcher = dispatcher
        self.bot = bot
        self.inbox = inbox
        self.allowed_updates = allowed_updates
        self.timeout = timeout
        self._tasks: dict[int, asyncio.Task[None]] = {}

    async def run(self) -> None:
        try:
            for update_id, payload in await self.inbox.pending():
                log.info("handling update %s left over from the last run", update_id)
                self._start(Update.model_validate_json(payload))
            await self._poll()
        finally:
            for task in self._tasks.values():
                task.cancel()

    async def _poll(self) -> None:
        offset: int | None = None
        backoff = Backoff(BACKOFF)
        while True:
            try:
                updates = await self.bot.get_updates(
                    offset=offset, timeout=self.timeout, allowed_updates=self.allowed_updates
                )
            except Exception as failure:
                log.error("getUpdates failed (%s); retrying", failure)
                await backoff.asleep()
                continue
            backoff.reset()
            if not updates:
                continue
            fresh = [u for u in updates if u.update_id not in self._tasks]
            await self.inbox.put(
                [(u.update_id, u.model_dump_json(exclude_unset=True)) for u in fresh],
                now=utcnow(),
            )
            for update in fresh:  # in order: one user's updates queue in arrival order
                self._start(update)
            offset = updates[-1].update_id + 1  # confirmed only now that they are kept

    def _start(self, update: Update) -> None:
        task = asyncio.create_task(self._handle(update))
        self._tasks[update.update_id] = task
        task.add_done_callback(lambda _: self._tasks.pop(update.update_id, None))

    async def _handle(self, update: Update) -> None:
        try:
            await self.dispatcher.feed_update(self.bot, update)
        except Exception:  # one bad update must not stop the others; it is not retried
            log.exception("update %s failed", update.update_id)
        await self.inbox.done(update.update_id)
