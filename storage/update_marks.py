"""The last Telegram update applied for each user, written with the change it caused.

Updates are confirmed to Telegram only after they are handled, so after a crash one may arrive
again; a user's updates are handled in order, so one number per user tells which already were.
"""

from __future__ import annotations

import aiosqlite

from storage.database import Database, fetch_one


class UpdateMarks:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def applied(self, user_id: int, update_id: int) -> bool:
        async with self._db.read() as conn:
            row = await fetch_one(
                conn, "SELECT update_id FROM update_marks WHERE user_id = ?", (user_id,)
            )
        return row is not None and row["update_id"] >= update_id

    async def mark(self, conn: aiosqlite.Connection, user_id: int, update_id: int) -> None:
        """Inside the transaction of the change the update made."""
        await conn.execute(
            "INSERT INTO update_marks (user_id, update_id) VALUES (?, ?) ON CONFLICT (user_id)"
            " DO UPDATE SET update_id = max(update_id, excluded.update_id)",
            (user_id, update_id),
        )
