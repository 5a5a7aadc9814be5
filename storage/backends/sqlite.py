"""SQLite through aiosqlite: one writer connection behind an asyncio.Lock for every
``BEGIN IMMEDIATE`` transaction, and a second connection for plain reads, so a reader never sees
another task's uncommitted writes (WAL gives it the last committed snapshot)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from storage.backends.base import SQLITE, Connection, Database, Result, Row, in_transaction
from storage.migrations import apply_migrations, database_version
from storage.private import PRIVATE_FILE_MODE, private_dir

DB_FILENAME = "intake.sqlite3"
BUSY_TIMEOUT_MS = 10_000
_SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


class SqliteConnection(Connection):
    dialect = SQLITE

    def __init__(self, raw: aiosqlite.Connection) -> None:
        self.raw = raw
        raw.row_factory = aiosqlite.Row  # rows by column name too

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> Result:
        cur = await self.raw.execute(sql, tuple(params))
        try:
            return Result(cur.rowcount, cur.lastrowid)
        finally:
            await cur.close()

    async def executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> None:
        await self.raw.executemany(sql, [tuple(p) for p in params])

    async def execute_fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        # fetchall, never a half-read cursor: that keeps its read snapshot (and blocks WAL
        # checkpoints) until it is garbage collected.
        return list(await self.raw.execute_fetchall(sql, tuple(params)))

    async def insert(self, sql: str, params: Sequence[Any] = ()) -> int | None:
        cur = await self.raw.execute(sql, tuple(params))
        try:
            return cur.lastrowid if cur.rowcount == 1 else None
        finally:
            await cur.close()

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[None]:
        try:
            await self.raw.execute("BEGIN IMMEDIATE")
            yield
            await self.raw.execute("COMMIT")
        except BaseException:
            await _roll_back(self.raw)
            raise


def _private_database_file(path: Path) -> None:
    """The database created 0600 before SQLite opens it (its -wal and -shm take the same mode);
    an existing one, and its companions, tightened to 0600."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE)
    os.close(fd)
    for suffix in _SQLITE_COMPANIONS:
        with contextlib.suppress(FileNotFoundError):
            os.chmod(f"{path}{suffix}", PRIVATE_FILE_MODE)


async def connect(path: Path) -> aiosqlite.Connection:
    # isolation_level=None: the sqlite3 module never opens transactions on its own;
    # `transaction()` issues BEGIN IMMEDIATE / COMMIT / ROLLBACK explicitly.
    conn = await aiosqlite.connect(path, isolation_level=None)
    conn.row_factory = aiosqlite.Row
    await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    await conn.execute("PRAGMA foreign_keys = ON")
    # FULL: fsync the WAL on every commit, so an answer acknowledged to the user survives kill -9
    # and power loss, not just a process crash.
    await conn.execute("PRAGMA synchronous = FULL")
    # Erased or anonymised personal data are overwritten, not left in free space in the file.
    await conn.execute("PRAGMA secure_delete = ON")
    return conn


async def _roll_back(conn: aiosqlite.Connection) -> None:
    """After any failure, cancellation included. A cancelled BEGIN or COMMIT still runs on
    aiosqlite's thread; the ROLLBACK queued behind it undoes what is open then, or finds
    nothing open (already committed, or never begun) — either way the connection is left
    outside a transaction, ready for the next writer. Shielded: a second cancel can't skip it."""
    with contextlib.suppress(sqlite3.OperationalError):
        await asyncio.shield(conn.execute("ROLLBACK"))


async def _wal(conn: aiosqlite.Connection) -> object:
    """Switch to WAL. Another process doing the same on a new file makes SQLite answer "locked"
    at once (the busy handler is not consulted for it), so try again for the busy timeout."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + BUSY_TIMEOUT_MS / 1000
    delay = 0.01
    while True:
        try:
            rows = list(await conn.execute_fetchall("PRAGMA journal_mode = WAL"))
            return rows[0][0] if rows else None
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or loop.time() > deadline:
                raise
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.2)


class SqliteDatabase(Database):
    """Owns the SQLite file. Open with ``await SqliteDatabase.open(data_dir)``."""

    dialect = SQLITE

    def __init__(self, path: Path, writer: aiosqlite.Connection, reader: aiosqlite.Connection):
        self.path = path
        self._writer = SqliteConnection(writer)
        self._reader = SqliteConnection(reader)
        self._write_lock: asyncio.Lock = asyncio.Lock()

    @classmethod
    async def open(cls, data_dir: Path) -> SqliteDatabase:
        data_dir = Path(data_dir)
        private_dir(data_dir)
        return await cls.open_file(data_dir / DB_FILENAME)

    @classmethod
    async def open_file(cls, path: Path) -> SqliteDatabase:
        path = Path(path)
        private_dir(path.parent)
        _private_database_file(path)
        writer = await connect(path)
        try:
            mode = await _wal(writer)
            if mode is None or str(mode).lower() != "wal":
                raise RuntimeError(f"could not switch {path} to WAL journal mode (got {mode})")
            await apply_migrations(SqliteConnection(writer))
            reader = await connect(path)
        except BaseException:
            await writer.close()
            raise
        return cls(path, writer, reader)

    async def schema_version(self) -> int:
        return await database_version(self)

    async def close(self) -> None:
        async with self._write_lock:
            await self._reader.raw.close()
            await self._writer.raw.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """Writers are serialised in-process by a lock and across processes by BEGIN IMMEDIATE."""
        if in_transaction.get():
            raise RuntimeError("nested Database.transaction(): pass the connection down instead")
        async with self._write_lock:
            token = in_transaction.set(True)
            try:
                async with self._writer.begin():
                    yield self._writer
            finally:
                in_transaction.reset(token)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Connection]:
        yield self._reader
