"""`/readyz` in a cluster: the sender (and, with long polling, the poller) lease is held by some
worker right now. The leases are PostgreSQL session locks (`bot.cluster.session`), so
`pg_locks` shows whether anybody holds one, without taking it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.cluster.session import lock_key
from bot.telemetry.health import HEALTH, READY
from storage.backends.base import Database

# An advisory lock on a bigint key shows in pg_locks as classid (high half) and objid (low).
HELD = (
    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
    " AND objsubid = 1 AND ((classid::int8 << 32) | objid::int8)"
    " = hashtextextended(?, 0))"
)


async def lease_held(db: Database, name: str) -> bool:
    async with db.read() as conn:
        schema = (await conn.execute_fetchall("SELECT current_schema()"))[0][0]
        rows = await conn.execute_fetchall(HELD, (lock_key(str(schema), name),))
    return bool(rows[0][0])


@asynccontextmanager
async def leases_checked(db: Database, names: list[str]) -> AsyncIterator[None]:
    """While the block runs, `/readyz` fails when nobody holds one of `names`."""

    async def check() -> str | None:
        free = [name for name in names if not await lease_held(db, name)]
        return f"no worker holds {', '.join(free)}" if free else None

    remove = HEALTH.add("leases", check, probe=READY)
    try:
        yield
    finally:
        remove()
