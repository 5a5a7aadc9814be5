"""Opening a database from ``DATABASE_URL``: the one place that knows every backend."""

from __future__ import annotations

from pathlib import Path

from storage.backends.base import Database
from storage.backends.postgres import PostgresDatabase
from storage.backends.sqlite import SqliteDatabase


async def open_database(url: str | None, data_dir: Path) -> Database:
    """``sqlite:///path/to/file.sqlite3`` (or nothing: SQLite in ``data_dir``) or
    ``postgresql://user@host:port/dbname``."""
    if not url:
        return await SqliteDatabase.open(data_dir)
    scheme = url.split(":", 1)[0].lower()
    if scheme == "sqlite":
        path = url.split(":", 1)[1].removeprefix("//")
        return await (
            SqliteDatabase.open_file(Path(path)) if path else SqliteDatabase.open(data_dir)
        )
    if scheme in ("postgres", "postgresql"):
        return await PostgresDatabase.connect(url)
    raise ValueError(f"unsupported DATABASE_URL scheme {scheme!r} (sqlite or postgresql)")
