"""What every store shares: the database seam (``Database``, ``Connection``; backends in
``storage/backends/``), the datetime codecs and private folders.

Datetimes are stored as fixed-width UTC ISO-8601 text on both backends (so they sort and compare
as strings, and one set of SQL serves both); TIMESTAMPTZ on PostgreSQL is a later refinement.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storage.backends import Connection, Database, Dialect, Result, Row
from storage.backends.sqlite import DB_FILENAME, PRIVATE_FILE_MODE

__all__ = [
    "DB_FILENAME",
    "PRIVATE_DIR_MODE",
    "PRIVATE_FILE_MODE",
    "Connection",
    "Database",
    "Dialect",
    "Result",
    "Row",
    "fetch_one",
    "from_iso",
    "opt_from_iso",
    "opt_iso",
    "private_dir",
    "to_iso",
]

# Names, emails and phones live here: only the bot's own user may read them.
PRIVATE_DIR_MODE = 0o700


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


async def fetch_one(conn: Connection, sql: str, params: Sequence[Any] = ()) -> Row | None:
    """First row of a query, with the statement fully consumed."""
    return await conn.fetch_one(sql, params)


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
