"""Delivers the outbox: retries until Telegram accepts, honours 429 `retry_after`, keeps within
Telegram's per-chat and per-group rates, and resumes after a restart (the queue is in SQLite).

The runtime supplies a `Transport` that performs one Bot API call; this module knows nothing of
aiogram or python-telegram-bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

import aiosqlite

from bot.notifications import CASE_TOPIC, LOCAL_METHODS, PURPOSE, STAFF_CARD
from dialogs.model import utcnow
from storage import OutboxItem, Storage

log = logging.getLogger(__name__)

MAX_BROKEN_ATTEMPTS = 3  # an item that raises something unexpected is retried, then set aside
BROKEN_BACKOFF_SECONDS = 5
STOP_GRACE_SECONDS = 10  # a stop lets the call in flight finish for up to this long
_NO_TOPIC = object()  # a `topic_of` reference to a case posted outside any topic


class RetryLater(Exception):
    """Telegram asked us to wait (429) or could not be reached; try again after `seconds`."""

    def __init__(self, seconds: float, reason: str) -> None:
        super().__init__(reason)
        self.seconds = seconds


class Undeliverable(Exception):
    """Telegram refused the call for good (400 bad request, 403 blocked by the user)."""


class Transport(Protocol):
    async def call(self, method: str, payload: dict[str, Any]) -> Any:
        """Perform one Bot API call; return its result as JSON-able data.

        Raises RetryLater or Undeliverable for Telegram's answers that are not a success."""
        ...


@dataclass
class Bucket:
    """A token bucket: `capacity` messages at once, refilled at `rate` per second."""

    capacity: float
    rate: float
    tokens: float = field(init=False)
    stamp: float = 0.0

    def __post_init__(self) -> None:
        self.tokens = self.capacity

    def ready(self, now: float) -> bool:
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return self.tokens >= 1

    def take(self, now: float) -> bool:
        if self.ready(now):
            self.tokens -= 1
            return True
        return False


@dataclass(frozen=True)
class Rates:
    """Telegram's published limits: ~30 messages/s per bot, 1/s per chat, 20/min per group."""

    global_per_second: float = 30
    private_per_second: float = 1
    private_burst: float = 3
    group_per_minute: float = 20

    def bucket_for(self, chat_id: int) -> Bucket:
        if chat_id < 0:
            return Bucket(self.group_per_minute, self.group_per_minute / 60)
        return Bucket(self.private_burst, self.private_per_second)


class OutboxSender:
    def __init__(
        self,
        storage: Storage,
        transport: Transport,
        *,
        rates: Rates | None = None,
        poll_seconds: float = 0.5,
        clock: Callable[[], datetime] = utcnow,
        on_undelivered: Callable[[OutboxItem], Awaitable[None]] | None = None,
    ) -> None:
        self.on_undelivered = on_undelivered  # told of every item given up on
        self.storage = storage
        self.transport = transport
        self.rates = rates or Rates()
        self.poll_seconds = poll_seconds
        self.clock = clock
        self._wake = asyncio.Event()
        self._buckets: dict[int, Bucket] = {}
        self._global = Bucket(self.rates.global_per_second, self.rates.global_per_second)
        self._paused_until: dict[int, datetime] = {}
        self._stopping = False

    def kick(self) -> None:
        """Something was queued: send now rather than at the next poll."""
        self._wake.set()

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Deliver in the background while the block runs (the bot serving updates)."""
        self._stopping = False
        task = asyncio.create_task(self.run(), name="outbox")
        try:
            yield
        finally:
            # Stop after the call in flight (never cut in the middle: it could be sent twice).
            self._stopping = True
            self.kick()
            await asyncio.wait({task}, timeout=STOP_GRACE_SECONDS)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def run(self) -> None:
        while not self._stopping:
            try:
                await self.deliver_due()
            except Exception:  # the loop must outlive any one bad item or a DB hiccup
                log.exception("outbox delivery round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            self._wake.clear()

    async def deliver_due(self) -> int:
        """One round: send what is due, in order per chat. Returns how many were sent.

        A chat that cannot take more now (its rate, a 429, an earlier item waiting) is left out
        of the following windows, so one busy chat never holds back the others."""
        sent = 0
        blocked: set[int] = set()
        while True:
            items = await self.storage.outbox.due(self.clock(), skip_chats=blocked)
            if not items:
                return sent
            for item in items:
                if self._stopping:
                    return sent
                if item.method in LOCAL_METHODS:
                    await self._compose(item)
                    continue
                if item.chat_id in blocked or self._paused(item.chat_id):
                    blocked.add(item.chat_id)
                    continue
                loop_now = asyncio.get_running_loop().time()
                bucket = self._buckets.setdefault(item.chat_id, self.rates.bucket_for(item.chat_id))
                if not self._global.ready(loop_now):
                    return sent
                if not bucket.take(loop_now):
                    blocked.add(item.chat_id)
                    continue
                self._global.take(loop_now)
                if await self._deliver(item):
                    sent += 1
                else:
                    blocked.add(item.chat_id)

    async def _compose(self, item: OutboxItem) -> None:
        """A queued instruction to build messages (the staff dossier): built now, outside the
        transaction that queued it, and its messages queued in order in its place."""
        try:
            await LOCAL_METHODS[item.method](self.storage, item)
        except Exception as failure:
            log.exception("outbox item %s could not be composed", item.id)
            backoff = timedelta(seconds=BROKEN_BACKOFF_SECONDS * (item.attempts + 1))
            if item.attempts + 1 >= MAX_BROKEN_ATTEMPTS:
                await self.storage.outbox.give_up(item.id, repr(failure))
            else:
                await self.storage.outbox.mark_retry(item.id, repr(failure), self.clock() + backoff)

    def _paused(self, chat_id: int) -> bool:
        until = self._paused_until.get(chat_id)
        return until is not None and until > self.clock()

    async def _deliver(self, item: OutboxItem) -> bool:
        payload = dict(item.payload)
        purpose = payload.pop(PURPOSE, None)
        try:
            payload = await self._resolve_card_reference(payload)
            result = await self.transport.call(item.method, payload)
        except RetryLater as wait:
            not_before = self.clock() + timedelta(seconds=wait.seconds)
            self._paused_until[item.chat_id] = not_before
            # Telegram said "later", never "no": retried for as long as it takes.
            await self.storage.outbox.mark_retry(item.id, str(wait), not_before)
            log.warning("outbox item %s: retry in %.1fs (%s)", item.id, wait.seconds, wait)
            return False
        except Undeliverable as refusal:
            await self.storage.outbox.give_up(item.id, str(refusal))
            log.error("outbox item %s undeliverable: %s", item.id, refusal)
            await self._undelivered(item)
            return True
        except Exception as failure:  # a payload that cannot even be built: a bug, not Telegram
            log.exception("outbox item %s failed", item.id)
            if item.attempts + 1 >= MAX_BROKEN_ATTEMPTS:
                await self.storage.outbox.give_up(item.id, repr(failure))
                await self._undelivered(item)
                return True
            backoff = timedelta(seconds=BROKEN_BACKOFF_SECONDS * (item.attempts + 1))
            await self.storage.outbox.mark_retry(item.id, repr(failure), self.clock() + backoff)
            return False
        async with self.storage.db.transaction() as conn:
            if item.case_id is not None and isinstance(result, dict):
                await self._remember(conn, purpose, item.case_id, result)
            await self.storage.outbox.mark_sent(item.id, _as_record(result), conn=conn)
        return True

    async def _undelivered(self, item: OutboxItem) -> None:
        if self.on_undelivered is not None:
            try:
                await self.on_undelivered(item)
            except Exception:
                log.exception("outbox item %s: the undelivered hook failed", item.id)

    async def _resolve_card_reference(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Put the staff card's message id wherever the payload says `{"card_of": case_id}`
        (an edit's `message_id`, a reply's `reply_parameters`), and the case's forum topic
        where it says `{"topic_of": case_id}` (dropped for a case that has no topic)."""
        cases = self.storage.cases

        async def resolve(value: Any) -> Any:
            if isinstance(value, dict):
                if set(value) == {"card_of"}:
                    card = await cases.staff_message(int(value["card_of"]))
                    if card is None:
                        raise RetryLater(2, "the case card is not sent yet")
                    return card[0]
                if set(value) == {"topic_of"}:
                    case_id = int(value["topic_of"])
                    thread = await cases.staff_thread(case_id)
                    if thread is None and await cases.staff_message(case_id) is None:
                        raise RetryLater(2, "the case topic is not open yet")
                    return thread if thread is not None else _NO_TOPIC
                resolved = {key: await resolve(item) for key, item in value.items()}
                return {key: item for key, item in resolved.items() if item is not _NO_TOPIC}
            if isinstance(value, list):
                return [await resolve(item) for item in value]
            return value

        return await resolve(payload)

    async def _remember(
        self, conn: aiosqlite.Connection, purpose: str | None, case_id: int, result: dict[str, Any]
    ) -> None:
        """What later messages refer to (the card, the case's topic), with the item marked sent
        in the same transaction."""
        if purpose == STAFF_CARD and "message_id" in result:
            thread = result.get("message_thread_id")
            await self.storage.cases.set_staff_message(conn, case_id, result["message_id"], thread)
        elif purpose == CASE_TOPIC and "message_thread_id" in result:
            await self.storage.cases.set_staff_thread(conn, case_id, result["message_thread_id"])


def _as_record(result: Any) -> dict[str, Any]:
    return result if isinstance(result, dict) else {"result": result}
