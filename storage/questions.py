"""The conversation between staff and a claimant about a submitted case: questions staff ask,
which claimant is answering which question, and every message exchanged (kept with the case)."""

from __future__ import annotations

import json
from datetime import datetime

from pydantic import BaseModel

from dialogs.model import StoredFile
from storage.database import Connection, Database, Row, fetch_one, from_iso, opt_from_iso, to_iso


class Question(BaseModel):
    id: int
    case_id: int
    staff_id: int
    question: str
    asked_at: datetime
    answered_at: datetime | None = None


class CaseMessage(BaseModel):
    id: int
    case_id: int
    direction: str  # "staff" | "claimant"
    author_id: int | None
    text: str
    files: list[StoredFile]
    at: datetime


def _question(row: Row) -> Question:
    return Question(
        id=row["id"],
        case_id=row["case_id"],
        staff_id=row["staff_id"],
        question=row["question"],
        asked_at=from_iso(row["asked_at"]),
        answered_at=opt_from_iso(row["answered_at"]),
    )


class QuestionStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def ask(
        self, conn: Connection, case_id: int, staff_id: int, question: str, at: datetime
    ) -> Question:
        question_id = await conn.insert(
            "INSERT INTO pending_questions (case_id, staff_id, question, asked_at)"
            " VALUES (?, ?, ?, ?)",
            (case_id, staff_id, question, to_iso(at)),
        )
        await self.add_message(conn, case_id, "staff", staff_id, question, [], at)
        assert question_id is not None
        row = await fetch_one(conn, "SELECT * FROM pending_questions WHERE id = ?", (question_id,))
        assert row is not None
        return _question(row)

    async def get(self, question_id: int) -> Question | None:
        async with self._db.read() as conn:
            row = await fetch_one(
                conn, "SELECT * FROM pending_questions WHERE id = ?", (question_id,)
            )
        return _question(row) if row else None

    async def start_answering(
        self, conn: Connection, user_id: int, question_id: int, at: datetime
    ) -> None:
        await conn.execute(
            "INSERT INTO answering (user_id, question_id, since) VALUES (?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET question_id = excluded.question_id,"
            " since = excluded.since",
            (user_id, question_id, to_iso(at)),
        )

    async def answering(self, user_id: int) -> Question | None:
        """The question this claimant is answering now, if any."""
        async with self._db.read() as conn:
            row = await fetch_one(
                conn,
                "SELECT q.* FROM answering a JOIN pending_questions q ON q.id = a.question_id"
                " WHERE a.user_id = ?",
                (user_id,),
            )
        return _question(row) if row else None

    async def stop_answering(self, conn: Connection, user_id: int) -> None:
        """The claimant is no longer answering (the case was withdrawn, say)."""
        await conn.execute("DELETE FROM answering WHERE user_id = ?", (user_id,))

    async def finish(self, conn: Connection, user_id: int, question_id: int, at: datetime) -> None:
        await conn.execute("DELETE FROM answering WHERE user_id = ?", (user_id,))
        await conn.execute(
            "UPDATE pending_questions SET answered_at = ? WHERE id = ? AND answered_at IS NULL",
            (to_iso(at), question_id),
        )

    async def add_message(
        self,
        conn: Connection,
        case_id: int,
        direction: str,
        author_id: int | None,
        text: str,
        files: list[StoredFile],
        at: datetime,
    ) -> None:
        await conn.execute(
            "INSERT INTO case_messages (case_id, direction, author_id, text, files, at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                case_id,
                direction,
                author_id,
                text,
                json.dumps([f.model_dump(mode="json") for f in files]),
                to_iso(at),
            ),
        )

    async def messages(self, case_id: int) -> list[CaseMessage]:
        async with self._db.read() as conn:
            rows = await conn.execute_fetchall(
                "SELECT * FROM case_messages WHERE case_id = ? ORDER BY id", (case_id,)
            )
        return [
            CaseMessage(
                id=row["id"],
                case_id=row["case_id"],
                direction=row["direction"],
                author_id=row["author_id"],
                text=row["text"],
                files=[StoredFile.model_validate(f) for f in json.loads(row["files"])],
                at=from_iso(row["at"]),
            )
            for row in rows
        ]
