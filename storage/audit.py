"""Append-only audit trail: who did what to which case, and when."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from pydantic_core import to_json

from dialogs.model import utcnow
from storage.database import Connection, Database, from_iso, to_iso


class AuditEntry(BaseModel):
    id: int
    case_id: int | None
    actor_id: int | None
    actor_name: str | None
    action: str
    detail: dict[str, Any]
    at: datetime


class AuditLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(
        self,
        conn: Connection,
        case_id: int | None,
        *,
        actor_id: int | None,
        actor_name: str | None,
        action: str,
        detail: dict[str, Any] | None = None,
        at: datetime | None = None,
    ) -> int:
        """Append one entry inside the caller's transaction; returns its id.

        ``detail`` is encoded with pydantic (datetimes, enums and models are fine).
        """
        new_id = await conn.insert(
            "INSERT INTO audit (case_id, actor_id, actor_name, action, detail, at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                case_id,
                actor_id,
                actor_name,
                action,
                to_json(detail or {}).decode(),
                to_iso(at or utcnow()),
            ),
        )
        assert new_id is not None
        return new_id

    async def has_key(self, conn: Connection, case_id: int, action: str, key: str) -> bool:
        """Whether an entry of this action already carries `detail.key` (a message handled
        once already, delivered again)."""
        rows = list(
            await conn.execute_fetchall(
                "SELECT 1 FROM audit WHERE case_id = ? AND action = ?"
                f" AND {conn.dialect.json_text('detail', 'key')} = ? LIMIT 1",
                (case_id, action, key),
            )
        )
        return bool(rows)

    async def has_action(self, conn: Connection, case_id: int, action: str) -> bool:
        """Whether the case has an entry of this action (a reminder posted, say)."""
        rows = list(
            await conn.execute_fetchall(
                "SELECT 1 FROM audit WHERE case_id = ? AND action = ? LIMIT 1", (case_id, action)
            )
        )
        return bool(rows)

    async def for_case(self, case_id: int, *, conn: Connection | None = None) -> list[AuditEntry]:
        """Entries for one case, oldest first (insertion order breaks timestamp ties); with
        `conn`, as a transaction in progress sees them."""
        sql = "SELECT * FROM audit WHERE case_id = ? ORDER BY at, id"
        if conn is not None:
            rows = await conn.execute_fetchall(sql, (case_id,))
        else:
            async with self._db.read() as reader:
                rows = await reader.execute_fetchall(sql, (case_id,))
        return [
            AuditEntry(
                id=row["id"],
                case_id=row["case_id"],
                actor_id=row["actor_id"],
                actor_name=row["actor_name"],
                action=row["action"],
                detail=json.loads(row["detail"]),
                at=from_iso(row["at"]),
            )
            for row in rows
        ]
