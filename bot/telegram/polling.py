"""Long polling that confirms an update to Telegram only once it has been handled.

aiogram's own polling confirms each update as soon as it has received it (the next getUpdates
carries `offset = id + 1`), so a crash while an update is being handled — a file half
downloaded, say — loses it. Here the offset moves only past updates whose handling has finished;
one in flight at a crash is delivered again after the restart, and the intake skips those it had
already applied (`storage.UpdateMarks`). Updates of different users are still handled at once.
"""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from aiogram.utils.backoff import Backoff, BackoffConfig

log = logging.getLogger(__name__)

BACKOFF = BackoffConfig(min_delay=1.0, max_delay=5.0, factor=1.3, jitter=0.1)


class ConfirmAfterHandling:
    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        *,
        allowed_updates: list[str],
        timeout: int = 10,
        busy_poll_seconds: float = 0.5,
    ) -> None:
        self.dispatcher = dispatcher
        self.bot = bot
        self.allowed_updates = allowed_updates
        self.timeout = timeout
        # While an update is in flight Telegram keeps offering it; poll this often meanwhile.
        self.busy_poll_seconds = busy_poll_seconds

    async def run(self) -> None:
        offset: int | None = None
        in_flight: dict[int, asyncio.Task[None]] = {}
        handled: set[int] = set()  # handled here, not yet confirmed to Telegram
        backoff = Backoff(BACKOFF)
        try:
            while True:
                try:
                    updates = await self.bot.get_updates(
                        offset=offset,
                        timeout=0 if in_flight else self.timeout,
                        allowed_updates=self.allowed_updates,
                    )
                except Exception as failure:
                    log.error("getUpdates failed (%s); retrying", failure)
                    await backoff.asleep()
                    continue
                backoff.reset()
                fresh = [
                    u
                    for u in updates
                    if u.update_id not in in_flight and u.update_id not in handled
                ]
                for update in fresh:
                    in_flight[update.update_id] = asyncio.create_task(self._handle(update))
                if in_flight and not fresh:
                    await asyncio.wait(
                        in_flight.values(),
                        timeout=self.busy_poll_seconds,
                        return_when=asyncio.FIRST_COMPLETED,
                    )
                for update_id, task in list(in_flight.items()):
                    if task.done():
                        del in_flight[update_id]
                        handled.add(update_id)
                if in_flight:
                    offset = min(in_flight)
                elif handled:
                    offset = max(handled) + 1
                handled = {u for u in handled if offset is None or u >= offset}
        finally:
            for task in in_flight.values():
                task.cancel()

    async def _handle(self, update: Update) -> None:
        try:
            await self.dispatcher.feed_update(self.bot, update)
        except Exception:  # one bad update must not stop the others; it is not retried
            log.exception("update %s failed", update.update_id)
