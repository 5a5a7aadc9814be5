"""Versioned schema migrations, one list for both backends, recorded in ``schema_migrations``.

The steps themselves are in :mod:`storage.migration_steps`; this is the runner. Each migration
runs in its own transaction together with its ``schema_migrations`` row, so a crash leaves the
database at a known version. Two workers starting at once migrate once: SQLite serialises them
with ``BEGIN IMMEDIATE``, PostgreSQL with an advisory lock (per schema). A database written by
newer code is refused rather than silently misread.

SQLite databases from before ``schema_migrations`` kept their version in ``PRAGMA user_version``:
on the first run it is carried into the table (and ``user_version`` is still kept in step, so an
older release keeps refusing a newer database).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from storage.backends.base import Connection, Database
from storage.migration_steps import MIGRATIONS, Migration

__all__ = [
    "MIGRATIONS",
    "Migration",
    "SchemaTooNewError",
    "apply_migrations",
    "database_version",
    "latest_version",
    "read_version",
    "split_statements",
]


class SchemaTooNewError(RuntimeError):
    """The database was migrated by a newer release than this code."""


def latest_version(migrations: tuple[Migration, ...] = MIGRATIONS) -> int:
    return migrations[-1].version if migrations else 0


def _check_sequence(migrations: tuple[Migration, ...]) -> None:
    expected = list(range(1, len(migrations) + 1))
    if [m.version for m in migrations] != expected:
        raise RuntimeError("migrations must be numbered 1, 2, 3, … without gaps")


_CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER PRIMARY KEY,
    description TEXT    NOT NULL,
    applied_at  TEXT    NOT NULL
)
"""


async def _has_table(conn: Connection) -> bool:
    if conn.dialect.name == "sqlite":
        sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    else:
        sql = (
            "SELECT 1 FROM pg_tables"
            " WHERE schemaname = current_schema() AND tablename = 'schema_migrations'"
        )
    return await conn.fetch_one(sql) is not None


async def _user_version(conn: Connection) -> int:
    row = await conn.fetch_one("PRAGMA user_version")
    return int(row[0]) if row else 0


async def read_version(conn: Connection) -> int:
    """The schema version: the highest recorded migration (or, on a SQLite database that
    predates the table, its ``user_version``)."""
    if await _has_table(conn):
        row = await conn.fetch_one("SELECT max(version) AS v FROM schema_migrations")
        return int(row["v"]) if row is not None and row["v"] is not None else 0
    return await _user_version(conn) if conn.dialect.name == "sqlite" else 0


async def database_version(db: Database) -> int:
    """:func:`read_version` on a connection of ``db``'s own."""
    async with db.read() as conn:
        return await read_version(conn)


async def _ensure_table(conn: Connection, migrations: tuple[Migration, ...]) -> None:
    """Inside the migration transaction: the table, and a legacy ``user_version`` carried in."""
    if await _has_table(conn):
        return
    legacy = await _user_version(conn) if conn.dialect.name == "sqlite" else 0
    await conn.execute(conn.dialect.ddl(_CREATE_TABLE))
    known = {m.version: m.description for m in migrations}
    now = datetime.now(UTC).isoformat(timespec="microseconds")
    await conn.executemany(
        "INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
        [(v, known.get(v, "recorded by PRAGMA user_version"), now) for v in range(1, legacy + 1)],
    )


@contextlib.asynccontextmanager
async def _migration_lock(conn: Connection) -> AsyncIterator[None]:
    """PostgreSQL: a session advisory lock per schema, so concurrent starters queue up (each
    migration is still its own transaction). SQLite: BEGIN IMMEDIATE already serialises."""
    if conn.dialect.name != "postgresql":
        yield
        return
    key = "SELECT hashtext('ip-intake-bot/migrations/' || current_schema()) AS k"
    row = await conn.fetch_one(key)
    assert row is not None
    await conn.execute("SELECT pg_advisory_lock(?)", (int(row["k"]),))
    try:
        yield
    finally:
        await conn.execute("SELECT pg_advisory_unlock(?)", (int(row["k"]),))


async def apply_migrations(conn: Connection, migrations: tuple[Migration, ...] = MIGRATIONS) -> int:
    """Bring the schema up to date; returns the final version. A no-op when already current.

    ``conn`` must not be inside a transaction (each migration opens its own).
    """
    _check_sequence(migrations)
    known = latest_version(migrations)
    async with _migration_lock(conn):
        while True:
            async with conn.begin():
                # Read under the lock: another process may have migrated in the meantime.
                current = await read_version(conn)
                if current > known:
                    raise SchemaTooNewError(
                        f"database schema version {current} is newer than this code supports"
                        f" ({known}); upgrade the bot instead of running an older release"
                        " against this data"
                    )
                if current == known:
                    return current
                await _ensure_table(conn, migrations)
                migration = migrations[current]  # versions are 1..n: the next one
                for statement in split_statements(migration.sql_for(conn)):
                    await conn.execute(statement)
                if migration.data is not None:
                    await migration.data(conn)
                await conn.execute(
                    "INSERT INTO schema_migrations (version, description, applied_at)"
                    " VALUES (?, ?, ?)",
                    (
                        migration.version,
                        migration.description,
                        datetime.now(UTC).isoformat(timespec="microseconds"),
                    ),
                )
                if conn.dialect.name == "sqlite":
                    await conn.execute(f"PRAGMA user_version = {int(migration.version)}")


def split_statements(script: str) -> list[str]:
    """Split a script into single statements (executescript() would commit our transaction)."""
    statements: list[str] = []
    buffer = ""
    for part in script.split(";"):
        buffer += part + ";"
        if sqlite3.complete_statement(buffer):
            if buffer.strip().rstrip(";").strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip().rstrip(";").strip():
        raise ValueError(f"incomplete SQL statement in migration: {buffer.strip()[:80]!r}")
    return statements
