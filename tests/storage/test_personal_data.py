"""Erasure's SQL (storage/personal_data.py) on both database backends."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from dialogs.model import Draft, FileSection, StoredFile
from storage import personal_data as pd
from tests.backends import Backend

NOW = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
SHA = "b" * 64


async def test_anonymise_a_case_and_forget_its_claimant(backend: Backend) -> None:
    s = await backend.storage()
    try:
        stored = StoredFile(
            sha256=SHA,
            name="passport.pdf",
            mime="application/pdf",
            size=10,
            section=FileSection.AUTHORITY_DOCS,
            telegram_file_id="AgAD",
            received_at=NOW,
        )
        async with s.db.transaction() as conn:
            case = await s.cases.submit(
                conn, Draft(user_id=21, chat_id=21, files=[stored]), now=NOW
            )
            await s.questions.add_message(conn, case.id, "claimant", 21, "my answer", [stored], NOW)
            await s.audit.record(
                conn,
                case.id,
                actor_id=21,
                actor_name=None,
                action="answered",
                detail={"text": "my answer", "key": "m1"},
            )
            await s.drafts.save(Draft(user_id=21, chat_id=21), conn=conn)
            assert await pd.case_file_refs(conn, case.id) == {SHA}
            assert await pd.anonymise_case(conn, case.id, NOW) == 21
            assert await pd.anonymise_case(conn, case.id, NOW) is None  # once
            await pd.forget_user(conn, 21, NOW)
            assert SHA not in await pd.files_in_use(conn, except_cases={case.id})
            await pd.drop_file_rows(conn, {SHA})

            rows = await conn.execute_fetchall(
                "SELECT text, author_id, files FROM case_messages WHERE case_id = ?", (case.id,)
            )
            assert [(r["text"], r["author_id"]) for r in rows] == [(pd.ERASED, None)]
            files = json.loads(rows[0]["files"])
            assert files[0]["name"] == f"file-{SHA[:12]}" and files[0]["telegram_file_id"] is None
            audit = await s.audit.for_case(case.id, conn=conn)
            answered = [e for e in audit if e.action == "answered"]
            assert answered[0].actor_id is None and "text" not in answered[0].detail
            assert answered[0].detail["key"] == "m1"
        assert await s.drafts.load(21) is None
        again = await s.cases.get(case.id)
        assert again is not None and again.user_id == 0
    finally:
        await s.close()
