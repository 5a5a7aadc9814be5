"""The SQLite connection pair, transactions and the datetime/JSON codecs every store shares.

One writer connection, guarded by an asyncio.Lock, runs every ``BEGIN IMMEDIATE`` transaction;
a second connection serves plain reads so that a reader never sees another task's uncommitted
writes (WAL gives it the last committed snapshot). Stores take an explicit connection for writes,
which is the seam a server database would plug into.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import os
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from storage.migrations import apply_migrations, read_version

DB_FILENAME = "intake.sqlite3"
BUSY_TIMEOUT_MS = 10_000
# Names, emails and phones live here: only the bot's own user may read them.
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
_SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")

# Set while the current task holds the writer; a nested `transaction()` would deadlock on the lock.
_in_transaction: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "storage_in_transaction", default=False
)


def to_iso(dt: datetime) -> str:
    """UTC, fixed width (microseconds always present) so stored strings sort chronologically."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"naive datetime refused (store only aware datetimes): {dt!r}")
    return dt.astimezone(UTC).isoformat(timespec="microseconds")


def from_iso(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


def opt_iso(dt: datetime | None) -> str | None:
    return None if dt is None else to_iso(dt)


def opt_from_iso(value: str | None) -> datetime | None:
    return None if value is None else from_iso(value)


async def fetch_one(
    conn: aiosqlite.Connection, sql: str, params: tuple[Any, ...] = ()
) -> aiosqlite.Row | None:
    """First row of a query, with the statement fully consumed.

    A half-read cursor keeps its read snapshot (and blocks WAL checkpoints) until it is garbage
    collected, so single-row reads go through fetchall instead of ``fetchone()``.
    """
    rows = list(await conn.execute_fetchall(sql, params))
    return rows[0] if rows else None


def private_dir(path: Path) -> Path:
    """Make ``path`` (and any missing parents) and leave it readable by its owner only."""
    path = Path(path)
    missing = []
    while not path.exists():
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=PRIVATE_DIR_MODE)
    target = missing[0] if missing else path
    os.chmod(target, PRIVATE_DIR_MODE)
    return target


def _private_database_file(path: Path) -> None:
    """The database created 0600 before SQLite opens it (its -wal and -shm take the same mode);
    an existing one, and its companions, tightened to 0600."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE)
    os.close(fd)
    for suffix in _SQLITE_COMPANIONS:
        with contextlib.suppress(FileNotFoundError):
            os.chmod(f"{path}{suffix}", PRIVATE_FILE_MODE)


async def _connect(path: Path) -> aiosqlite.Connection:
    # isolation_level=None: the sqlite3 module never opens transactions on its own;
    # `Database.transaction()` issues BEGIN IMMEDIATE / COMMIT / ROLLBACK explicitly.
    conn = await aiosqlite.connect(path, isolation_level=None)
    conn.row_factory = aiosqlite.Row
    await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    await conn.execute("PRAGMA foreign_keys = ON")
    # FULL: fsync the WAL on every commit, so an answer acknowledged to the user survives kill -9
    # and power loss, not just a process crash.
    await conn.execute("PRAGMA synchronous = FULL")
    return conn


async def _roll_back(conn: aiosqlite.Connection) -> None:
    """After any failure, cancellation included. A cancelled BEGIN or COMMIT still runs on
    aiosqlite's thread; the ROLLBACK queued behind it undoes what is open then, or finds
    nothing open (already committed, or never begun) — either way the connection is left
    outside a transaction, ready for the next writer. Shielded: a second cancel can't skip it."""
    with contextlib.suppress(sqlite3.OperationalError):
        await asyncio.shield(conn.execute("ROLLBACK"))


class Database:
    """Owns the SQLite file. Open with ``await Database.open(data_dir)``."""

    def __init__(self, path: Path, writer: aiosqlite.Connection, reader: aiosqlite.Connection):
        self.path = path
        self._writer = writer
        self._reader = reader
        self._write_lock: asyncio.Lock = asyncio.Lock()

    @classmethod
    async def open(cls, data_dir: Path) -> Database:
        data_dir = Path(data_dir)
        private_dir(data_dir)
        path = data_dir / DB_FILENAME
        _private_database_file(path)
        writer = await _connect(path)
        try:
            mode = await fetch_one(writer, "PRAGMA journal_mode = WAL")
            if mode is None or str(mode[0]).lower() != "wal":
                raise RuntimeError(f"could not switch {path} to WAL journal mode (got {mode})")
            await apply_migrations(writer)
            reader = await _connect(path)
        except BaseException:
            await writer.close()
            raise
        return cls(path, writer, reader)

    async def close(self) -> None:
        async with self._write_lock:
            await self._reader.close()
            await self._writer.close()

    async def schema_version(self) -> int:
        return await read_version(self._reader)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction: commit on success, roll back on any exception (incl. cancel).

        Writers are serialised in-process by a lock and across processes by BEGIN IMMEDIATE.
        Not re-entrant: pass the yielded connection down instead of nesting.
        """
        if _in_transaction.get():
            raise RuntimeError("nested Database.transaction(): pass the connection down instead")
        async with self._write_lock:
            token = _in_transaction.set(True)
            conn = self._writer
            try:
                try:
                    await conn.execute("BEGIN IMMEDIATE")
                    yield conn
                    await conn.execute("COMMIT")
                except BaseException:
                    await _roll_back(conn)
                    raise
            finally:
                _in_transaction.reset(token)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        """A connection for SELECTs; sees committed data only (not an open transaction's)."""
        yield self._reader
