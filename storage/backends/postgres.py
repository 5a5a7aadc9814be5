"""PostgreSQL through asyncpg: a pool; every ``transaction()`` takes a connection of its own.

There is no global write lock: concurrent writers (tasks, or several workers) are decided by the
statements themselves — the draft revision predicate, ``ON CONFLICT``, row counts checked inside
the transaction. The stores' ``?`` placeholders become ``$1, $2, …`` here; datetimes stay ISO
text (fixed-width UTC, so they sort) exactly as on SQLite.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from storage.backends.base import POSTGRES, Connection, Database, Result, Row, in_transaction
from storage.migrations import apply_migrations, database_version

POOL_MIN = 1
POOL_MAX = 10


@functools.lru_cache(maxsize=1024)
def numbered(sql: str) -> str:
    """``?`` → ``$1, $2, …`` outside quoted strings, identifiers and comments."""
    out: list[str] = []
    n = 0
    i = 0
    quote: str | None = None
    while i < len(sql):
        ch = sql[i]
        if quote is not None:
            out.append(ch)
            if ch == quote:
                quote = None
        elif ch in ("'", '"'):
            quote = ch
            out.append(ch)
        elif ch == "-" and sql.startswith("--", i):
            end = sql.find("\n", i)
            end = len(sql) if end < 0 else end
            out.append(sql[i:end])
            i = end
            continue
        elif ch == "?":
            n += 1
            out.append(f"${n}")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _rowcount(status: str) -> int:
    """asyncpg returns the command tag: 'UPDATE 3', 'INSERT 0 1', 'DELETE 0', 'CREATE TABLE'."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else -1


class PostgresConnection(Connection):
    dialect = POSTGRES

    def __init__(self, raw: asyncpg.Connection) -> None:
        self.raw = raw

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> Result:
        status = await self.raw.execute(numbered(sql), *params)
        return Result(_rowcount(status))

    async def executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> None:
        rows = [tuple(p) for p in params]
        if rows:
            await self.raw.executemany(numbered(sql), rows)

    async def execute_fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return list(await self.raw.fetch(numbered(sql), *params))

    async def insert(self, sql: str, params: Sequence[Any] = ()) -> int | None:
        row = await self.raw.fetchrow(numbered(sql) + " RETURNING id", *params)
        return None if row is None else int(row[0])

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[None]:
        async with self.raw.transaction():
            yield


class PostgresDatabase(Database):
    dialect = POSTGRES
    path = None

    def __init__(
        self, pool: asyncpg.Pool, url: str = "", settings: dict[str, str] | None = None
    ) -> None:
        self._pool = pool
        self._url = url
        self._settings = settings

    @classmethod
    async def connect(cls, url: str, *, schema: str | None = None) -> PostgresDatabase:
        """Connect and migrate. ``schema`` (tests: one per test) goes first in search_path."""
        settings = {"search_path": schema} if schema else None
        pool = await asyncpg.create_pool(
            url, min_size=POOL_MIN, max_size=POOL_MAX, server_settings=settings
        )
        try:
            async with pool.acquire() as raw:
                await apply_migrations(PostgresConnection(raw))
        except BaseException:
            await pool.close()
            raise
        return cls(pool, url, settings)

    async def session(self, **server_settings: str) -> asyncpg.Connection:
        """A connection of its own, outside the pool, the caller closes: session-level advisory
        locks and LISTEN live as long as it does (and end when its process dies).
        `server_settings` are the session's own (e.g. its keepalives and idle timeout)."""
        settings = {**(self._settings or {}), **server_settings}
        return await asyncpg.connect(self._url, server_settings=settings or None)

    async def schema_version(self) -> int:
        return await database_version(self)

    async def close(self) -> None:
        await self._pool.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        if in_transaction.get():
            raise RuntimeError("nested Database.transaction(): pass the connection down instead")
        token = in_transaction.set(True)
        try:
            async with self._pool.acquire() as raw, raw.transaction():
                yield PostgresConnection(raw)
        finally:
            in_transaction.reset(token)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Connection]:
        async with self._pool.acquire() as raw:
            yield PostgresConnection(raw)
