"""Which claimant is adding evidence to which case, unasked, until they press "Finish"."""

from __future__ import annotations

from datetime import datetime

from storage.database import Connection, Database, fetch_one, to_iso


class EvidenceSessions:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def start(self, conn: Connection, user_id: int, case_id: int, at: datetime) -> None:
        await conn.execute(
            "INSERT INTO adding_evidence (user_id, case_id, since) VALUES (?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET case_id = excluded.case_id,"
            " since = excluded.since",
            (user_id, case_id, to_iso(at)),
        )

    async def case_of(self, user_id: int) -> int | None:
        """The case this claimant is adding evidence to now, if any."""
        async with self._db.read() as conn:
            row = await fetch_one(
                conn, "SELECT case_id FROM adding_evidence WHERE user_id = ?", (user_id,)
            )
        return None if row is None else int(row["case_id"])

    async def finish(self, conn: Connection, user_id: int) -> None:
        await conn.execute("DELETE FROM adding_evidence WHERE user_id = ?", (user_id,))
