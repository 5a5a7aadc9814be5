"""The intake funnel counted by the database, on SQLite and PostgreSQL alike: each conversation
counts once per step it reached (a step visited twice, once), unfinished ones where they stand."""

from __future__ import annotations

from datetime import timedelta

from dialogs.model import utcnow
from storage.database import to_iso
from storage.funnel import SUBMITTED, cases_reached, drafts_funnel, last_case_id
from tests.backends import Backend
from tests.bot.ops.seed import sample_draft


async def test_the_funnel_of_cases_and_drafts(backend: Backend) -> None:
    storage = await backend.storage()
    now = utcnow()
    when = to_iso(now)
    try:
        async with storage.db.transaction() as conn:
            for i, (step, history) in enumerate(
                [("review", ["welcome", "role", "review", "role"]), ("review", ["welcome"])]
            ):
                draft = sample_draft(100 + i, step, 0).model_copy(update={"history": history})
                await conn.execute(
                    "INSERT INTO cases (number, user_id, chat_id, lang, status, submitted_at,"
                    " updated_at, data) VALUES (?, ?, ?, 'en', 'submitted', ?, ?, ?)",
                    (f"IP-T-{i}", 100 + i, 100 + i, when, when, draft.model_dump_json()),
                )
            old = sample_draft(200, "links", 0).model_copy(
                update={"history": ["welcome", "role"], "created_at": now - timedelta(days=9)}
            )
            new = sample_draft(201, "role", 0).model_copy(update={"history": ["welcome"]})
            for draft in (old, new):
                await conn.execute(
                    "INSERT INTO drafts (user_id, data, revision, updated_at) VALUES (?, ?, 1, ?)",
                    (draft.user_id, draft.model_dump_json(), to_iso(now)),
                )
            await conn.execute(
                "INSERT INTO drafts (user_id, data, revision, updated_at) VALUES (300, NULL, 2, ?)",
                (to_iso(now),),
            )
        async with storage.db.read() as conn:
            upto = await last_case_id(conn)
            cases = await cases_reached(conn)
            first = await cases_reached(conn, upto_id=upto - 1)
            later = await cases_reached(conn, after_id=upto - 1, upto_id=upto)
            reached, stopped = await drafts_funnel(conn)
            recent, standing = await drafts_funnel(conn, since=to_iso(now - timedelta(days=1)))
        assert cases == {"welcome": 2, "role": 1, "review": 2, SUBMITTED: 2}
        assert first + later == cases  # counted in chunks of ids, the same
        assert reached == {"welcome": 2, "role": 2, "links": 1}
        assert stopped == {"links": 1, "role": 1}
        assert (recent, standing) == ({"welcome": 1, "role": 1}, {"role": 1})
    finally:
        await storage.close()
