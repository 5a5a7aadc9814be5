"""Transactions as a whole: rollback across stores, restart durability, misuse guards."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from dialogs.model import CaseStatus, Draft
from tests.backends import Backend

NOW = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)


class Boom(Exception):
    pass


async def test_exception_rolls_back_draft_save_and_outbox_enqueue(backend: Backend) -> None:
    s = await backend.storage()
    try:
        base = await s.drafts.save(Draft(user_id=1, chat_id=1))
        with pytest.raises(Boom):
            async with s.db.transaction() as conn:
                await s.drafts.save(base.model_copy(update={"step": "links"}), conn=conn)
                item = await s.outbox.enqueue(
                    conn, chat_id=1, method="sendMessage", payload={"text": "hi"}, dedupe_key="k"
                )
                assert item is not None
                raise Boom

        assert await s.drafts.load(1) == base
        assert await s.outbox.pending_count() == 0
        # and the writer is usable again afterwards
        assert await s.outbox.due(NOW) == []
        await s.drafts.save(base)
    finally:
        await s.close()


async def test_data_survives_restart(backend: Backend) -> None:
    s = await backend.storage()
    draft = await s.drafts.save(Draft(user_id=5, chat_id=50, answers={"brand": "Acme"}))
    async with s.db.transaction() as conn:
        case = await s.cases.submit(conn, Draft(user_id=6, chat_id=60, links=["l"]), now=NOW)
        await s.outbox.enqueue(
            conn, chat_id=60, method="sendMessage", payload={"n": case.number}, dedupe_key="sub"
        )
    sha = s.files.put(b"evidence")
    await s.close()

    s = await backend.storage()  # "restart"
    try:
        assert await s.drafts.load(5) == draft
        assert await s.cases.get(case.id) == case
        assert [i.payload for i in await s.outbox.due(NOW)] == [{"n": case.number}]
        assert s.files.read(sha) == b"evidence"
        assert [e.action for e in await s.audit.for_case(case.id)] == ["submitted"]
        assert (await s.cases.claimant_record(6))[CaseStatus.SUBMITTED] == 1
    finally:
        await s.close()


async def test_nested_transaction_fails_fast_instead_of_deadlocking(backend: Backend) -> None:
    s = await backend.storage()
    try:
        with pytest.raises(RuntimeError, match="nested"):
            async with s.db.transaction() as conn:
                await s.drafts.save(Draft(user_id=1, chat_id=1), conn=conn)
                await s.drafts.save(Draft(user_id=2, chat_id=2))  # forgot conn=
        assert await s.drafts.load(1) is None
    finally:
        await s.close()


async def test_naive_datetimes_are_refused(backend: Backend) -> None:
    s = await backend.storage()
    try:
        with pytest.raises(ValueError, match="naive"):
            await s.outbox.due(datetime(2026, 1, 1))
    finally:
        await s.close()


async def test_cancelled_transaction_rolls_back_and_releases_the_writer(backend: Backend) -> None:
    s = await backend.storage()
    try:
        entered = asyncio.Event()

        async def slow_writer() -> None:
            async with s.db.transaction() as conn:
                await s.drafts.save(Draft(user_id=1, chat_id=1), conn=conn)
                entered.set()
                await asyncio.sleep(60)

        task = asyncio.create_task(slow_writer())
        await entered.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

        assert await s.drafts.load(1) is None
        saved = await asyncio.wait_for(s.drafts.save(Draft(user_id=1, chat_id=1)), timeout=5)
        assert saved.revision == 1
    finally:
        await s.close()


@pytest.mark.parametrize("yields_before_cancel", [0, 1, 2, 3, 5, 8])
async def test_a_cancelled_writer_leaves_nothing_half_done(
    backend: Backend, yields_before_cancel: int
) -> None:
    """Regression (a flaky teardown): a task cancelled at any point of a transaction — during
    BEGIN, a statement or COMMIT — must leave the connection outside a transaction, with its
    write either whole or absent, so the next writer works."""
    s = await backend.storage()
    try:
        for attempt in range(10):
            started = asyncio.Event()

            async def writer(n: int = attempt, started: asyncio.Event = started) -> None:
                started.set()
                await s.inbox.put([(n, "{}")], now=datetime.now(UTC))

            task = asyncio.create_task(writer())
            await started.wait()
            for _ in range(yields_before_cancel):
                await asyncio.sleep(0)
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await s.inbox.put([(1000 + attempt, "{}")], now=datetime.now(UTC))  # next writer
        kept = [update_id for update_id, _ in await s.inbox.pending()]
        assert [k for k in kept if k >= 1000] == list(range(1000, 1010))
    finally:
        await s.close()
