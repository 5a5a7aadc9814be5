from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from storage import Storage
from tests.backends import Backend

NOW = datetime(2026, 4, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
async def storage(backend: Backend) -> AsyncIterator[Storage]:
    s = await backend.storage()
    yield s
    await s.close()


async def enqueue(
    s: Storage,
    key: str,
    *,
    chat_id: int = 1,
    text: str | None = None,
    not_before: datetime | None = None,
) -> int | None:
    async with s.db.transaction() as conn:
        return await s.outbox.enqueue(
            conn,
            chat_id=chat_id,
            method="sendMessage",
            payload={"text": text or key},
            dedupe_key=key,
            not_before=not_before,
            now=NOW,
        )


async def test_duplicate_dedupe_key_is_ignored(storage: Storage) -> None:
    first = await enqueue(storage, "case:1:submitted")
    again = await enqueue(storage, "case:1:submitted", text="other")
    assert first is not None
    assert again is None
    items = await storage.outbox.due(NOW)
    assert [(i.id, i.payload) for i in items] == [(first, {"text": "case:1:submitted"})]

    await storage.outbox.mark_sent(first, {"message_id": 1})
    assert await enqueue(storage, "case:1:submitted") is None  # even once sent


async def test_due_is_ordered_and_respects_not_before_and_limit(storage: Storage) -> None:
    a = await enqueue(storage, "a")
    later = await enqueue(storage, "later", chat_id=2, not_before=NOW + timedelta(minutes=5))
    b = await enqueue(storage, "b")
    c = await enqueue(storage, "c", not_before=NOW)

    assert [i.id for i in await storage.outbox.due(NOW)] == [a, b, c]
    assert [i.id for i in await storage.outbox.due(NOW, limit=2)] == [a, b]
    assert [i.id for i in await storage.outbox.due(NOW + timedelta(minutes=5))] == [a, later, b, c]
    assert await storage.outbox.pending_count() == 4


async def test_an_item_waits_behind_an_earlier_one_of_its_chat(storage: Storage) -> None:
    """The second part of a reply is not due while the first waits for its retry."""
    first = await enqueue(storage, "first", not_before=NOW + timedelta(seconds=5))
    second = await enqueue(storage, "second")
    other = await enqueue(storage, "other", chat_id=2)
    assert [i.id for i in await storage.outbox.due(NOW)] == [other]
    assert [i.id for i in await storage.outbox.due(NOW + timedelta(seconds=5))] == [
        first,
        second,
        other,
    ]


async def test_retry_scheduling_and_mark_sent(storage: Storage) -> None:
    item_id = await enqueue(storage, "x", chat_id=42)
    assert item_id is not None

    await storage.outbox.mark_retry(item_id, "429 Too Many Requests", NOW + timedelta(seconds=30))
    assert await storage.outbox.due(NOW) == []
    assert await storage.outbox.pending_count() == 1
    (item,) = await storage.outbox.due(NOW + timedelta(seconds=30))
    assert (item.attempts, item.last_error, item.chat_id) == (1, "429 Too Many Requests", 42)
    assert item.not_before == NOW + timedelta(seconds=30)

    sent_at = NOW + timedelta(seconds=31)
    await storage.outbox.mark_sent(item_id, {"message_id": 99}, now=sent_at)
    assert await storage.outbox.due(NOW + timedelta(days=1)) == []
    assert await storage.outbox.pending_count() == 0
    stored = await storage.outbox.get(item_id)
    assert stored is not None
    assert stored.sent_at == sent_at
    assert stored.result == {"message_id": 99}
    assert stored.attempts == 2 and stored.last_error is None

    # a late retry mark (e.g. a racing worker) cannot resurrect a sent item
    await storage.outbox.mark_retry(item_id, "late", NOW)
    assert await storage.outbox.pending_count() == 0


async def test_give_up_removes_from_queue(storage: Storage) -> None:
    item_id = await enqueue(storage, "blocked")
    assert item_id is not None
    await storage.outbox.give_up(item_id, "403 Forbidden: bot was blocked by the user")
    assert await storage.outbox.due(NOW + timedelta(days=1)) == []
    assert await storage.outbox.pending_count() == 0
    stored = await storage.outbox.get(item_id)
    assert stored is not None and stored.gave_up_at is not None


async def test_payload_with_datetime_and_case_link(storage: Storage) -> None:
    async with storage.db.transaction() as conn:
        await storage.outbox.enqueue(
            conn,
            chat_id=1,
            method="sendDocument",
            payload={"caption": "ü", "at": NOW},
            dedupe_key="doc",
        )
    (item,) = await storage.outbox.due(datetime.now(UTC) + timedelta(seconds=1))
    assert item.payload == {"caption": "ü", "at": "2026-04-01T10:00:00Z"}
    assert item.case_id is None and item.method == "sendDocument"
