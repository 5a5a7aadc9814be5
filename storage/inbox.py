"""Telegram updates received but not yet handled. They are written here before Telegram is told
they were received, and removed once handled, so a crash in between loses none: the next start
handles what is left.

Each entry knows whose update it is (``user_id``; `NO_USER` when not known), so several
workers can take the inbox one user at a time (bot/cluster/): ``waiting_users`` and ``of_user``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from storage.database import Database, fetch_one, to_iso

NO_USER = 0  # entries whose sender is not known (or none): one queue, handled in order


class Inbox:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def put(
        self,
        updates: list[tuple[int, str]],
        *,
        now: datetime,
        users: Sequence[int | None] | None = None,
    ) -> None:
        """(update_id, JSON) pairs, in one transaction, with whose each is when known (`users`,
        one per pair); one already here is kept as it is."""
        owners = users if users is not None else [None] * len(updates)
        async with self._db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO inbox (update_id, payload, received_at, user_id) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (update_id) DO NOTHING",
                [
                    (update_id, payload, to_iso(now), NO_USER if user_id is None else user_id)
                    for (update_id, payload), user_id in zip(updates, owners, strict=True)
                ],
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

    async def waiting_users(self, *, skip: Collection[int] = (), limit: int = 100) -> list[int]:
        """Users with updates here, the one waiting longest first (`NO_USER` for updates
        without a sender); `skip`: users the caller holds already."""
        skipped = sorted(set(skip))
        clause = f" WHERE user_id NOT IN ({', '.join('?' for _ in skipped)})"
        async with self._db.read() as conn:
            rows = await conn.execute_fetchall(
                "SELECT user_id FROM inbox"
                + (clause if skipped else "")
                + " GROUP BY user_id ORDER BY min(update_id) LIMIT ?",
                (*skipped, limit),
            )
        return [int(row["user_id"]) for row in rows]

    async def of_user(self, user_id: int, *, limit: int = 20) -> list[tuple[int, str]]:
        """One user's updates (`NO_USER`: those without a sender), oldest first."""
        async with self._db.read() as conn:
            rows = await conn.execute_fetchall(
                "SELECT update_id, payload FROM inbox WHERE user_id = ? ORDER BY update_id LIMIT ?",
                (user_id, limit),
            )
        return [(row["update_id"], row["payload"]) for row in rows]
