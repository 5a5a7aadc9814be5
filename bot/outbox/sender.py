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

from bot.cluster.leases import lease_confirmed
from bot.config.settings import Settings
from bot.outbox.messages import (
    BotCall,
    CardButtons,
    CardEdit,
    ComposeDossier,
    Delete,
    DeleteMessages,
    DeleteTopic,
    OpenTopic,
    OutboxMessage,
    Resolved,
    StaffCard,
    bot_call,
    legacy_message,
    parse_message,
)
from bot.outbox.notifications import compose_staff_dossier, queue
from bot.outbox.send_errors import (
    ErrorClass,
    RetryLater,
    SendFailed,
    Undeliverable,
)
from bot.telemetry import metrics
from bot.telemetry.health import HEALTH, Heartbeat, token_refusal
from dialogs.model import utcnow
from storage import OutboxItem, Storage
from storage.chat_states import ChatStates
from storage.database import Connection, from_iso

__all__ = ["OutboxSender", "Rates", "RetryLater", "Transport", "Undeliverable"]

log = logging.getLogger(__name__)

MAX_BROKEN_ATTEMPTS = 3  # an item that raises something unexpected is retried, then set aside
BROKEN_BACKOFF_SECONDS = 5
STOP_GRACE_SECONDS = 10  # a stop lets the call in flight finish for up to this long
REPLY_GRACE_SECONDS = 3  # a stop lets the replies of the updates in hand go for up to this long
MAX_BACKOFF_SECONDS = 30
PRUNE_EVERY_SECONDS = 3600
PRIVATE, GROUPS = "private", "groups"  # the sender's lanes (chat ids > 0, < 0)
CHATS_AT_ONCE = 8  # chats served side by side in a window (each chat's messages in order)
PRIVATE_FIRST_SECONDS = 1.0  # the longest a group message or a dossier waits for private ones
EDITS = (CardEdit, CardButtons, Delete, DeleteMessages, DeleteTopic)
REMEMBERED = (StaffCard, OpenTopic)  # what later messages refer to: recorded when sent
for _lane in (PRIVATE, GROUPS):  # exported (as 0) from the start: rate() needs a first sample
    metrics.OUTBOX_SENT.labels(lane=_lane)
    metrics.OUTBOX_GIVEN_UP.labels(lane=_lane)


class Transport(Protocol):
    async def call(self, method: str, payload: dict[str, Any]) -> Any:
        """Perform one Bot API call; return its result as JSON-able data. Files to upload
        are `bot.outbox.messages.Upload` values in the payload.

        Raises `bot.outbox.send_errors.SendFailed` (classified) for Telegram's answers that are not
        a success."""
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

    @classmethod
    def of(cls, settings: Settings) -> Rates:
        return cls(
            global_per_second=settings.outbox_global_per_second,
            group_per_minute=settings.outbox_group_per_minute,
            private_per_second=settings.outbox_private_per_second,
            private_burst=settings.outbox_private_burst,
        )

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
        on_refused: Callable[[OutboxItem, SendFailed], Awaitable[None]] | None = None,
    ) -> None:
        self.on_undelivered = on_undelivered  # told of every item given up on
        self.on_refused = on_refused  # told of an item too large, or to a blocked claimant
        self.chats = ChatStates(storage.db)
        self._moved: dict[int, int] | None = None  # staff groups now supergroups: old -> new
        self._unreachable: set[int] | None = None  # claimants who blocked the bot
        self.storage = storage
        self.transport = transport
        self.rates = rates or Rates()
        self.poll_seconds = poll_seconds
        self.clock = clock
        self._wakes = {PRIVATE: asyncio.Event(), GROUPS: asyncio.Event()}
        self._private_idle = asyncio.Event()  # clear while the private lane has work in hand
        self._private_idle.set()
        self._buckets: dict[int, Bucket] = {}
        self._global = Bucket(self.rates.global_per_second, self.rates.global_per_second)
        self._paused_until: dict[int, datetime] = {}
        self._stopping = False
        self._composing: dict[int, asyncio.Task[None]] = {}
        self._pruned_at: float | None = None
        # A lane ticks every round and every message (a slow upload: LIVENESS_SECONDS).
        self._beats = {lane: Heartbeat(f"outbox/{lane}", poll_seconds) for lane in self._wakes}

    def kick(self) -> None:
        """Something was queued: send now rather than at the next poll."""
        for wake in self._wakes.values():
            wake.set()

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Deliver in the background while the block runs (the bot serving updates)."""
        self._stopping = False
        token_refusal.clear()  # a start is a new try with the token configured now
        task = asyncio.create_task(self.run(), name="outbox")
        try:
            with HEALTH.watching(self._beats[PRIVATE], task), HEALTH.watching(self._beats[GROUPS]):
                yield
        finally:
            # Stop after the call in flight (never cut in the middle: it could be sent twice).
            self._stopping = True
            self.kick()
            await asyncio.wait({task}, timeout=STOP_GRACE_SECONDS)
            tasks = [task, *self._composing.values()]  # a dossier being composed: again later
            for running in tasks:
                running.cancel()
            for running in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await running

    async def replies_delivered(self, timeout: float = REPLY_GRACE_SECONDS) -> None:
        """At a graceful stop, once the updates in hand are finished: their replies (queued
        with their changes, to private chats) get up to `timeout` to go, sent by the running
        lanes as ever. What is left then goes after the next start."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline and not self._stopping:
            if not await self.storage.outbox.due(self.clock(), limit=1, private=True):
                return
            self.kick()
            await asyncio.sleep(0.05)

    async def run(self) -> None:
        """Two lanes side by side: private chats, and groups (the staff dossier's uploads,
        card edits). A person's reply never waits behind an upload to the staff group.
        Both end after their call in flight once the sender is stopping."""
        await asyncio.gather(self._lane(PRIVATE), self._lane(GROUPS))

    async def _lane(self, lane: str) -> None:
        wake, beat = self._wakes[lane], self._beats[lane]
        while not self._stopping:
            beat.beat()
            if token_refusal.reason:  # 401: nothing goes until a restart with a valid token
                await asyncio.sleep(self.poll_seconds)
                continue
            wake.clear()  # before the round: a kick during it starts the next one at once
            if lane == PRIVATE:
                self._private_idle.clear()
            try:
                if lane == GROUPS:
                    await self._prune()
                await self.deliver_due(lane=lane)
            except Exception:  # the loop must outlive any one bad item or a DB hiccup
                log.exception("outbox delivery round failed")
            finally:
                if lane == PRIVATE:
                    self._private_idle.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), self.poll_seconds)

    async def deliver_due(self, *, lane: str | None = None) -> int:
        """One round: send what is due, in order per chat. Returns how many were sent.

        Private chats first (a person's reply before any staff-group traffic); a dossier is
        composed in the background, never ahead of them. A chat that cannot take more now (its
        rate, a 429, an earlier item waiting) is left out of the following windows, so one busy
        chat never holds back the others.

        The sent marks of a window are committed together, before the next window is read and
        when the round ends: one commit per window, not per message. A crash in a window
        re-sends only that window's messages already sent (the at-least-once the outbox has
        always had, over a few messages instead of one)."""
        sent: list[tuple[int, dict[str, Any]]] = []  # sent, not yet marked
        try:
            return await self._deliver_windows(lane, sent)
        finally:
            await self._mark_sent(sent)

    async def _deliver_windows(
        self, lane: str | None, sent: list[tuple[int, dict[str, Any]]]
    ) -> int:
        """Window after window; in each, the chats are served side by side (up to
        `CHATS_AT_ONCE`), each chat's messages one after another, in order."""
        count = 0
        blocked: set[int] = set()
        while True:
            await self._mark_sent(sent)  # before reading again: what was sent is not due
            items = await self.storage.outbox.due(
                self.clock(), skip_chats=blocked, private=_private(lane)
            )
            if not items:
                return count
            items.sort(key=lambda item: item.chat_id < 0 or item.method == "compose_dossier")
            chats: dict[int, list[OutboxItem]] = {}
            for item in items:
                chats.setdefault(item.chat_id, []).append(item)
            gate = asyncio.Semaphore(CHATS_AT_ONCE)
            served = await asyncio.gather(
                *(self._deliver_chat(queued, blocked, sent, gate) for queued in chats.values())
            )
            count += sum(n for n, _ in served)
            if any(done for _, done in served):
                return count

    async def _deliver_chat(
        self,
        items: list[OutboxItem],
        blocked: set[int],
        sent: list[tuple[int, dict[str, Any]]],
        gate: asyncio.Semaphore,
    ) -> tuple[int, bool]:
        """One chat's due messages in order, until one cannot go now. Returns how many were
        sent, and whether the round is over (stopping, or the global rate spent)."""
        count = 0
        async with gate:
            for item in items:
                self._beats[GROUPS if item.chat_id < 0 else PRIVATE].beat()
                # Cut off from the database, another worker may send soon: not this one.
                # Refused the token (401): nothing goes until a restart with a valid one.
                if self._stopping or not lease_confirmed() or token_refusal.reason:
                    return count, True
                if item.chat_id in blocked:
                    return count, False
                message = await self._message(item)
                if message is None:
                    continue
                if isinstance(message, ComposeDossier):
                    self._compose(item, message)
                    blocked.add(item.chat_id)  # its messages come after it
                    return count, False
                if self._paused(item.chat_id):
                    blocked.add(item.chat_id)
                    return count, False
                loop_now = asyncio.get_running_loop().time()
                bucket = self._buckets.setdefault(item.chat_id, self.rates.bucket_for(item.chat_id))
                if not self._global.ready(loop_now):
                    return count, True
                # Edits and deletions change messages already counted: only new ones count
                # against the chat's rate.
                if not isinstance(message, EDITS) and not bucket.take(loop_now):
                    blocked.add(item.chat_id)
                    return count, False
                self._global.take(loop_now)
                if await self._deliver(item, message, sent):
                    count += 1
                else:
                    blocked.add(item.chat_id)
                    return count, False
        return count, False

    async def _mark_sent(self, sent: list[tuple[int, dict[str, Any]]]) -> None:
        """Commit the marks of the messages sent so far, in one transaction."""
        if not sent:
            return
        batch = list(sent)
        await self.storage.outbox.mark_many_sent(batch, now=self.clock())
        del sent[: len(batch)]

    async def _message(self, item: OutboxItem) -> OutboxMessage | None:
        try:
            return parse_message(item.method, item.payload)
        except ValueError as failure:
            legacy = legacy_message(item.method, item.payload, item.chat_id, item.case_id)
            if legacy is not None:  # queued by the version before typed messages
                return legacy
            log.exception("outbox item %s is not a message this version knows", item.id)
            await self._give_up(item, repr(failure))
            return None

    def _compose(self, item: OutboxItem, compose: ComposeDossier) -> None:
        """A queued instruction to build the staff dossier: built in the background (the PDF
        and ZIP in a thread), its messages queued in order in its place; private chats are
        served meanwhile."""
        if item.id in self._composing:
            return
        task = asyncio.create_task(self._composed(item, compose), name=f"compose-{item.id}")
        self._composing[item.id] = task
        task.add_done_callback(lambda _: self._composing.pop(item.id, None))

    async def _private_first(self) -> None:
        """Let the private lane finish what it has in hand (a person's reply before any staff
        traffic), but wait no longer than `PRIVATE_FIRST_SECONDS`: staff are never starved."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._private_idle.wait(), PRIVATE_FIRST_SECONDS)

    async def _composed(self, item: OutboxItem, compose: ComposeDossier) -> None:
        await self._private_first()
        try:
            await compose_staff_dossier(self.storage, item.id, compose)
        except Exception as failure:
            log.exception("outbox item %s could not be composed", item.id)
            backoff = timedelta(seconds=BROKEN_BACKOFF_SECONDS * (item.attempts + 1))
            if item.attempts + 1 >= MAX_BROKEN_ATTEMPTS:
                await self._give_up(item, repr(failure))
            else:
                await self.storage.outbox.mark_retry(item.id, repr(failure), self.clock() + backoff)
        self.kick()

    async def composing_done(self) -> None:
        """Wait for dossiers being composed (tests and shutdown)."""
        while self._composing:
            await asyncio.gather(*self._composing.values(), return_exceptions=True)

    async def _prune(self) -> None:
        now = asyncio.get_running_loop().time()
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY_SECONDS:
            return
        self._pruned_at = now
        await self.storage.updates.prune(now=self.clock())

    def _paused(self, chat_id: int) -> bool:
        until = self._paused_until.get(chat_id)
        return until is not None and until > self.clock()

    async def _deliver(
        self,
        item: OutboxItem,
        message: OutboxMessage,
        sent: list[tuple[int, dict[str, Any]]],
    ) -> bool:
        """Send one item. Its sent mark joins `sent`, committed with the window's; a message
        whose result later ones refer to (a card, a topic) is marked at once."""
        if item.chat_id < 0:
            await self._private_first()
        try:
            call = await self._call_for(message)
            result = await self.transport.call(call.method, call.params)
        except SendFailed as failure:
            return await self._failed(item, failure)
        except Exception as failure:  # a payload that cannot even be built: a bug, not Telegram
            log.exception("outbox item %s failed", item.id)
            if item.attempts + 1 >= MAX_BROKEN_ATTEMPTS:
                await self._give_up(item, repr(failure))
                await self._undelivered(item)
                return True
            backoff = timedelta(seconds=BROKEN_BACKOFF_SECONDS * (item.attempts + 1))
            await self.storage.outbox.mark_retry(item.id, repr(failure), self.clock() + backoff)
            return False
        unreachable = await self._unreachable_chats()
        if item.chat_id in unreachable:  # unblocked: a message got through
            unreachable.discard(item.chat_id)
            await self.chats.reachable_again(item.chat_id)
        if isinstance(result, dict) and isinstance(message, REMEMBERED):
            async with self.storage.db.transaction() as conn:
                await self._remember(conn, item, message, result)
                await self.storage.outbox.mark_sent(item.id, result, now=self.clock(), conn=conn)
        else:
            sent.append((item.id, _as_record(result)))
        metrics.OUTBOX_SENT.labels(lane=_lane_of(item)).inc()
        if item.dedupe_key == f"case:{item.case_id}:receipt:0":  # queued with the Submit
            metrics.SUBMIT_TO_RECEIPT.observe((self.clock() - item.created_at).total_seconds())
        return True

    async def _give_up(self, item: OutboxItem, error: str) -> None:
        await self.storage.outbox.give_up(item.id, error)
        metrics.OUTBOX_GIVEN_UP.labels(lane=_lane_of(item)).inc()

    async def _failed(self, item: OutboxItem, failure: SendFailed) -> bool:
        """Telegram's answer, by its class (`bot.outbox.send_errors`). True: the item is done with
        (given up), the chat's next message may go."""
        match failure.error_class:
            case ErrorClass.FLOOD | ErrorClass.UNREACHABLE:
                delay = failure.seconds
                if failure.backoff:
                    delay = min(failure.seconds * 2 ** min(item.attempts, 10), MAX_BACKOFF_SECONDS)
                not_before = self.clock() + timedelta(seconds=delay)
                self._paused_until[item.chat_id] = not_before
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
                await self._migrated(item.chat_id, failure.migrate_to_chat_id)
                self.kick()  # sent again at once, to the new id
                return False
        await self._give_up(item, str(failure))
        log.error("outbox item %s undeliverable (%s): %s", item.id, failure.error_class, failure)
        if failure.error_class is ErrorClass.BLOCKED and item.chat_id > 0:
            async with self.storage.db.transaction() as conn:
                await self.chats.mark_unreachable(conn, item.chat_id, failure.reason, self.clock())
            (await self._unreachable_chats()).add(item.chat_id)
        await self._undelivered(item)
        if failure.error_class in (ErrorClass.BLOCKED, ErrorClass.TOO_LARGE) and self.on_refused:
            try:
                await self.on_refused(item, failure)
            except Exception:
                log.exception("outbox item %s: the refused hook failed", item.id)
        return True

    async def _migrated(self, chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup: its new id recorded for good, its cases moved to it."""
        async with self.storage.db.transaction() as conn:
            await self.chats.record_migration(conn, chat_id, new_chat_id, self.clock())
        self._moved = None  # read again
        log.warning(
            "the group %s is now the supergroup %s: sending there from now on; set the staff"
            " group setting to %s (python -m bot check lists it)",
            chat_id,
            new_chat_id,
            new_chat_id,
        )

    async def _chat_ids(self, call: BotCall) -> BotCall:
        """The call with a migrated group's new id in place of its old one."""
        if self._moved is None:
            self._moved = await self.chats.migrations()
        chat = call.params.get("chat_id")
        new = self._moved.get(chat) if isinstance(chat, int) else None
        if new is None:
            return call
        return BotCall(call.method, {**call.params, "chat_id": new})

    async def _unreachable_chats(self) -> set[int]:
        """The claimants marked unreachable (read once, then kept in step)."""
        if self._unreachable is None:
            self._unreachable = await self.chats.unreachable()
        return self._unreachable

    async def _undelivered(self, item: OutboxItem) -> None:
        if self.on_undelivered is not None:
            try:
                await self.on_undelivered(item)
            except Exception:
                log.exception("outbox item %s: the undelivered hook failed", item.id)

    async def _call_for(self, message: OutboxMessage) -> BotCall:
        """The Bot API call, with the case card's message id and the case's forum topic put
        where the message refers to them."""
        cases = self.storage.cases
        card_case = getattr(message, "reply_to_card_of", None)
        if isinstance(message, CardEdit | CardButtons):
            card_case = message.case_id
        card_message_id, card_is_caption = None, False
        if card_case is not None:
            card = await cases.staff_message(card_case)
            if card is None:
                raise RetryLater(2, "the case card is not sent yet")
            card_message_id = card[0]
            if isinstance(message, CardEdit):
                card_is_caption = await cases.staff_card_is_caption(card_case)
        thread_id = None
        topic_case = getattr(message, "topic_of", None)
        if topic_case is not None:
            thread_id = await cases.staff_thread(topic_case)
            if thread_id is None and await cases.staff_message(topic_case) is None:
                raise RetryLater(2, "the case topic is not open yet")
        return await self._chat_ids(
            bot_call(message, Resolved(card_message_id, thread_id, card_is_caption))
        )

    async def _remember(
        self,
        conn: Connection,
        item: OutboxItem,
        message: OutboxMessage,
        result: dict[str, Any],
    ) -> None:
        """What later messages refer to (the card, the case's topic), with the item marked sent
        in the same transaction. A card sent when the case has one already (composed again)
        replaces it: the older one is deleted, so the case keeps one card."""
        if isinstance(message, StaffCard) and "message_id" in result:
            earlier = await self.storage.cases.staff_message(message.case_id)
            if earlier is None:  # the case's first card (not one composed again)
                await self._observe_card(conn, message.case_id)
            thread = result.get("message_thread_id")
            await self.storage.cases.set_staff_message(
                conn,
                message.case_id,
                result["message_id"],
                thread,
                caption=message.document is not None,
            )
            if earlier is not None and earlier[0] != result["message_id"]:
                await queue(
                    conn,
                    self.storage,
                    Delete(chat_id=message.chat_id, message_id=earlier[0]),
                    key=f"case:{message.case_id}:card-replaced:{earlier[0]}",
                    case_id=message.case_id,
                )
                self.kick()
        elif isinstance(message, OpenTopic) and "message_thread_id" in result:
            await self.storage.cases.set_staff_thread(
                conn, message.case_id, result["message_thread_id"]
            )

    async def _observe_card(self, conn: Connection, case_id: int) -> None:
        sql = "SELECT submitted_at FROM cases WHERE id = ?"
        rows = await conn.execute_fetchall(sql, (case_id,))
        if rows:
            submitted = from_iso(rows[0][0])
            metrics.SUBMIT_TO_CARD.observe((self.clock() - submitted).total_seconds())


def _lane_of(item: OutboxItem) -> str:
    return GROUPS if item.chat_id < 0 else PRIVATE


def _private(lane: str | None) -> bool | None:
    return None if lane is None else lane == PRIVATE


def _as_record(result: Any) -> dict[str, Any]:
    return result if isinstance(result, dict) else {"result": result}
