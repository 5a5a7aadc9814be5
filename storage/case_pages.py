"""Cases a page at a time for the case API, filtered, in the order they were filed: a keyset
(submitted_at, id) marks where a page ended, so a page never repeats or skips a case while
others are filed or change status between the requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dialogs.model import Case, CaseStatus
from storage.cases import case_from_row
from storage.database import Database, from_iso, to_iso


@dataclass(frozen=True)
class CaseFilter:
    status: CaseStatus | None = None
    right_type: str | None = None
    since: datetime | None = None  # filed at or after
    user_id: int | None = None
    username: str | None = None  # the claimant's @username when they filed (any case)
    link: str | None = None  # a canonical listing link the complaint names


Position = tuple[datetime, int]  # (submitted_at, id) of the last case of a page


class CasePages:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def page(
        self, where: CaseFilter, *, after: Position | None, limit: int
    ) -> tuple[list[Case], Position | None]:
        """Up to `limit` cases after `after`, and where the next page starts (None: no more)."""
        clauses: list[str] = []
        params: list[Any] = []
        async with self._db.read() as conn:
            dialect = conn.dialect
            if where.status is not None:
                clauses.append("status = ?")
                params.append(where.status.value)
            if where.right_type is not None:
                clauses.append(f"{dialect.json_text('data', 'answers', 'right_type')} = ?")
                params.append(where.right_type)
            if where.since is not None:
                clauses.append("submitted_at >= ?")
                params.append(to_iso(where.since))
            if where.user_id is not None:
                clauses.append("user_id = ?")
                params.append(where.user_id)
            if where.username is not None:
                clauses.append(dialect.ci_equals("claimant_username", "?"))
                params.append(where.username)
            if where.link is not None:
                clauses.append("id IN (SELECT case_id FROM case_links WHERE canonical_link = ?)")
                params.append(where.link)
            if after is not None:
                clauses.append("(submitted_at > ? OR (submitted_at = ? AND id > ?))")
                params += [to_iso(after[0]), to_iso(after[0]), after[1]]
            sql = "SELECT * FROM cases"
            if clauses:
                sql += " WHERE " + " AND ".join(clauses)
            sql += " ORDER BY submitted_at, id LIMIT ?"
            rows = await conn.execute_fetchall(sql, (*params, limit + 1))
        cases = [case_from_row(row) for row in rows[:limit]]
        more = len(rows) > limit
        last = rows[limit - 1] if more else None
        return cases, (from_iso(last["submitted_at"]), last["id"]) if last is not None else None
