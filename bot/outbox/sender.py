"""Delivers the outbox: retries until Telegram accepts, honours 429 `retry_after`, keeps within
Telegram's per-chat and per-group rates, and resumes after a restart (the queue is in the
database).

The runtime supplies a `Transport` that performs one Bot API call; this module knows nothing of
aiogram or python-telegram-bot. Around the sending loop here: `pacing` (the rates),
`failures` (Telegram's answers, retries), `chats` (groups moved, claimants unreachable),
`references` (the card and topic later messages refer to), `composing` (the staff dossier,
composed by what `bot.serve` hands in).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from bot.cluster.leases import lease_confirmed
from bot.outbox.chats import KnownChats
from bot.outbox.composing import Composing, DossierComposer
from bot.outbox.failures import Failures, Refused, Undelivered
from bot.outbox.lanes import GROUPS, LANES, PRIVATE, lane_of, private_only
from bot.outbox.messages import ComposeDossier, OutboxMessage, parse_message
from bot.outbox.pacing import EDITS, Admission, Pacing, Rates
from bot.outbox.references import REMEMBERED, call_for, remember
from bot.outbox.send_errors import RetryLater, SendFailed, Undeliverable
from bot.outbox.transport import Transport
from bot.telemetry import metrics
from bot.telemetry.health import HEALTH, Heartbeat, token_refusal
from dialogs.model import utcnow
from storage import OutboxItem, Storage

__all__ = ["OutboxSender", "Rates", "RetryLater", "Transport", "Undeliverable"]

log = logging.getLogger(__name__)

STOP_GRACE_SECONDS = 10  # a stop lets the call in flight finish for up to this long
REPLY_GRACE_SECONDS = 3  # a stop lets the replies of the updates in hand go for up to this long
PRUNE_EVERY_SECONDS = 3600
CHATS_AT_ONCE = 8  # chats served side by side in a window (each chat's messages in order)
PRIVATE_FIRST_SECONDS = 1.0  # the longest a group message or a dossier waits for private ones

Sent = list[tuple[int, dict[str, Any]]]  # sent, not yet marked: (item id, result)


class OutboxSender:
    def __init__(
        self,
        storage: Storage,
        transport: Transport,
        *,
        rates: Rates | None = None,
        poll_seconds: float = 0.5,
        clock: Callable[[], datetime] = utcnow,
        on_undelivered: Undelivered | None = None,
        on_refused: Refused | None = None,
        compose_dossier: DossierComposer | None = None,
    ) -> None:
        """`compose_dossier`: how a `ComposeDossier` instruction is carried out (the staff
        side's `compose_staff_dossier`, handed in by `bot.serve`)."""
        self.storage = storage
        self.transport = transport
        self.rates = rates or Rates()
        self.poll_seconds = poll_seconds
        self.clock = clock
        self.pacing = Pacing(self.rates, self._now)
        self.chats = KnownChats(storage, self._now)
        self.failures = Failures(
            storage,
            self.chats,
            self.pacing,
            clock=self._now,
            kick=self.kick,
            on_undelivered=on_undelivered,
            on_refused=on_refused,
        )
        self.composing = Composing(
            storage,
            compose_dossier,
            self.failures,
            private_first=self._private_first,
            kick=self.kick,
        )
        self._wakes = {lane: asyncio.Event() for lane in LANES}
        self._private_idle = asyncio.Event()  # clear while the private lane has work in hand
        self._private_idle.set()
        self._stopping = False
        self._pruned_at: float | None = None
        # A lane ticks every round and every message (a slow upload: LIVENESS_SECONDS).
        self._beats = {lane: Heartbeat(f"outbox/{lane}", poll_seconds) for lane in self._wakes}

    def _now(self) -> datetime:
        """The sender's clock, read afresh each time (a test may move it)."""
        return self.clock()

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
            tasks = [task, *self.composing.tasks()]  # a dossier being composed: again later
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
        sent: Sent = []
        try:
            return await self._deliver_windows(lane, sent)
        finally:
            await self._mark_sent(sent)

    async def _deliver_windows(self, lane: str | None, sent: Sent) -> int:
        """Window after window; in each, the chats are served side by side (up to
        `CHATS_AT_ONCE`), each chat's messages one after another, in order."""
        count = 0
        blocked: set[int] = set()
        while True:
            await self._mark_sent(sent)  # before reading again: what was sent is not due
            items = await self.storage.outbox.due(
                self.clock(), skip_chats=blocked, private=private_only(lane)
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
        self, items: list[OutboxItem], blocked: set[int], sent: Sent, gate: asyncio.Semaphore
    ) -> tuple[int, bool]:
        """One chat's due messages in order, until one cannot go now. Returns how many were
        sent, and whether the round is over (stopping, or the global rate spent)."""
        count = 0
        async with gate:
            for item in items:
                self._beats[lane_of(item)].beat()
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
                    self.composing.start(item, message)
                    blocked.add(item.chat_id)  # its messages come after it
                    return count, False
                if self.pacing.paused(item.chat_id):
                    blocked.add(item.chat_id)
                    return count, False
                admission = self.pacing.admit(item.chat_id, edit=isinstance(message, EDITS))
                if admission is Admission.ROUND_OVER:
                    return count, True
                if admission is Admission.CHAT_WAITS:
                    blocked.add(item.chat_id)
                    return count, False
                if await self._deliver(item, message, sent):
                    count += 1
                else:
                    blocked.add(item.chat_id)
                    return count, False
        return count, False

    async def _mark_sent(self, sent: Sent) -> None:
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
            log.exception("outbox item %s is not a message this version knows", item.id)
            await self.failures.give_up(item, repr(failure))
            return None

    async def _private_first(self) -> None:
        """Let the private lane finish what it has in hand (a person's reply before any staff
        traffic), but wait no longer than `PRIVATE_FIRST_SECONDS`: staff are never starved."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._private_idle.wait(), PRIVATE_FIRST_SECONDS)

    async def composing_done(self) -> None:
        """Wait for dossiers being composed (tests and shutdown)."""
        await self.composing.done()

    async def _prune(self) -> None:
        now = asyncio.get_running_loop().time()
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY_SECONDS:
            return
        self._pruned_at = now
        await self.storage.updates.prune(now=self.clock())

    async def _deliver(self, item: OutboxItem, message: OutboxMessage, sent: Sent) -> bool:
        """Send one item. Its sent mark joins `sent`, committed with the window's; a message
        whose result later ones refer to (a card, a topic) is marked at once."""
        if item.chat_id < 0:
            await self._private_first()
        try:
            call = await self.chats.addressed(await call_for(self.storage, message))
            result = await self.transport.call(call.method, call.params)
        except SendFailed as failure:
            return await self.failures.failed(item, failure)
        except Exception as failure:  # a payload that cannot even be built: a bug, not Telegram
            log.exception("outbox item %s failed", item.id)
            return await self.failures.broken(item, failure)
        await self.chats.reached(item.chat_id)  # unblocked: a message got through
        if isinstance(result, dict) and isinstance(message, REMEMBERED):
            async with self.storage.db.transaction() as conn:
                if await remember(conn, self.storage, message, result, self.clock):
                    self.kick()
                await self.storage.outbox.mark_sent(item.id, result, now=self.clock(), conn=conn)
        else:
            sent.append((item.id, _as_record(result)))
        metrics.OUTBOX_SENT.labels(lane=lane_of(item)).inc()
        if item.dedupe_key == f"case:{item.case_id}:receipt:0":  # queued with the Submit
            metrics.SUBMIT_TO_RECEIPT.observe((self.clock() - item.created_at).total_seconds())
        return True


def _as_record(result: Any) -> dict[str, Any]:
    return result if isinstance(result, dict) else {"result": result}
