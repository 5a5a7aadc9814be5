"""Submitted cases: numbering, the immutable draft snapshot, status, assignment and lookups.

Writes take the caller's connection so that a status change, its audit row and the outbox
messages it causes commit together. There is deliberately no API that rewrites ``data``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from dialogs.model import Case, CaseStatus, Draft
from storage.audit import AuditLog
from storage.database import Connection, Database, Row, fetch_one, from_iso, to_iso


class CaseNotFoundError(LookupError):
    pass


def case_number(case_id: int, submitted_at: datetime) -> str:
    return f"IP-{submitted_at.astimezone(UTC).year}-{case_id:06d}"


def _case(row: Row) -> Case:
    return Case(
        id=row["id"],
        number=row["number"],
        user_id=row["user_id"],
        chat_id=row["chat_id"],
        lang=row["lang"],
        status=CaseStatus(row["status"]),
        assignee_id=row["assignee_id"],
        assignee_name=row["assignee_name"],
        submitted_at=from_iso(row["submitted_at"]),
        draft=Draft.model_validate_json(row["data"]),
    )


case_from_row = _case  # for the stores that select cases by other criteria


class CaseStore:
    def __init__(self, db: Database, audit: AuditLog | None = None) -> None:
        self._db = db
        self._audit = audit or AuditLog(db)

    # -- writes (inside the caller's transaction) ------------------------------------------

    async def submit(self, conn: Connection, draft: Draft, *, now: datetime) -> Case:
        """Turn ``draft`` into a new case with the next number, its links, files and an audit row.

        The caller usually discards the draft and enqueues notifications in the same transaction.
        """
        submitted_at = to_iso(now)
        case_id = await conn.insert(
            "INSERT INTO cases (number, user_id, chat_id, lang, status, submitted_at, updated_at,"
            " data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                f"pending-{uuid4().hex}",  # placeholder until the id is known
                draft.user_id,
                draft.chat_id,
                draft.lang,
                CaseStatus.SUBMITTED.value,
                submitted_at,
                submitted_at,
                draft.model_dump_json(),
            ),
        )
        assert case_id is not None
        number = case_number(case_id, now)
        await conn.execute("UPDATE cases SET number = ? WHERE id = ?", (number, case_id))

        await conn.executemany(
            "INSERT INTO case_links (case_id, canonical_link) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [(case_id, link) for link in draft.links],
        )
        for f in draft.files:
            await conn.execute(
                "INSERT INTO files (sha256, size, mime, first_seen) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (sha256) DO NOTHING",
                (f.sha256, f.size, f.mime, to_iso(f.received_at)),
            )
            await conn.execute(
                "INSERT INTO case_files (case_id, sha256, section, name) VALUES (?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (case_id, f.sha256, f.section.value, f.name),
            )
        await self._audit.record(
            conn,
            case_id,
            actor_id=draft.user_id,
            actor_name=None,
            action="submitted",
            detail={"number": number, "draft_revision": draft.revision},
            at=now,
        )
        return await self._require(conn, case_id)

    async def set_status(
        self,
        conn: Connection,
        case_id: int,
        status: CaseStatus,
        *,
        actor_id: int | None,
        actor_name: str | None,
        action: str,
        detail: dict[str, Any] | None = None,
        now: datetime | None = None,
    ) -> Case:
        """Move the case to ``status`` and audit it (detail gains ``from``/``to``)."""
        before = await self._require(conn, case_id)
        at = now or datetime.now(UTC)
        await conn.execute(
            "UPDATE cases SET status = ?, updated_at = ? WHERE id = ?",
            (CaseStatus(status).value, to_iso(at), case_id),
        )
        await self._audit.record(
            conn,
            case_id,
            actor_id=actor_id,
            actor_name=actor_name,
            action=action,
            detail={"from": before.status.value, "to": CaseStatus(status).value, **(detail or {})},
            at=at,
        )
        return await self._require(conn, case_id)

    async def assign(
        self,
        conn: Connection,
        case_id: int,
        staff_id: int | None,
        staff_name: str | None,
        *,
        actor_id: int | None = None,
        actor_name: str | None = None,
        now: datetime | None = None,
    ) -> Case:
        """Set (or, with ``staff_id=None``, clear) the assignee; the actor defaults to them."""
        before = await self._require(conn, case_id)
        at = now or datetime.now(UTC)
        await conn.execute(
            "UPDATE cases SET assignee_id = ?, assignee_name = ?, updated_at = ? WHERE id = ?",
            (staff_id, staff_name if staff_id is not None else None, to_iso(at), case_id),
        )
        await self._audit.record(
            conn,
            case_id,
            actor_id=actor_id if actor_id is not None else staff_id,
            actor_name=actor_name if actor_id is not None else staff_name,
            action="assigned" if staff_id is not None else "unassigned",
            detail={
                "from": before.assignee_id,
                "from_name": before.assignee_name,
                "to": staff_id,
                "to_name": staff_name,
            },
            at=at,
        )
        return await self._require(conn, case_id)

    async def attach_file(
        self,
        conn: Connection,
        case_id: int,
        sha256: str,
        *,
        size: int,
        mime: str,
        section: str,
        name: str,
        now: datetime,
    ) -> None:
        """A file made for the case after submission (the seller notice), kept with it."""
        await conn.execute(
            "INSERT INTO files (sha256, size, mime, first_seen) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (sha256) DO NOTHING",
            (sha256, size, mime, to_iso(now)),
        )
        await conn.execute(
            "INSERT INTO case_files (case_id, sha256, section, name) VALUES (?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (case_id, sha256, section, name),
        )

    async def files_of(self, case_id: int, section: str) -> list[tuple[str, str]]:
        """(sha256, name) of the case's files in a section, as kept with the case."""
        async with self._db.read() as conn:
            rows = await conn.execute_fetchall(
                "SELECT sha256, name FROM case_files WHERE case_id = ? AND section = ?",
                (case_id, section),
            )
        return [(row["sha256"], row["name"]) for row in rows]

    async def set_claimant_username(
        self, conn: Connection, case_id: int, username: str | None
    ) -> None:
        """The claimant's Telegram @username when they filed (staff find cases by it)."""
        await conn.execute(
            "UPDATE cases SET claimant_username = ? WHERE id = ?", (username, case_id)
        )

    async def set_staff_message(
        self,
        conn: Connection,
        case_id: int,
        message_id: int,
        thread_id: int | None = None,
        *,
        caption: bool = False,
    ) -> None:
        """Remember where the case card was posted in the staff chat (a known topic is kept);
        `caption`: the card is the caption of the dossier PDF (edited as a caption)."""
        cur = await conn.execute(
            "UPDATE cases SET staff_message_id = ?,"
            " staff_thread_id = COALESCE(?, staff_thread_id), staff_card_caption = ?"
            " WHERE id = ?",
            (message_id, thread_id, int(caption), case_id),
        )
        if cur.rowcount != 1:
            raise CaseNotFoundError(case_id)

    async def set_staff_chat(self, conn: Connection, case_id: int, chat_id: int) -> None:
        """The staff group the case was routed to (its card, files and answers go there)."""
        cur = await conn.execute(
            "UPDATE cases SET staff_chat_id = ? WHERE id = ?", (chat_id, case_id)
        )
        if cur.rowcount != 1:
            raise CaseNotFoundError(case_id)

    async def staff_chat(self, case_id: int, *, conn: Connection | None = None) -> int | None:
        """The staff group recorded for the case (None for a case from before the record)."""
        if conn is not None:
            row = await fetch_one(conn, "SELECT staff_chat_id FROM cases WHERE id = ?", (case_id,))
        else:
            async with self._db.read() as reader:
                row = await fetch_one(
                    reader, "SELECT staff_chat_id FROM cases WHERE id = ?", (case_id,)
                )
        return None if row is None else row["staff_chat_id"]

    async def set_dossier_zip(self, conn: Connection, case_id: int, sha256: str) -> None:
        """The dossier ZIP composed for staff (sent by "📎 Files" when an album will not do)."""
        await conn.execute("UPDATE cases SET dossier_zip = ? WHERE id = ?", (sha256, case_id))

    async def dossier_zip(self, case_id: int) -> str | None:
        async with self._db.read() as conn:
            row = await fetch_one(conn, "SELECT dossier_zip FROM cases WHERE id = ?", (case_id,))
        return None if row is None else row["dossier_zip"]

    async def staff_card_is_caption(self, case_id: int) -> bool:
        """The case card is the caption of its dossier PDF (not a text message)."""
        async with self._db.read() as conn:
            row = await fetch_one(
                conn, "SELECT staff_card_caption FROM cases WHERE id = ?", (case_id,)
            )
        return bool(row and row["staff_card_caption"])

    async def set_staff_thread(self, conn: Connection, case_id: int, thread_id: int) -> None:
        """Remember the forum topic opened for the case in the staff group."""
        cur = await conn.execute(
            "UPDATE cases SET staff_thread_id = ? WHERE id = ?", (thread_id, case_id)
        )
        if cur.rowcount != 1:
            raise CaseNotFoundError(case_id)

    # -- reads -----------------------------------------------------------------------------

    async def get(self, case_id: int, *, conn: Connection | None = None) -> Case | None:
        """With ``conn`` (inside a transaction) the row is held until commit, so two staff
        actions on one case are decided one after the other on every backend."""
        lock = conn.dialect.for_update if conn is not None else ""
        rows = await self._select(f"WHERE id = ?{lock}", (case_id,), conn)
        return rows[0] if rows else None

    async def get_by_number(self, number: str) -> Case | None:
        rows = await self._select("WHERE number = ?", (number,))
        return rows[0] if rows else None

    async def get_by_staff_message(
        self, message_id: int, chat_id: int | None = None
    ) -> Case | None:
        """The case whose staff-chat card has this message id (for replies to the card); with
        `chat_id`, only a case of that staff group (or one from before groups were recorded)."""
        if chat_id is None:
            rows = await self._select("WHERE staff_message_id = ? ORDER BY id DESC", (message_id,))
        else:
            rows = await self._select(
                "WHERE staff_message_id = ? AND (staff_chat_id = ? OR staff_chat_id IS NULL)"
                " ORDER BY id DESC",
                (message_id, chat_id),
            )
        return rows[0] if rows else None

    async def staff_message(self, case_id: int) -> tuple[int, int | None] | None:
        """(message_id, thread_id) of the case card, or None if not posted yet."""
        async with self._db.read() as conn:
            row = await fetch_one(
                conn, "SELECT staff_message_id, staff_thread_id FROM cases WHERE id = ?", (case_id,)
            )
        if row is None or row["staff_message_id"] is None:
            return None
        return row["staff_message_id"], row["staff_thread_id"]

    async def claimant_username(self, case_id: int) -> str | None:
        """The claimant's Telegram @username when they filed, if they had one."""
        async with self._db.read() as conn:
            row = await fetch_one(
                conn, "SELECT claimant_username FROM cases WHERE id = ?", (case_id,)
            )
        return None if row is None else row["claimant_username"]

    async def staff_thread(self, case_id: int) -> int | None:
        """The case's forum topic in the staff group, once opened."""
        async with self._db.read() as conn:
            row = await fetch_one(
                conn, "SELECT staff_thread_id FROM cases WHERE id = ?", (case_id,)
            )
        return None if row is None else row["staff_thread_id"]

    async def list_for_user(self, user_id: int, *, limit: int = -1) -> list[Case]:
        """The user's cases, newest first (all of them, or the latest `limit`)."""
        if limit < 0:
            return await self._select("WHERE user_id = ? ORDER BY id DESC", (user_id,))
        return await self._select("WHERE user_id = ? ORDER BY id DESC LIMIT ?", (user_id, limit))

    async def cases_with_link(self, link: str, exclude_case_id: int | None = None) -> list[Case]:
        """Cases mentioning this canonical link (exact match; canonicalise before storing and
        before asking), oldest first."""
        return await self._select(
            "WHERE id IN (SELECT case_id FROM case_links WHERE canonical_link = ?)"
            f" AND id {self._db.dialect.is_distinct} ? ORDER BY id",
            (link, exclude_case_id),
        )

    async def claimant_record(
        self, user_id: int, *, exclude_case_id: int | None = None
    ) -> dict[CaseStatus, int]:
        """How this claimant's cases ended up: a count for every status (zeros included);
        without `exclude_case_id` (the case being looked at, say)."""
        async with self._db.read() as conn:
            rows = await conn.execute_fetchall(
                "SELECT status, count(*) AS n FROM cases WHERE user_id = ?"
                f" AND id {conn.dialect.is_distinct} ?"
                " GROUP BY status",
                (user_id, exclude_case_id),
            )
        counts = {CaseStatus(row["status"]): int(row["n"]) for row in rows}
        return {status: counts.get(status, 0) for status in CaseStatus}

    async def with_status(self, statuses: Iterable[CaseStatus]) -> list[Case]:
        """Cases in any of these statuses, oldest first."""
        values = [CaseStatus(s).value for s in statuses]
        marks = ", ".join("?" * len(values))
        return await self._select(f"WHERE status IN ({marks}) ORDER BY id", tuple(values))

    async def not_taken(self, submitted_before: datetime, *, without: str) -> list[Case]:
        """Cases nobody has acted on (still submitted) since before `submitted_before`, whose
        card is posted and whose audit trail has no `without` entry, oldest first."""
        return await self._select(
            "WHERE status = ? AND submitted_at <= ? AND staff_message_id IS NOT NULL"
            " AND NOT EXISTS (SELECT 1 FROM audit AS a WHERE a.case_id = cases.id"
            " AND a.action = ?) ORDER BY id",
            (CaseStatus.SUBMITTED.value, to_iso(submitted_before), without),
        )

    async def list_since(self, since: datetime) -> list[Case]:
        """Cases submitted at or after ``since``, oldest first."""
        return await self._select("WHERE submitted_at >= ? ORDER BY id", (to_iso(since),))

    # -- helpers ---------------------------------------------------------------------------

    async def _select(
        self,
        where: str,
        params: tuple[Any, ...],
        conn: Connection | None = None,
    ) -> list[Case]:
        sql = f"SELECT * FROM cases {where}"
        if conn is not None:
            rows = await conn.execute_fetchall(sql, params)
        else:
            async with self._db.read() as reader:
                rows = await reader.execute_fetchall(sql, params)
        return [_case(row) for row in rows]

    async def _require(self, conn: Connection, case_id: int) -> Case:
        case = await self.get(case_id, conn=conn)
        if case is None:
            raise CaseNotFoundError(case_id)
        return case
