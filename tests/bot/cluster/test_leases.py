"""The pieces of several workers, in one process on a PostgreSQL schema of the test's own: a
lease runs its job in one holder at a time and passes on when the holder goes; a user's lock
keeps a second worker off that user; whose an update is."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

import pytest

from bot.cluster.leases import exclusive
from bot.cluster.session import Session
from bot.updates.durable_polling import user_of
from bot.updates.inbox_workers import user_lock
from storage.database import Database
from tests.backends import Backend

pytestmark = pytest.mark.postgres


@pytest.fixture
async def pg(backend: Backend) -> AsyncIterator[Backend]:
    if backend.name != "postgres":
        pytest.skip("PostgreSQL only: on SQLite there is one process")
    yield backend


async def test_a_lease_runs_in_one_holder_and_passes_on(pg: Backend) -> None:
    dbs = [await pg.database() for _ in range(2)]
    running: list[int] = []

    def job(n: int) -> Callable[[], AbstractAsyncContextManager[None]]:
        @contextlib.asynccontextmanager
        async def run() -> AsyncIterator[None]:
            running.append(n)
            try:
                yield
            finally:
                running.remove(n)

        return run

    try:
        async with exclusive(dbs[0], "sender/1", job(0), retry_seconds=0.1):
            # The lease is taken in the background: the first holds it before the second asks
            # (otherwise the two race for it, and the second may win).
            for _ in range(100):
                if running == [0]:
                    break
                await asyncio.sleep(0.05)
            holders = contextlib.AsyncExitStack()
            await holders.enter_async_context(
                exclusive(dbs[1], "sender/1", job(1), retry_seconds=0.1)
            )
            await asyncio.sleep(0.5)
            assert running == [0]  # the second waits
        # the first left: the second takes over
        for _ in range(50):
            if running == [1]:
                break
            await asyncio.sleep(0.05)
        assert running == [1]
        await holders.aclose()
        assert running == []
    finally:
        for db in dbs:
            await db.close()


async def test_a_users_lock_keeps_other_workers_off_until_its_session_ends(pg: Backend) -> None:
    db: Database = await pg.database()
    first, second = await Session.open(db), await Session.open(db)
    try:
        assert await first.try_lock(user_lock(42))
        assert not await second.try_lock(user_lock(42))
        assert await second.try_lock(user_lock(43))
        await first.close()  # a worker killed: its connection, and its locks, gone
        assert await second.try_lock(user_lock(42))
    finally:
        await second.close()
        await db.close()


def test_whose_update() -> None:
    assert user_of({"update_id": 1, "message": {"from": {"id": 7}, "chat": {"id": 7}}}) == 7
    assert user_of({"update_id": 2, "callback_query": {"from": {"id": 8}}}) == 8
    assert user_of({"update_id": 3, "channel_post": {"chat": {"id": -100}}}) == -100
    assert user_of({"update_id": 4, "poll": {"id": "x"}}) is None
