"""A background job that runs in one worker of the cluster at a time.

Each worker asks for the job's lock every `RETRY_SECONDS`; the one that gets it runs the job
while it pings its connection at the same pace. When that worker dies its session ends, the lock
with it, and the next worker to ask takes over: within about `RETRY_SECONDS`. A holder whose
connection is lost (it cannot know whether its lock still stands) stops the job at its next ping.

The outbox sender runs so (one sender per bot token keeps Telegram's per-bot rate), and so does
the long poller. On SQLite there is one process: the job simply runs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from bot.background import in_background
from bot.cluster import clustered
from bot.cluster.session import LOST, Session
from storage.backends import Database

log = logging.getLogger(__name__)

RETRY_SECONDS = 1.0

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
            session = await Session.open(db)
        except LOST as failure:
            log.warning("lease %s: no connection (%s); trying again", name, failure)
            await asyncio.sleep(retry_seconds)
            continue
        try:
            while not await session.try_lock(name):
                await asyncio.sleep(retry_seconds)
            log.info("lease %s taken: running it here", name)
            async with job():
                while True:
                    await asyncio.sleep(retry_seconds)
                    await session.ping()
        except LOST as failure:
            log.error("lease %s: connection lost (%s); stopped here", name, failure)
        except Exception:  # the job failed: let it go, so this or another worker starts it anew
            log.exception("lease %s: the job failed; stopped here", name)
        finally:
            await session.close()
        await asyncio.sleep(retry_seconds)
