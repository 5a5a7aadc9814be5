"""Long polling that loses no update to a crash, for either runtime.

The frameworks' own polling tells Telegram an update was received (the next getUpdates carries
`offset = id + 1`) while it is still being handled, so a crash in the middle — a file half
downloaded, say — loses it. Here each batch is first written to the inbox in SQLite, then
confirmed; each update leaves the inbox once handled, and a start handles whatever a crash left
there. One that was applied just before the crash changes nothing again: every handler marks its
update applied in the transaction of its change (`UpdateMarks`, a set of update ids), and its
replies were queued in that transaction too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from bot.telemetry import metrics
from bot.telemetry.health import HEALTH, Heartbeat
from dialogs.model import utcnow
from storage import Inbox

log = logging.getLogger(__name__)

U = TypeVar("U")
RETRY_DELAYS = (1.0, 2.0, 5.0)
STOP_GRACE_SECONDS = 20.0  # how long a graceful stop waits for the updates in hand
# While earlier updates are still in hand, a moment between polls lets the next ones gather:
# one getUpdates and one inbox commit then carry several (an idle bot polls again at once).
GATHER_SECONDS = 0.01
POLL_TURN_SECONDS = 30.0  # a long poll's longest normal turn (its timeout, the network)


def polling_heartbeat() -> Heartbeat:
    return Heartbeat("polling", POLL_TURN_SECONDS)


def user_of(update: dict[str, Any]) -> int | None:
    """Whose update this is: the sender of its message, press, … (the chat when there is no
    sender, e.g. a channel post). The same person the update router's lock keys on."""
    for key, event in update.items():
        if key == "update_id" or not isinstance(event, dict):
            continue
        for field in ("from", "from_user", "user", "chat"):
            who = event.get(field)
            if isinstance(who, dict) and isinstance(who.get("id"), int):
                return int(who["id"])
    return None


@dataclass(frozen=True)
class UpdateCodec(Generic[U]):
    """How a runtime's update objects are fetched, named, kept as JSON and handled."""

    fetch: Callable[[int | None], Awaitable[list[U]]]  # getUpdates from an offset (long poll)
    update_id: Callable[[U], int]
    dump: Callable[[U], str]
    load: Callable[[str], U]
    handle: Callable[[U], Awaitable[object]]


class DurablePolling(Generic[U]):
    def __init__(self, inbox: Inbox, codec: UpdateCodec[U]) -> None:
        self.inbox = inbox
        self.codec = codec
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self.heartbeat = polling_heartbeat()

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Poll until cancelled or, gracefully, until `stop` is set: then no update is taken
        any more and the ones in hand are finished (for up to `STOP_GRACE_SECONDS`; what is
        still unfinished then stays in the inbox for the next start)."""
        try:
            for update_id, payload in await self.inbox.pending():
                log.info("handling update %s left over from the last run", update_id)
                self._start(update_id, self.codec.load(payload))
            if stop is None:
                with HEALTH.watching(self.heartbeat):
                    await self._poll()
                return
            poll = asyncio.create_task(self._poll(), name="getUpdates")
            stopped = asyncio.create_task(stop.wait())
            try:
                with HEALTH.watching(self.heartbeat, poll):
                    await asyncio.wait({poll, stopped}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in (poll, stopped):
                    task.cancel()
                await asyncio.gather(poll, stopped, return_exceptions=True)
            if not poll.cancelled():
                poll.result()  # polling ended on its own: re-raise what ended it
            in_hand = list(self._tasks.values())
            if in_hand:
                log.info("stopping: finishing %d update(s) in hand", len(in_hand))
                await asyncio.wait(in_hand, timeout=STOP_GRACE_SECONDS)
        finally:
            for task in self._tasks.values():
                task.cancel()

    async def _poll(self) -> None:
        def fresh(update_id: int) -> bool:
            return update_id not in self._tasks

        def stored(batch: list[tuple[int, U]]) -> None:
            for update_id, update in batch:  # in order: one user's updates queue as they came
                self._start(update_id, update)

        def busy() -> bool:
            return bool(self._tasks)

        await feed_inbox(
            self.inbox, self.codec, stored, fresh=fresh, busy=busy, beat=self.heartbeat
        )

    def _start(self, update_id: int, update: U) -> None:
        task = asyncio.create_task(self._handle(update_id, update))
        self._tasks[update_id] = task
        task.add_done_callback(lambda _: self._tasks.pop(update_id, None))

    async def _handle(self, update_id: int, update: U) -> None:
        # One bad update must not stop the others; it is not retried (logged and counted).
        with contextlib.suppress(Exception):
            async with metrics.observed_update(update_id):  # in its own task: its own context
                await self.codec.handle(update)
        await self.inbox.done(update_id)


async def feed_inbox(
    inbox: Inbox,
    codec: UpdateCodec[U],
    stored: Callable[[list[tuple[int, U]]], None],
    *,
    fresh: Callable[[int], bool] = lambda _: True,
    user_of: Callable[[U], int | None] | None = None,
    busy: Callable[[], bool] = lambda: False,
    beat: Heartbeat | None = None,
) -> None:
    """Long-poll for ever: each batch (its `fresh` updates) into the inbox, then `stored(batch)`,
    then confirmed by the next getUpdates. `user_of`: whose each update is (several workers take
    the inbox user by user). While updates are `busy` in hand, the next poll waits
    `GATHER_SECONDS`, so one getUpdates and one inbox commit carry several. `beat` ticks at
    every turn; `ipintake_last_success_timestamp_seconds{job="polling"}` at every answer."""
    offset: int | None = None
    failures = 0
    while True:
        if beat is not None:
            beat.beat()
        try:
            updates = await codec.fetch(offset)
        except Exception as failure:
            delay = RETRY_DELAYS[min(failures, len(RETRY_DELAYS) - 1)]
            log.error("getUpdates failed (%s); retrying in %.0fs", failure, delay)
            failures += 1
            await asyncio.sleep(delay)
            continue
        failures = 0
        metrics.succeeded("polling")
        if not updates:
            continue
        ids = [codec.update_id(u) for u in updates]
        batch = [(i, u) for i, u in zip(ids, updates, strict=True) if fresh(i)]
        users = None if user_of is None else [user_of(u) for _, u in batch]
        was_busy = busy()
        await inbox.put([(i, codec.dump(u)) for i, u in batch], now=utcnow(), users=users)
        stored(batch)
        offset = max(ids) + 1  # confirmed only now that they are kept
        if was_busy:
            await asyncio.sleep(GATHER_SECONDS)
