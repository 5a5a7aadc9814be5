"""Figures for a period, as a transparency report needs them: cases by status, and how long
staff took to first act on a case and to decide it (medians)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from dialogs.model import CaseStatus
from storage.database import Database, from_iso, to_iso

DECISIONS = ("accepted", "rejected")
NOT_STAFF = (
    "submitted",
    "answered",
    "answer-finished",
    "evidence-added",
    "evidence-finished",
    "withdrawn",
)


@dataclass(frozen=True)
class PeriodStats:
    since: datetime
    by_status: dict[CaseStatus, int]
    to_first_action: timedelta | None  # median over the cases staff acted on
    acted_on: int
    to_decision: timedelta | None  # median over the cases decided
    decided: int

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def _median(spans: list[timedelta]) -> timedelta | None:
    if not spans:
        return None
    return timedelta(seconds=statistics.median(s.total_seconds() for s in spans))


class CaseStats:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def since(self, since: datetime) -> PeriodStats:
        """Cases submitted at or after `since`."""
        not_staff = ", ".join("?" * len(NOT_STAFF))
        decisions = ", ".join("?" * len(DECISIONS))
        async with self._db.read() as conn:
            rows = await conn.execute_fetchall(
                "SELECT c.status, c.submitted_at,"
                " (SELECT min(a.at) FROM audit a WHERE a.case_id = c.id"
                f"  AND a.action NOT IN ({not_staff}) AND a.actor_id IS NOT NULL"
                f"  AND a.actor_id {conn.dialect.is_distinct} c.user_id) AS first,"
                " (SELECT min(a.at) FROM audit a WHERE a.case_id = c.id"
                f"  AND a.action IN ({decisions})) AS decided"
                " FROM cases c WHERE c.submitted_at >= ?",
                (*NOT_STAFF, *DECISIONS, to_iso(since)),
            )
        counts = dict.fromkeys(CaseStatus, 0)
        first: list[timedelta] = []
        decided: list[timedelta] = []
        for row in rows:
            counts[CaseStatus(row["status"])] += 1
            submitted = from_iso(row["submitted_at"])
            if row["first"]:
                first.append(from_iso(row["first"]) - submitted)
            if row["decided"]:
                decided.append(from_iso(row["decided"]) - submitted)
        return PeriodStats(
            since, counts, _median(first), len(first), _median(decided), len(decided)
        )
