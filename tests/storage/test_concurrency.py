"""Races decided by the data, not by a process-wide lock: on PostgreSQL writers run side by side
(several workers), so the draft revision predicate, ON CONFLICT and the case row held by
``CaseStore.get(conn=…)`` must decide them; on SQLite the single writer does. Both backends."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from dialogs.model import CaseStatus, Draft
from storage import StaleDraftError, Storage
from tests.backends import Backend

NOW = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)


async def test_two_first_saves_of_a_draft_one_wins(backend: Backend) -> None:
    a, b = await backend.storage(), await backend.storage()  # two workers
    try:
        results = await asyncio.gather(
            a.drafts.save(Draft(user_id=5, chat_id=5, step="role")),
            b.drafts.save(Draft(user_id=5, chat_id=5, step="links")),
            return_exceptions=True,
        )
        assert sorted(type(r).__name__ for r in results) == ["Draft", "StaleDraftError"]
        stored = await a.drafts.load(5)
        assert stored is not None and stored.revision == 1
    finally:
        await a.close()
        await b.close()


async def test_two_saves_from_one_revision_one_wins(backend: Backend) -> None:
    a, b = await backend.storage(), await backend.storage()
    try:
        base = await a.drafts.save(Draft(user_id=6, chat_id=6))
        for _ in range(5):
            results = await asyncio.gather(
                a.drafts.save(base.model_copy(update={"step": "role"})),
                b.drafts.save(base.model_copy(update={"step": "links"})),
                return_exceptions=True,
            )
            winners = [r for r in results if isinstance(r, Draft)]
            assert len(winners) == 1
            assert sum(isinstance(r, StaleDraftError) for r in results) == 1
            base = winners[0]
        stored = await a.drafts.load(6)
        assert stored is not None and stored.revision == base.revision == 6
    finally:
        await a.close()
        await b.close()


async def _take(s: Storage, case_id: int, staff_id: int) -> bool:
    """A staff action's shape: read the case in the transaction, check, then change it."""
    async with s.db.transaction() as conn:
        case = await s.cases.get(case_id, conn=conn)
        assert case is not None
        await asyncio.sleep(0.05)  # let the other worker read too, if it can
        if case.status is not CaseStatus.SUBMITTED:
            return False
        await s.cases.set_status(
            conn,
            case_id,
            CaseStatus.IN_REVIEW,
            actor_id=staff_id,
            actor_name=None,
            action="taken",
        )
        return True


async def test_two_workers_acting_on_one_case_go_one_after_the_other(backend: Backend) -> None:
    a, b = await backend.storage(), await backend.storage()
    try:
        async with a.db.transaction() as conn:
            case = await a.cases.submit(conn, Draft(user_id=9, chat_id=9), now=NOW)
        taken = await asyncio.gather(_take(a, case.id, 100), _take(b, case.id, 200))
        assert sorted(taken) == [False, True]
        actions = [e.action for e in await a.audit.for_case(case.id)]
        assert actions == ["submitted", "taken"]
    finally:
        await a.close()
        await b.close()


async def test_applied_updates_are_a_set(backend: Backend) -> None:
    """An older update arriving after a newer one is still applied (no high-water mark); an
    update delivered again is refused."""
    s = await backend.storage()
    try:
        async with s.db.transaction() as conn:
            assert await s.updates.claim(conn, 10, 1, now=NOW)
            assert await s.updates.claim(conn, 7, 1, now=NOW)  # older, not applied yet
            assert not await s.updates.claim(conn, 10, 1, now=NOW)  # delivered again
        assert await s.updates.applied(10)
        assert await s.updates.applied(7)
        assert not await s.updates.applied(11)
        assert not await s.updates.applied(8)
    finally:
        await s.close()


async def test_questions_and_answering(backend: Backend) -> None:
    s = await backend.storage()
    try:
        async with s.db.transaction() as conn:
            case = await s.cases.submit(conn, Draft(user_id=3, chat_id=3), now=NOW)
            question = await s.questions.ask(conn, case.id, 77, "Which listing?", NOW)
            await s.questions.start_answering(conn, 3, question.id, NOW)
            await s.questions.start_answering(conn, 3, question.id, NOW)  # upsert
        answering = await s.questions.answering(3)
        assert answering is not None and answering.id == question.id
        async with s.db.transaction() as conn:
            await s.questions.finish(conn, 3, question.id, NOW)
        assert await s.questions.answering(3) is None
        got = await s.questions.get(question.id)
        assert got is not None and got.answered_at == NOW
        assert [m.direction for m in await s.questions.messages(case.id)] == ["staff"]
    finally:
        await s.close()


async def test_audit_key_and_evidence_sessions(backend: Backend) -> None:
    s = await backend.storage()
    try:
        async with s.db.transaction() as conn:
            case = await s.cases.submit(conn, Draft(user_id=4, chat_id=4), now=NOW)
            await s.audit.record(
                conn, case.id, actor_id=4, actor_name=None, action="answered", detail={"key": "m1"}
            )
            assert await s.audit.has_key(conn, case.id, "answered", "m1")
            assert not await s.audit.has_key(conn, case.id, "answered", "m2")
            await s.evidence.start(conn, 4, case.id, NOW)
            await s.evidence.start(conn, 4, case.id, NOW)  # upsert
        assert await s.evidence.case_of(4) == case.id
        async with s.db.transaction() as conn:
            await s.evidence.finish(conn, 4)
        assert await s.evidence.case_of(4) is None
    finally:
        await s.close()
