"""Every worker takes the inbox one user at a time: a user's lock (a session advisory lock, see
bot/cluster/session.py) is taken, that user's updates are handled oldest first, one after the
other, and the lock is let go once none is left. So one user's updates keep their order and are
never handled two at once, while many users are served side by side, across the workers.

A worker that dies mid-update loses its locks with its connection; its users' updates are still
in the inbox (each leaves it in the transaction of its change, `UpdateMarks.claim`), so another
worker takes them up: one applied just before the death changes nothing again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Generic, TypeVar

from bot.cluster.session import Session
from bot.telemetry import metrics
from bot.telemetry.health import HEALTH, Heartbeat
from bot.telemetry.logs import pseudonym
from bot.updates.durable_polling import UpdateCodec
from storage import Inbox, Storage

log = logging.getLogger(__name__)

U = TypeVar("U")
INBOX = "inbox"  # the notification that something was stored
OUTBOX = "outbox"  # … and that replies were queued, for the sender wherever it runs
CONCURRENCY = 64  # users handled at once by one worker
POLL_SECONDS = 1.0  # a look at the inbox when no notification came (one was lost, say)
STOP_GRACE_SECONDS = 20.0


def user_lock(user_id: int) -> str:
    return f"user/{user_id}"


class InboxWorkers(Generic[U]):
    def __init__(
        self,
        inbox: Inbox,
        session: Session,
        codec: UpdateCodec[U],
        *,
        on_handled: Callable[[], None] = lambda: None,
        concurrency: int = CONCURRENCY,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.inbox = inbox
        self.session = session
        self.codec = codec
        self.on_handled = on_handled  # e.g. wake the outbox sender, wherever it runs
        self.concurrency = concurrency
        self.poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self._users: dict[int, asyncio.Task[None]] = {}
        self._stopping = False
        self.heartbeat = Heartbeat("inbox-workers", poll_seconds)

    @classmethod
    @asynccontextmanager
    async def opened(
        cls, storage: Storage, codec: UpdateCodec[U], *, outbox_kick: Callable[[], None]
    ) -> AsyncIterator[InboxWorkers[U]]:
        """This worker's share of the inbox, on a session of its own; `outbox_kick` is called
        when any worker has queued replies (it wakes the sender, if it runs here)."""
        session = await Session.open(storage.db)
        try:
            await session.listen(OUTBOX, outbox_kick)
            yield cls(storage.inbox, session, codec, on_handled=lambda: session.notify(OUTBOX))
        finally:
            await session.close()

    def wake(self) -> None:
        self._wake.set()

    def stored(self) -> None:
        """Updates were stored: wake this worker and the others."""
        self.wake()
        self.session.notify(INBOX)

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Until `stop` is set: then no user is taken any more and the updates in hand are
        finished (for up to `STOP_GRACE_SECONDS`); the rest stays in the inbox. Raises when the
        session is lost (its locks are gone: this worker must not go on)."""
        stop = stop or asyncio.Event()
        await self.session.listen(INBOX, self.wake)
        log.info("taking updates from the inbox")
        try:
            with HEALTH.watching(self.heartbeat):
                await self._run(stop)
            self._stopping = True
            if self._users:
                log.info("stopping: finishing the updates of %d user(s)", len(self._users))
                await asyncio.wait(list(self._users.values()), timeout=STOP_GRACE_SECONDS)
        finally:
            for task in list(self._users.values()):
                task.cancel()

    async def _run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.heartbeat.beat()
            self._wake.clear()
            await self._take()
            waits = [asyncio.ensure_future(e.wait()) for e in (self._wake, stop)]
            await asyncio.wait(waits, timeout=self.poll_seconds, return_when="FIRST_COMPLETED")
            for waiting in waits:
                waiting.cancel()

    async def _take(self) -> None:
        free = self.concurrency - len(self._users)
        if free <= 0:
            return
        for user_id in await self.inbox.waiting_users(skip=self._users, limit=free * 4):
            if len(self._users) >= self.concurrency:
                return
            if await self.session.try_lock(user_lock(user_id)):
                task = asyncio.create_task(self._serve(user_id), name=f"user-{user_id}")
                self._users[user_id] = task

    async def _serve(self, user_id: int) -> None:
        try:
            while not self._stopping:
                batch = await self.inbox.of_user(user_id)
                if not batch:
                    break
                for update_id, payload in batch:
                    if self._stopping:
                        break
                    await self._handle(update_id, payload)
        except Exception:
            log.exception("serving %s failed; their updates stay in the inbox", pseudonym(user_id))
        finally:
            del self._users[user_id]
            with contextlib.suppress(Exception):
                await self.session.unlock(user_lock(user_id))
            self._wake.set()  # one may have come in after the last look: look again

    async def _handle(self, update_id: int, payload: str) -> None:
        # One bad update must not stop the others; it is not retried (logged and counted).
        with contextlib.suppress(Exception):
            async with metrics.observed_update(update_id):
                await self.codec.handle(self.codec.load(payload))
        await self.inbox.done(update_id)
        self.on_handled()
