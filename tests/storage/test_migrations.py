from __future__ import annotations

import sqlite3
from pathlib import Path

import aiosqlite
import pytest

from storage import MIGRATIONS, Database, Migration, SchemaTooNewError
from storage.database import DB_FILENAME
from storage.migrations import apply_migrations, latest_version, split_statements

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
}


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {name for (name,) in rows} - {"sqlite_sequence"}


async def test_open_creates_all_tables_and_pragmas(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "data")
    try:
        assert db.path == tmp_path / "data" / DB_FILENAME
        assert await db.schema_version() == latest_version() == len(MIGRATIONS)
        async with db.read() as conn:
            mode = await (await conn.execute("PRAGMA journal_mode")).fetchone()
            fks = await (await conn.execute("PRAGMA foreign_keys")).fetchone()
            sync = await (await conn.execute("PRAGMA synchronous")).fetchone()
        assert mode is not None and mode[0] == "wal"
        assert fks is not None and fks[0] == 1
        assert sync is not None and sync[0] == 2  # FULL
    finally:
        await db.close()
    assert tables(db.path) == EXPECTED_TABLES


async def test_reopen_is_a_noop(tmp_path: Path) -> None:
    db = await Database.open(tmp_path)
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO files (sha256, size, mime, first_seen) VALUES (?, 1, 'x', 'now')",
            ("a" * 64,),
        )
    await db.close()

    db = await Database.open(tmp_path)
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
        await Database.open(tmp_path)
    with sqlite3.connect(path) as conn:  # and left untouched
        assert conn.execute("PRAGMA user_version").fetchone()[0] == latest_version() + 1
        assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


async def test_second_migration_applies_on_top_of_first(tmp_path: Path) -> None:
    path = tmp_path / DB_FILENAME
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        assert await apply_migrations(conn, MIGRATIONS[:1]) == 1
        async with conn.execute("SELECT name FROM sqlite_master WHERE type='table'") as cur:
            names = {row[0] async for row in cur}
        assert "cases" in names and "pending_questions" not in names
    finally:
        await conn.close()

    db = await Database.open(tmp_path)  # an "upgraded release" picks up the later migrations
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
            await apply_migrations(conn, broken)
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
            await apply_migrations(conn, (Migration(2, "skips one", "SELECT 1"),))
    finally:
        await conn.close()


def test_split_statements_respects_quotes_and_comments() -> None:
    sql = "-- a; comment\nCREATE TABLE t (a TEXT DEFAULT ';');\nINSERT INTO t VALUES ('x;y');\n"
    assert split_statements(sql) == [
        "-- a; comment\nCREATE TABLE t (a TEXT DEFAULT ';');",
        "INSERT INTO t VALUES ('x;y');",
    ]
