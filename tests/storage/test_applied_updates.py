"""The set of applied Telegram updates (migration 9) and the typed outbox rows, on both
database backends."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.outbox.messages import DeleteMessages, DeleteTopic, Document, Text, parse_message
from bot.outbox.queue import queue
from dialogs.model import Draft
from storage import Storage
from storage import personal_data as pd
from tests.backends import Backend

NOW = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
SUPERGROUP = -1001234567890


@pytest.fixture
async def storage(backend: Backend) -> AsyncIterator[Storage]:
    s = await backend.storage()
    yield s
    await s.close()


async def test_claim_takes_the_update_out_of_the_inbox(storage: Storage) -> None:
    await storage.inbox.put([(21, '{"update_id": 21}'), (22, '{"update_id": 22}')], now=NOW)
    async with storage.db.transaction() as conn:
        assert await storage.updates.claim(conn, 21, 5, now=NOW)
    assert await storage.inbox.pending() == [(22, '{"update_id": 22}')]
    assert await storage.updates.applied(21)
    assert not await storage.updates.applied(22)


async def test_a_claim_rolled_back_leaves_the_update_unapplied(storage: Storage) -> None:
    with pytest.raises(RuntimeError):
        async with storage.db.transaction() as conn:
            assert await storage.updates.claim(conn, 31, 5, now=NOW)
            assert await storage.updates.applied(31, conn=conn)
            raise RuntimeError("the change failed")
    assert not await storage.updates.applied(31)
    async with storage.db.transaction() as conn:
        assert await storage.updates.claim(conn, 31, 5, now=NOW)


async def test_prune_forgets_marks_older_than_telegram_keeps_updates(storage: Storage) -> None:
    async with storage.db.transaction() as conn:
        await storage.updates.claim(conn, 1, 5, now=NOW - timedelta(days=3))
        await storage.updates.claim(conn, 2, 5, now=NOW - timedelta(hours=1))
    assert await storage.updates.prune(now=NOW) == 1
    assert not await storage.updates.applied(1)
    assert await storage.updates.applied(2)


async def test_forgetting_a_user_keeps_the_marks_but_not_whose(storage: Storage) -> None:
    async with storage.db.transaction() as conn:
        await storage.updates.claim(conn, 41, 7, now=NOW)
        await storage.updates.claim(conn, 42, 8, now=NOW)
        await pd.forget_user(conn, 7, NOW)
    async with storage.db.read() as reader:
        rows = await reader.execute_fetchall(
            "SELECT update_id, user_id FROM applied_updates ORDER BY update_id"
        )
    assert [(r["update_id"], r["user_id"]) for r in rows] == [(41, None), (42, 8)]
    async with storage.db.transaction() as conn:
        assert not await storage.updates.claim(conn, 41, 7, now=NOW)  # still applied once


async def test_typed_messages_round_trip_through_the_outbox(storage: Storage) -> None:
    async with storage.db.transaction() as conn:
        case = await storage.cases.submit(conn, Draft(user_id=5, chat_id=5), now=NOW)
    messages = [
        Text(chat_id=5, text="<b>Hello</b>", reply_to_card_of=case.id),
        Document(chat_id=SUPERGROUP, sha256="ab" * 32, filename="a.pdf", topic_of=case.id),
        DeleteMessages(chat_id=SUPERGROUP, message_ids=[10, 11]),
        DeleteTopic(chat_id=SUPERGROUP, message_thread_id=99),
    ]
    async with storage.db.transaction() as conn:
        ids = [
            await queue(conn, storage, m, key=f"k:{i}", case_id=case.id, now=NOW)
            for i, m in enumerate(messages)
        ]
        assert await queue(conn, storage, messages[0], key="k:0", now=NOW) is None
    assert all(isinstance(i, int) for i in ids) and ids == sorted(ids)
    due = await storage.outbox.due(NOW)
    assert [parse_message(item.method, item.payload) for item in due] == messages
    assert [item.case_id for item in due] == [case.id] * 4
