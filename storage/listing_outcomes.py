"""What the marketplace reports happened to each listing of an accepted case (removed, restored
after the seller's counter-notice, not found), through the case API. Append-only: a report that
changes nothing is not kept; the claimant is told of the changes once (`told_at`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from storage.database import Connection, Database, from_iso, to_iso


class ListingOutcome(StrEnum):
    REMOVED = "removed"
    RESTORED = "restored"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Reported:
    listing: int  # 1-based, in the order of the complaint's links
    outcome: ListingOutcome
    at: datetime  # when it happened, as the marketplace says
    reported_by: str


class ListingOutcomes:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def current(self, case_id: int, *, conn: Connection | None = None) -> dict[int, Reported]:
        """The latest outcome of each listing reported on."""
        sql = "SELECT * FROM listing_outcomes WHERE case_id = ? ORDER BY id"
        if conn is not None:
            rows = await conn.execute_fetchall(sql, (case_id,))
        else:
            async with self._db.read() as reader:
                rows = await reader.execute_fetchall(sql, (case_id,))
        return {
            row["listing"]: Reported(
                row["listing"],
                ListingOutcome(row["outcome"]),
                from_iso(row["at"]),
                row["reported_by"],
            )
            for row in rows
        }

    async def report(
        self, conn: Connection, case_id: int, reported: Reported, *, now: datetime
    ) -> bool:
        """Inside the caller's transaction (the case row held): keep the report unless the
        listing already stands so; True if it changed something."""
        latest = await conn.fetch_one(
            "SELECT outcome FROM listing_outcomes WHERE case_id = ? AND listing = ?"
            " ORDER BY id DESC LIMIT 1",
            (case_id, reported.listing),
        )
        if latest is not None and latest["outcome"] == reported.outcome.value:
            return False
        await conn.insert(
            "INSERT INTO listing_outcomes (case_id, listing, outcome, at, reported_at,"
            " reported_by) VALUES (?, ?, ?, ?, ?, ?)",
            (
                case_id,
                reported.listing,
                reported.outcome.value,
                to_iso(reported.at),
                to_iso(now),
                reported.reported_by,
            ),
        )
        return True

    async def untold(self, reported_before: datetime) -> list[int]:
        """Cases with changes not yet told whose latest report is older than
        `reported_before` (reports arriving together are told together)."""
        async with self._db.read() as conn:
            rows = await conn.execute_fetchall(
                "SELECT case_id FROM listing_outcomes WHERE told_at IS NULL"
                " GROUP BY case_id HAVING max(reported_at) <= ? ORDER BY case_id",
                (to_iso(reported_before),),
            )
        return [row["case_id"] for row in rows]

    async def mark_told(self, conn: Connection, case_id: int, now: datetime) -> int:
        """Inside the caller's transaction: the changes told; how many there were."""
        result = await conn.execute(
            "UPDATE listing_outcomes SET told_at = ? WHERE case_id = ? AND told_at IS NULL",
            (to_iso(now), case_id),
        )
        return result.rowcount
