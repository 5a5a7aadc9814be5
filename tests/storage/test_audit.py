from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dialogs.model import Draft
from tests.backends import Backend

NOW = datetime(2026, 6, 1, tzinfo=UTC)


async def test_entries_come_back_in_time_order(backend: Backend) -> None:
    s = await backend.storage()
    try:
        async with s.db.transaction() as conn:
            case = await s.cases.submit(conn, Draft(user_id=1, chat_id=1), now=NOW)
            other = await s.cases.submit(conn, Draft(user_id=2, chat_id=2), now=NOW)
            await s.audit.record(
                conn,
                case.id,
                actor_id=9,
                actor_name="A",
                action="late",
                detail={},
                at=NOW + timedelta(hours=2),
            )
            await s.audit.record(
                conn,
                case.id,
                actor_id=9,
                actor_name="A",
                action="early",
                detail={"k": [1]},
                at=NOW + timedelta(hours=1),
            )
            await s.audit.record(
                conn,
                case.id,
                actor_id=None,
                actor_name=None,
                action="same-time-1",
                detail={},
                at=NOW + timedelta(hours=3),
            )
            await s.audit.record(
                conn,
                case.id,
                actor_id=None,
                actor_name=None,
                action="same-time-2",
                detail={},
                at=NOW + timedelta(hours=3),
            )
            await s.audit.record(conn, other.id, actor_id=1, actor_name=None, action="x", detail={})

        entries = await s.audit.for_case(case.id)
        assert [e.action for e in entries] == [
            "submitted",
            "early",
            "late",
            "same-time-1",
            "same-time-2",
        ]
        assert entries[1].detail == {"k": [1]}
        assert entries[1].at == NOW + timedelta(hours=1)
        assert entries[3].actor_id is None
        assert [e.action for e in await s.audit.for_case(other.id)] == ["submitted", "x"]
        assert await s.audit.for_case(12345) == []
    finally:
        await s.close()
