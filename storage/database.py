"""What every store shares: the database seam (``Database``, ``Connection``: the contract in
:mod:`storage.backends.base`) and the datetime codecs.

Datetimes are stored as fixed-width UTC ISO-8601 text on both backends (so they sort and compare
as strings, and one set of SQL serves both); TIMESTAMPTZ on PostgreSQL is a later refinement.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from storage.backends.base import Connection, Database, Dialect, Result, Row

__all__ = [
    "Connection",
    "Database",
    "Dialect",
    "Result",
    "Row",
    "fetch_one",
    "from_iso",
    "opt_from_iso",
    "opt_iso",
    "to_iso",
]


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
