"""A background job that runs in one worker of the cluster at a time.

Each worker asks for the job's lock every `RETRY_SECONDS`; the one that gets it runs the job
while it pings its connection at the same pace. When that worker dies its session ends, the lock
with it, and the next worker to ask takes over: within about `RETRY_SECONDS`. A holder whose
connection is lost (it cannot know whether its lock still stands) stops the job at its next ping.

The outbox sender runs so (one sender per bot token keeps Telegram's per-bot rate), and so does
the long poller. On SQLite there is one process: the job simply runs.

Cut off from the database, a holder cannot know when its lock goes, so it must stop before a
successor can start. Its session runs with `idle_session_timeout = IDLE_TIMEOUT`: PostgreSQL
ends it, and frees the lock, no sooner than that after its last ping. The holder stops its job
when a ping fails or goes unanswered for `PING_TIMEOUT`, and the job asks `lease_confirmed()`
before each call it makes (the sender: before each message): false once no ping was answered
for `CONFIRMED_FOR`, well within `IDLE_TIMEOUT`. So a cut-off sender stops at most
`CONFIRMED_FOR` after its last answered ping, and its successor starts at least `IDLE_TIMEOUT`
after it (docs/cluster-partition.md has the numbers measured).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from contextvars import ContextVar

from bot.cluster import clustered
from bot.cluster.session import LOST, PING_TIMEOUT, Session
from bot.telemetry.background import in_background
from storage.backends.base import Database

log = logging.getLogger(__name__)

RETRY_SECONDS = 1.0
IDLE_TIMEOUT = 10.0  # PostgreSQL ends a lease's session silent this long: its lock is free
CONFIRMED_FOR = 4.0  # a ping answered this recently confirms the lease (> retry + timeout)
assert RETRY_SECONDS + PING_TIMEOUT <= CONFIRMED_FOR < IDLE_TIMEOUT


class Lease:
    """The lock a job runs under, as its holder last saw it."""

    def __init__(self, confirmed_for: float = CONFIRMED_FOR) -> None:
        self.confirmed_for = confirmed_for
        self._confirmed_at: float | None = None

    def confirm(self) -> None:
        self._confirmed_at = asyncio.get_running_loop().time()

    def confirmed(self) -> bool:
        if self._confirmed_at is None:
            return False
        return asyncio.get_running_loop().time() - self._confirmed_at <= self.confirmed_for


_held: ContextVar[Lease | None] = ContextVar("lease", default=None)


def lease_confirmed() -> bool:
    """Whether the job calling it may act now: true outside a lease (SQLite, one process),
    else only while its lease's last ping is recent. Tasks the job starts inherit its lease."""
    lease = _held.get()
    return lease is None or lease.confirmed()


Job = Callable[[], AbstractAsyncContextManager[object]]


@asynccontextmanager
async def exclusive(
    db: Database, name: str, job: Job, *, retry_seconds: float = RETRY_SECONDS
) -> AsyncIterator[None]:
    """While the block runs, `job()` runs in whichever one worker holds `name`."""
    if not clustered(db):
        async with job():
            yield
        return
    async with in_background(_hold(db, name, job, retry_seconds), f"lease:{name}"):
        yield


async def _hold(db: Database, name: str, job: Job, retry_seconds: float) -> None:
    while True:
        try:
            session = await Session.open(db, idle_timeout=IDLE_TIMEOUT)
        except LOST as failure:
            log.warning("lease %s: no connection (%s); trying again", name, failure)
            await asyncio.sleep(retry_seconds)
            continue
        lease, pinging = Lease(), None
        try:
            while not await session.try_lock(name):
                await asyncio.sleep(retry_seconds)
            lease.confirm()
            log.info("lease %s taken: running it here", name)
            # Pinged from now on, while the job starts too (a silent session is ended).
            pinging = asyncio.create_task(_keep(session, lease, retry_seconds))
            token = _held.set(lease)  # the job's tasks, created in it, see this lease
            try:
                async with job():
                    await pinging  # raises when the lease is lost
            finally:
                _held.reset(token)
        except LOST as failure:
            log.error("lease %s: connection lost (%s); stopped here", name, failure)
        except Exception:  # the job failed: let it go, so this or another worker starts it anew
            log.exception("lease %s: the job failed; stopped here", name)
        finally:
            if pinging is not None:
                pinging.cancel()
            await session.close()
        await asyncio.sleep(retry_seconds)


async def _keep(session: Session, lease: Lease, retry_seconds: float) -> None:
    """Ping every `retry_seconds`, confirming the lease; raises one of `LOST` when it fails."""
    while True:
        await asyncio.sleep(retry_seconds)
        await session.ping()
        lease.confirm()
