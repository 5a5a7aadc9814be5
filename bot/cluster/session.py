"""A worker's own PostgreSQL connection, outside the pool: session-level advisory locks by name,
and LISTEN/NOTIFY to wake the other workers.

A session lock ends with its connection, so a worker killed mid-update loses its locks at once
(the kernel closes its socket; PostgreSQL ends the session) and another worker takes over; no
lease to expire, no clock to trust. Names are hashed with the schema (tests share a database).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

import asyncpg

from storage.backends import Database
from storage.backends.postgres import PostgresDatabase

log = logging.getLogger(__name__)

CLOSE_TIMEOUT = 2.0
# What a lost connection raises: the locks it held are gone, so the holder must stop.
LOST = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError)


def lock_key(schema: str, name: str) -> str:
    """What the lock `name` is hashed from (`bot.ops.readiness` looks for it in pg_locks)."""
    return f"ip-intake-bot/{schema}/{name}"


class Session:
    def __init__(self, conn: asyncpg.Connection, schema: str) -> None:
        self._conn = conn
        self._schema = schema
        self._busy = asyncio.Lock()  # one statement at a time on a connection
        self._pending: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    @classmethod
    async def open(cls, db: Database) -> Session:
        if not isinstance(db, PostgresDatabase):
            raise TypeError("a cluster session needs PostgreSQL")
        conn = await db.session()
        try:
            schema = str(await conn.fetchval("SELECT current_schema()"))
        except BaseException:
            await conn.close()
            raise
        return cls(conn, schema)

    def _key(self, name: str) -> str:
        return lock_key(self._schema, name)

    def _channel(self, name: str) -> str:
        return f"ipbot_{name}_{self._schema}"[:63]  # an identifier: at most 63 bytes

    async def _fetchval(self, sql: str, *args: Any) -> Any:
        async with self._busy:
            return await self._conn.fetchval(sql, *args)

    async def try_lock(self, name: str) -> bool:
        """Take the lock `name` unless another session holds it. Re-entrant within this
        session (taken twice, released twice): callers track what they hold."""
        sql = "SELECT pg_try_advisory_lock(hashtextextended($1, 0))"
        return bool(await self._fetchval(sql, self._key(name)))

    async def unlock(self, name: str) -> None:
        await self._fetchval("SELECT pg_advisory_unlock(hashtextextended($1, 0))", self._key(name))

    async def ping(self) -> None:
        """Raises one of `LOST` when the connection, and with it every lock, is gone."""
        await self._fetchval("SELECT 1")

    async def listen(self, name: str, wake: Callable[[], None]) -> None:
        """Call `wake` whenever any worker `notify`s `name`."""
        async with self._busy:
            await self._conn.add_listener(self._channel(name), lambda *_: wake())

    def notify(self, name: str) -> None:
        """Wake the listeners of `name` in every worker; several calls before it is sent are
        one notification. Best effort: listeners also look on their own every so often."""
        if name in self._pending:
            return
        self._pending.add(name)
        task = asyncio.create_task(self._notify(name))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _notify(self, name: str) -> None:
        try:
            async with self._busy:
                self._pending.discard(name)
                await self._conn.execute("SELECT pg_notify($1, '')", self._channel(name))
        except LOST as failure:
            log.warning("could not notify %s: %s", name, failure)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        try:
            await asyncio.wait_for(self._conn.close(), CLOSE_TIMEOUT)
        except (TimeoutError, *LOST):
            with contextlib.suppress(Exception):
                self._conn.terminate()
