"""What the sender does when an item does not go: Telegram's answer acted on by its class
(`bot.outbox.send_errors`), an item that fails for another reason retried a few times and then
set aside, and the hooks told of what was given up or refused."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.outbox.chats import KnownChats
from bot.outbox.lanes import lane_of
from bot.outbox.pacing import Pacing
from bot.outbox.send_errors import ErrorClass, SendFailed
from bot.telemetry import metrics
from bot.telemetry.health import token_refusal
from storage import OutboxItem, Storage

log = logging.getLogger(__name__)

MAX_BROKEN_ATTEMPTS = 3  # an item that raises something unexpected is retried, then set aside
BROKEN_BACKOFF_SECONDS = 5
MAX_BACKOFF_SECONDS = 30

Undelivered = Callable[[OutboxItem], Awaitable[None]]
Refused = Callable[[OutboxItem, SendFailed], Awaitable[None]]


class Failures:
    def __init__(
        self,
        storage: Storage,
        chats: KnownChats,
        pacing: Pacing,
        *,
        clock: Callable[[], datetime],
        kick: Callable[[], None],
        on_undelivered: Undelivered | None = None,
        on_refused: Refused | None = None,
    ) -> None:
        self.storage = storage
        self.chats = chats
        self.pacing = pacing
        self.on_undelivered = on_undelivered  # told of every item given up on
        self.on_refused = on_refused  # told of an item too large, or to a blocked claimant
        self._clock = clock
        self._kick = kick

    async def give_up(self, item: OutboxItem, error: str) -> None:
        await self.storage.outbox.give_up(item.id, error)
        metrics.OUTBOX_GIVEN_UP.labels(lane=lane_of(item)).inc()

    async def broken(self, item: OutboxItem, failure: Exception) -> bool:
        """A payload that cannot even be built (a bug, not Telegram): retried with a growing
        wait, set aside after `MAX_BROKEN_ATTEMPTS`. True: given up, the chat's next may go."""
        if item.attempts + 1 >= MAX_BROKEN_ATTEMPTS:
            await self.give_up(item, repr(failure))
            await self.undelivered(item)
            return True
        await self.retry_later(item, failure)
        return False

    async def retry_later(self, item: OutboxItem, failure: Exception) -> None:
        backoff = timedelta(seconds=BROKEN_BACKOFF_SECONDS * (item.attempts + 1))
        await self.storage.outbox.mark_retry(item.id, repr(failure), self._clock() + backoff)

    async def failed(self, item: OutboxItem, failure: SendFailed) -> bool:
        """Telegram's answer, by its class (`bot.outbox.send_errors`). True: the item is done with
        (given up), the chat's next message may go."""
        match failure.error_class:
            case ErrorClass.FLOOD | ErrorClass.UNREACHABLE:
                delay = failure.seconds
                if failure.backoff:
                    delay = min(failure.seconds * 2 ** min(item.attempts, 10), MAX_BACKOFF_SECONDS)
                not_before = self._clock() + timedelta(seconds=delay)
                self.pacing.pause(item.chat_id, not_before)
                # Telegram said "later", never "no": retried for as long as it takes.
                await self.storage.outbox.mark_retry(item.id, str(failure), not_before)
                log.warning("outbox item %s: retry at %s (%s)", item.id, not_before, failure)
                return False
            case ErrorClass.UNAUTHORIZED:
                # Nothing is given up or counted: every item waits for a valid token.
                if token_refusal.refuse(failure.reason):
                    log.critical(
                        "Telegram refused the bot token (401 %s): sending stopped, %d message(s)"
                        " kept; restart with a valid BOT_TOKEN",
                        failure.reason,
                        await self.storage.outbox.pending_count(),
                    )
                return False
            case ErrorClass.MIGRATED:
                assert failure.migrate_to_chat_id is not None
                await self.chats.migrated(item.chat_id, failure.migrate_to_chat_id)
                self._kick()  # sent again at once, to the new id
                return False
        await self.give_up(item, str(failure))
        log.error("outbox item %s undeliverable (%s): %s", item.id, failure.error_class, failure)
        if failure.error_class is ErrorClass.BLOCKED and item.chat_id > 0:
            await self.chats.blocked(item.chat_id, failure.reason)
        await self.undelivered(item)
        if failure.error_class in (ErrorClass.BLOCKED, ErrorClass.TOO_LARGE) and self.on_refused:
            try:
                await self.on_refused(item, failure)
            except Exception:
                log.exception("outbox item %s: the refused hook failed", item.id)
        return True

    async def undelivered(self, item: OutboxItem) -> None:
        if self.on_undelivered is not None:
            try:
                await self.on_undelivered(item)
            except Exception:
                log.exception("outbox item %s: the undelivered hook failed", item.id)
