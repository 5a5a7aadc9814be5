"""The Telegram updates applied, each marked in the transaction of the change it caused.

Updates are confirmed to Telegram only after they are handled, so after a crash one may arrive
again; Telegram may also deliver one twice, or (webhooks) an older one after a newer one. So
this is a set of update ids, not a high-water mark: an older update not in it is still applied.
Ids older than Telegram keeps updates for (24 h) are pruned.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from dialogs.model import utcnow
from storage.database import Connection, Database, fetch_one, to_iso

KEEP = timedelta(days=2)  # Telegram keeps an unconfirmed update for 24 hours


class UpdateMarks:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def applied(self, update_id: int, *, conn: Connection | None = None) -> bool:
        if conn is not None:
            row = await fetch_one(
                conn, "SELECT 1 FROM applied_updates WHERE update_id = ?", (update_id,)
            )
            return row is not None
        async with self._db.read() as reader:
            return await self.applied(update_id, conn=reader)

    async def claim(
        self,
        conn: Connection,
        update_id: int,
        user_id: int | None = None,
        *,
        now: datetime | None = None,
    ) -> bool:
        """Inside the transaction of the change the update makes: mark it applied, and take it
        out of the inbox. False when it was applied already (the caller then changes
        nothing)."""
        cur = await conn.execute(
            "INSERT INTO applied_updates (update_id, user_id, applied_at) VALUES (?, ?, ?)"
            " ON CONFLICT (update_id) DO NOTHING",
            (update_id, user_id, to_iso(now or utcnow())),
        )
        # Handled: out of the inbox in the same commit (one fsync'd commit per update).
        await conn.execute("DELETE FROM inbox WHERE update_id = ?", (update_id,))
        return cur.rowcount == 1

    async def prune(self, *, now: datetime | None = None, keep: timedelta = KEEP) -> int:
        """Forget the marks of updates Telegram can no longer deliver again."""
        async with self._db.transaction() as conn:
            cur = await conn.execute(
                "DELETE FROM applied_updates WHERE applied_at < ?",
                (to_iso((now or utcnow()) - keep),),
            )
        return cur.rowcount
