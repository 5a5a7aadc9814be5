"""Case events for the outgoing webhook: written in the transaction of the change they report,
delivered afterwards in order per case, each until it is acknowledged
(`bot.api.webhook_delivery`)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from pydantic_core import to_json

from dialogs.model import Case, utcnow
from storage.database import Connection, Database, Row, from_iso, opt_from_iso, to_iso

# The version of the event body's shape: raised when a field changes meaning or goes away
# (added fields do not raise it). Each type's JSON Schema is in the API's OpenAPI document.
SCHEMA_VERSION = 1


def event_type(kind: str) -> str:
    """The event's `type`, as Standard Webhooks name them: `case.taken`, `case.decision`, …"""
    return f"case.{kind}"


class CaseEvent(BaseModel):
    id: int
    case_id: int
    kind: str
    data: dict[str, Any]
    created_at: datetime
    attempts: int
    delivered_at: datetime | None = None

    def body(self) -> bytes:
        """The JSON delivered: the same bytes on every attempt (the signature is over them)."""
        document = {
            "type": event_type(self.kind),
            "schema_version": SCHEMA_VERSION,
            "event_id": self.id,
            "kind": self.kind,
            "case_id": self.case_id,
            "at": to_iso(self.created_at),
            **self.data,
        }
        return json.dumps(document, ensure_ascii=False, sort_keys=True).encode()


def _filer(case: Case) -> dict[str, str | None]:
    """Who filed: the right holder, a representative, or a licensee and its licence."""
    answers = case.draft.answers
    role = answers.get("role")
    return {"role": role, "licence": answers.get("licence_kind") if role == "licensee" else None}


def _event(row: Row) -> CaseEvent:
    return CaseEvent(
        id=row["id"],
        case_id=row["case_id"],
        kind=row["kind"],
        data=json.loads(row["data"]),
        created_at=from_iso(row["created_at"]),
        attempts=row["attempts"],
        delivered_at=opt_from_iso(row["delivered_at"]),
    )


class CaseEvents:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(
        self,
        conn: Connection,
        case: Case,
        kind: str,
        data: dict[str, Any] | None = None,
        *,
        at: datetime | None = None,
    ) -> int:
        """Inside the caller's transaction: the event of a change, with the case as it now is."""
        document = {
            "case_number": case.number,
            "status": case.status.value,
            "assignee": case.assignee_name,
            "filer": _filer(case),
            "data": data or {},
        }
        new_id = await conn.insert(
            "INSERT INTO case_events (case_id, kind, data, created_at) VALUES (?, ?, ?, ?)",
            (case.id, kind, to_json(document).decode(), to_iso(at or utcnow())),
        )
        assert new_id is not None
        return new_id

    async def due(self, now: datetime, limit: int = 20) -> list[CaseEvent]:
        """The oldest undelivered event of each case, if its next attempt is due: a case's later
        events wait for the earlier ones."""
        async with self._db.read() as conn:
            rows = await conn.execute_fetchall(
                "SELECT e.* FROM case_events e WHERE e.delivered_at IS NULL"
                " AND e.id = (SELECT min(id) FROM case_events p"
                "             WHERE p.case_id = e.case_id AND p.delivered_at IS NULL)"
                " AND (e.next_attempt_at IS NULL OR e.next_attempt_at <= ?)"
                " ORDER BY e.id LIMIT ?",
                (to_iso(now), limit),
            )
        return [_event(row) for row in rows]

    async def next_attempt_at(self) -> datetime | None:
        """When the earliest undelivered event may be tried again (None: nothing pending)."""
        async with self._db.read() as conn:
            rows = list(
                await conn.execute_fetchall(
                    "SELECT min(coalesce(next_attempt_at, created_at)) AS at FROM case_events"
                    " WHERE delivered_at IS NULL"
                )
            )
        return opt_from_iso(rows[0]["at"]) if rows else None

    async def delivered(self, event_id: int, at: datetime) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE case_events SET delivered_at = ?, attempts = attempts + 1,"
                " last_error = NULL WHERE id = ?",
                (to_iso(at), event_id),
            )

    async def failed(self, event_id: int, error: str, retry_at: datetime) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE case_events SET attempts = attempts + 1, last_error = ?,"
                " next_attempt_at = ? WHERE id = ?",
                (error[:500], to_iso(retry_at), event_id),
            )

    async def after(self, event_id: int, limit: int, *, settled: datetime) -> list[CaseEvent]:
        """The events after `event_id`, oldest first (the events feed). A gap in the ids may be
        a transaction not yet committed (PostgreSQL hands out ids before commit): the page
        stops before an event that follows a gap and was recorded after `settled`, so a reader
        never steps over an event committed a moment later."""
        async with self._db.read() as conn:
            rows = await conn.execute_fetchall(
                "SELECT * FROM case_events WHERE id > ? ORDER BY id LIMIT ?", (event_id, limit)
            )
        events: list[CaseEvent] = []
        previous = event_id
        for event in map(_event, rows):
            if event.id != previous + 1 and event.created_at > settled:
                break
            events.append(event)
            previous = event.id
        return events

    async def for_case(self, case_id: int) -> list[CaseEvent]:
        async with self._db.read() as conn:
            rows = await conn.execute_fetchall(
                "SELECT * FROM case_events WHERE case_id = ? ORDER BY id", (case_id,)
            )
        return [_event(row) for row in rows]
