from __future__ import annotations

import asyncio
import sqlite3
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite
import pytest

from storage import MIGRATIONS, Database, Migration, SchemaTooNewError
from storage.backends.base import POSTGRES
from storage.backends.sqlite import DB_FILENAME, SqliteConnection, SqliteDatabase
from storage.migrations import apply_migrations, latest_version, split_statements
from tests.backends import Backend

EXPECTED_TABLES = {
    "drafts",
    "cases",
    "case_links",
    "files",
    "case_files",
    "outbox",
    "audit",
    "case_messages",
    "pending_questions",
    "answering",
    "applied_updates",
    "inbox",
    "case_events",
    "adding_evidence",
    "api_keys",
    "api_idempotency",
    "listing_outcomes",
    "chat_migrations",
    "unreachable_chats",
}


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {name for (name,) in rows} - {"sqlite_sequence", "schema_migrations"}


async def test_open_creates_all_tables_and_pragmas(tmp_path: Path) -> None:
    db = await SqliteDatabase.open(tmp_path / "data")
    try:
        assert db.path == tmp_path / "data" / DB_FILENAME
        assert await db.schema_version() == latest_version() == len(MIGRATIONS)
        async with db.read() as conn:
            mode = await conn.fetch_one("PRAGMA journal_mode")
            fks = await conn.fetch_one("PRAGMA foreign_keys")
            sync = await conn.fetch_one("PRAGMA synchronous")
        assert mode is not None and mode[0] == "wal"
        assert fks is not None and fks[0] == 1
        assert sync is not None and sync[0] == 2  # FULL
    finally:
        await db.close()
    assert tables(db.path) == EXPECTED_TABLES


async def test_reopen_is_a_noop(tmp_path: Path) -> None:
    db = await SqliteDatabase.open(tmp_path)
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO files (sha256, size, mime, first_seen) VALUES (?, 1, 'x', 'now')",
            ("a" * 64,),
        )
    await db.close()

    db = await SqliteDatabase.open(tmp_path)
    try:
        assert await db.schema_version() == latest_version()
        async with db.read() as conn:
            rows = list(await conn.execute_fetchall("SELECT sha256 FROM files"))
        assert [r[0] for r in rows] == ["a" * 64]
    finally:
        await db.close()


async def test_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / DB_FILENAME
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {latest_version() + 1}")
    with pytest.raises(SchemaTooNewError, match="newer than this code supports"):
        await SqliteDatabase.open(tmp_path)
    with sqlite3.connect(path) as conn:  # and left untouched
        assert conn.execute("PRAGMA user_version").fetchone()[0] == latest_version() + 1
        assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


async def test_second_migration_applies_on_top_of_first(tmp_path: Path) -> None:
    path = tmp_path / DB_FILENAME
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        assert await apply_migrations(SqliteConnection(conn), MIGRATIONS[:1]) == 1
        async with conn.execute("SELECT name FROM sqlite_master WHERE type='table'") as cur:
            names = {row[0] async for row in cur}
        assert "cases" in names and "pending_questions" not in names
    finally:
        await conn.close()

    db = await SqliteDatabase.open(tmp_path)  # an "upgraded release" picks up the later migrations
    try:
        assert await db.schema_version() == latest_version()
    finally:
        await db.close()
    assert "pending_questions" in tables(path)


async def test_failing_migration_rolls_back_and_keeps_version(tmp_path: Path) -> None:
    broken = (*MIGRATIONS, Migration(len(MIGRATIONS) + 1, "broken", "CREATE TABLE x (a); NOPE;"))
    conn = await aiosqlite.connect(tmp_path / DB_FILENAME, isolation_level=None)
    try:
        with pytest.raises(sqlite3.OperationalError):
            await apply_migrations(SqliteConnection(conn), broken)
        async with conn.execute("PRAGMA user_version") as cur:
            assert (await cur.fetchone())[0] == len(MIGRATIONS)
        async with conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'x'") as cur:
            assert (await cur.fetchone())[0] == 0
        assert not conn.in_transaction
    finally:
        await conn.close()


async def test_migration_numbering_must_be_contiguous(tmp_path: Path) -> None:
    conn = await aiosqlite.connect(tmp_path / DB_FILENAME, isolation_level=None)
    try:
        with pytest.raises(RuntimeError, match="without gaps"):
            await apply_migrations(SqliteConnection(conn), (Migration(2, "skips one", "SELECT 1"),))
    finally:
        await conn.close()


def test_split_statements_respects_quotes_and_comments() -> None:
    sql = "-- a; comment\nCREATE TABLE t (a TEXT DEFAULT ';');\nINSERT INTO t VALUES ('x;y');\n"
    assert split_statements(sql) == [
        "-- a; comment\nCREATE TABLE t (a TEXT DEFAULT ';');",
        "INSERT INTO t VALUES ('x;y');",
    ]


# -- schema_migrations, both backends ---------------------------------------------------------


async def recorded(db: Database) -> list[int]:
    async with db.read() as conn:
        rows = await conn.execute_fetchall("SELECT version FROM schema_migrations ORDER BY version")
    return [int(r["version"]) for r in rows]


async def test_every_migration_is_recorded_once(backend: Backend) -> None:
    db = await backend.database()
    await db.close()
    db = await backend.database()  # a second start changes nothing
    try:
        assert await recorded(db) == list(range(1, latest_version() + 1))
        assert await db.schema_version() == latest_version()
    finally:
        await db.close()


async def test_workers_starting_at_once_migrate_once(backend: Backend) -> None:
    """Several processes' worth of connections open an empty database at the same moment."""
    dbs = await asyncio.gather(*(backend.database() for _ in range(4)))
    try:
        assert await recorded(dbs[0]) == list(range(1, latest_version() + 1))
        for db in dbs:
            assert await db.schema_version() == latest_version()
    finally:
        for db in dbs:
            await db.close()


async def test_newer_schema_is_refused_on_both_backends(backend: Backend) -> None:
    db = await backend.database()
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
            (latest_version() + 1, "from the future", "2030-01-01T00:00:00.000000+00:00"),
        )
    await db.close()
    with pytest.raises(SchemaTooNewError):
        await backend.database()


def test_postgres_gets_bigint_and_identity_columns() -> None:
    ddl = POSTGRES.ddl(MIGRATIONS[0].sql)
    assert "INTEGER" not in ddl
    assert "id               BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" in ddl
    assert "user_id     BIGINT PRIMARY KEY" in ddl


async def test_postgres_holds_supergroup_ids(backend: Backend) -> None:
    """Telegram ids beyond 32 bits (supergroups are -100…) round-trip on both backends."""
    s = await backend.storage()
    try:
        async with s.db.transaction() as conn:
            await s.outbox.enqueue(
                conn, chat_id=-1001234567890, method="sendMessage", payload={}, dedupe_key="big"
            )
            assert await s.updates.claim(conn, 5_000_000_000, 9_000_000_001)
        assert await s.updates.applied(5_000_000_000)
        async with s.db.read() as reader:
            row = await reader.fetch_one(
                "SELECT user_id FROM applied_updates WHERE update_id = ?", (5_000_000_000,)
            )
        assert row is not None and row["user_id"] == 9_000_000_001
        assert [i.chat_id for i in await s.outbox.due(datetime.now(UTC))] == [-1001234567890]
    finally:
        await s.close()


async def test_old_sqlite_database_upgrades(tmp_path: Path) -> None:
    """A database made by a release that kept its version in PRAGMA user_version only: its data
    stays, its version is carried into schema_migrations, the later migrations apply."""
    path = tmp_path / DB_FILENAME
    with sqlite3.connect(path) as conn:
        for migration in MIGRATIONS[:3]:
            for statement in split_statements(migration.sql):
                conn.execute(statement)
        conn.execute(
            "INSERT INTO drafts (user_id, data, revision, updated_at) VALUES (7, '{}', 4, 'x')"
        )
        conn.execute("PRAGMA user_version = 3")
    conn.close()

    db = await SqliteDatabase.open(tmp_path)
    try:
        assert await db.schema_version() == latest_version()
        assert await recorded(db) == list(range(1, latest_version() + 1))
        async with db.read() as reader:
            rows = await reader.execute_fetchall("SELECT description FROM schema_migrations")
            assert [r[0] for r in rows][:3] == [m.description for m in MIGRATIONS[:3]]
            row = await reader.fetch_one("SELECT revision FROM drafts WHERE user_id = 7")
            assert row is not None and row["revision"] == 4
            version = await reader.fetch_one("PRAGMA user_version")
            assert version is not None and version[0] == latest_version()
    finally:
        await db.close()
    # migration 4 made update_marks, migration 9 replaced it with the set of applied updates
    assert "applied_updates" in tables(path) and "inbox" in tables(path)
    assert "update_marks" not in tables(path)


_WORKER = """
import asyncio, sys, time
from pathlib import Path
from tests.backends import Backend

async def main() -> None:
    name, data_dir, schema, start = sys.argv[1:5]
    await asyncio.sleep(max(0.0, float(start) - time.time()))
    db = await Backend(name, Path(data_dir), schema=schema or None).database()
    print(await db.schema_version())
    await db.close()

asyncio.run(main())
"""


async def test_two_processes_starting_at_once_migrate_once(backend: Backend) -> None:
    """Two worker processes open the empty database at the same moment: both start, the
    migrations are applied and recorded once."""
    start = time.time() + 2.0  # both interpreters are up by then
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _WORKER,
            backend.name,
            str(backend.data_dir),
            backend.schema or "",
            str(start),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=Path(__file__).resolve().parents[2],
        )
        for _ in range(2)
    ]
    outputs = [await proc.communicate() for proc in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err.decode()
        assert out.decode().strip() == str(latest_version())
    db = await backend.database()
    try:
        assert await recorded(db) == list(range(1, latest_version() + 1))
    finally:
        await db.close()
