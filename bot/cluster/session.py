"""A worker's own PostgreSQL connection, outside the pool: session-level advisory locks by name,
and LISTEN/NOTIFY to wake the other workers.

A session lock ends with its connection, so a worker killed mid-update loses its locks at once
(the kernel closes its socket; PostgreSQL ends the session) and another worker takes over; no
lease to expire, no clock to trust. Names are hashed with the schema (tests share a database).

A worker cut off from the database (a network partition, a hung host) closes nothing, so both
ends are told to notice: TCP keepalives on both sides of the socket (seconds, not Linux's two
hours), a ping that gives up after `PING_TIMEOUT`, and for a session that pings all the time
(a lease's) PostgreSQL's `idle_session_timeout`, which ends the session, and frees its locks,
once it has been silent that long, whatever TCP says (docs/cluster-partition.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Callable
from typing import Any

import asyncpg

from storage.backends.base import Database
from storage.backends.postgres import PostgresDatabase

log = logging.getLogger(__name__)

CLOSE_TIMEOUT = 2.0
PING_TIMEOUT = 3.0  # a `SELECT 1` unanswered this long: the session is taken as lost
# Both ends probe a silent socket after 5 s, every 2 s, and give up after 3 probes unanswered.
KEEPALIVE_IDLE, KEEPALIVE_INTERVAL, KEEPALIVE_COUNT = 5, 2, 3
SERVER_KEEPALIVES = {
    "tcp_keepalives_idle": str(KEEPALIVE_IDLE),
    "tcp_keepalives_interval": str(KEEPALIVE_INTERVAL),
    "tcp_keepalives_count": str(KEEPALIVE_COUNT),
}


class SessionLost(ConnectionError):
    """The session did not answer in time: whether its locks still stand is unknown."""


# What a lost connection raises: the locks it held are gone, so the holder must stop.
LOST = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError)


def lock_key(schema: str, name: str) -> str:
    """What the lock `name` is hashed from (`bot.ops.readiness` looks for it in pg_locks)."""
    return f"ip-intake-bot/{schema}/{name}"


def _client_keepalives(conn: asyncpg.Connection) -> None:
    """asyncpg has no option for them: set on its socket (best effort, Linux's options)."""
    transport = getattr(conn, "_transport", None)
    sock = transport.get_extra_info("socket") if transport is not None else None
    if sock is None or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        for option, value in (
            ("TCP_KEEPIDLE", KEEPALIVE_IDLE),
            ("TCP_KEEPINTVL", KEEPALIVE_INTERVAL),
            ("TCP_KEEPCNT", KEEPALIVE_COUNT),
        ):
            if hasattr(socket, option):
                sock.setsockopt(socket.IPPROTO_TCP, getattr(socket, option), value)


class Session:
    def __init__(self, conn: asyncpg.Connection, schema: str) -> None:
        self._conn = conn
        self._schema = schema
        self._busy = asyncio.Lock()  # one statement at a time on a connection
        self._pending: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    @classmethod
    async def open(cls, db: Database, *, idle_timeout: float | None = None) -> Session:
        """`idle_timeout`: PostgreSQL ends the session once it has run no statement for this
        long (only for a session that pings more often than that)."""
        if not isinstance(db, PostgresDatabase):
            raise TypeError("a cluster session needs PostgreSQL")
        settings = dict(SERVER_KEEPALIVES)
        if idle_timeout is not None:
            settings["idle_session_timeout"] = f"{int(idle_timeout * 1000)}ms"
        conn = await db.session(**settings)
        _client_keepalives(conn)
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

    async def ping(self, timeout: float = PING_TIMEOUT) -> None:
        """Raises one of `LOST` when the connection, and with it every lock, is gone, or when
        it does not answer within `timeout` (cut off: the locks may be gone any moment)."""
        try:
            await asyncio.wait_for(self._fetchval("SELECT 1"), timeout)
        except TimeoutError as silence:
            raise SessionLost(f"no answer to a ping within {timeout:g} s") from silence

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
