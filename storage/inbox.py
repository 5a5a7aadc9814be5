"""Telegram updates received but not yet handled. They are written here before Telegram is told
they were received, and removed once handled, so a crash in between loses none: the next start
handles what is left."""

from __future__ import annotations

from datetime import datetime

from storage.database import Database, fetch_one, to_iso


class Inbox:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def put(self, updates: list[tuple[int, str]], *, now: datetime) -> None:
        """(update_id, JSON) pairs, in one transaction; one already here is kept as it is."""
        async with self._db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)"
                " ON CONFLICT (update_id) DO NOTHING",
                [(update_id, payload, to_iso(now)) for update_id, payload in updates],
            )

    async def done(self, update_id: int) -> None:
        """Handled. Most updates left the inbox already, in the transaction of their change
        (`UpdateMarks.claim`): then this only reads, and commits nothing."""
        async with self._db.read() as conn:
            row = await fetch_one(conn, "SELECT 1 FROM inbox WHERE update_id = ?", (update_id,))
        if row is None:
            return
        async with self._db.transaction() as conn:
            await conn.execute("DELETE FROM inbox WHERE update_id = ?", (update_id,))

    async def pending(self) -> list[tuple[int, str]]:
        """Left over from a run that stopped before handling them, oldest first."""
        async with self._db.read() as conn:
            rows = await conn.execute_fetchall(
                "SELECT update_id, payload FROM inbox ORDER BY update_id"
            )
        return [(row["update_id"], row["payload"]) for row in rows]
