"""Finding cases for staff: by number, claimant (Telegram id or @username), listing link,
rights holder or registration number; and the open cases a staff member holds."""

from __future__ import annotations

from typing import Any

from dialogs.model import Case, CaseStatus
from storage.cases import case_from_row
from storage.database import Database

OPEN = (CaseStatus.SUBMITTED.value, CaseStatus.IN_REVIEW.value, CaseStatus.INFO_REQUESTED.value)


SPACE, NOTHING = "' '", "''"


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class CaseSearch:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._d = db.dialect

    async def by_number(self, number: str, limit: int) -> list[Case]:
        return await self._select(f"WHERE {self._d.ci_equals('number', '?')}", (number,), limit)

    async def by_claimant(self, user_id: int, limit: int) -> list[Case]:
        return await self._select("WHERE user_id = ?", (user_id,), limit)

    async def by_username(self, username: str, limit: int) -> list[Case]:
        return await self._select(
            f"WHERE {self._d.ci_equals('claimant_username', '?')}", (username.lstrip("@"),), limit
        )

    async def by_link(self, canonical: str | None, raw: str, limit: int) -> list[Case]:
        """Cases naming the listing: the canonical link exactly, else the text as typed."""
        return await self._select(
            "WHERE id IN (SELECT case_id FROM case_links WHERE canonical_link = ?"
            f" OR canonical_link {self._d.like} ? ESCAPE '\\')",
            (canonical, _like(raw)),
            limit,
        )

    async def by_rights(self, text: str, limit: int) -> list[Case]:
        """The rights holder contains the text, or the registration number is it."""
        holder = self._d.json_text("data", "answers", "rights_holder")
        number = self._d.json_text("data", "answers", "rights_number")
        return await self._select(
            f"WHERE {holder} {self._d.like} ? ESCAPE '\\'"
            f" OR {self._d.ci_equals(f'replace({number}, {SPACE}, {NOTHING})', '?')}",
            (_like(text), text.replace(" ", "")),
            limit,
        )

    async def held_by(self, staff_id: int, limit: int) -> list[Case]:
        """Open cases assigned to this staff member, oldest first."""
        marks = ", ".join("?" * len(OPEN))
        return await self._select(
            f"WHERE assignee_id = ? AND status IN ({marks})", (staff_id, *OPEN), limit, "id"
        )

    async def _select(
        self, where: str, params: tuple[Any, ...], limit: int, order: str = "id DESC"
    ) -> list[Case]:
        async with self._db.read() as conn:
            rows = await conn.execute_fetchall(
                f"SELECT * FROM cases {where} ORDER BY {order} LIMIT ?", (*params, limit)
            )
        return [case_from_row(row) for row in rows]
