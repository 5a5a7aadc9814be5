"""Idempotency keys of the case API on each backend: claimed once, the answer given again, a
mismatch refused, a claim whose request died taken again, answers forgotten after a day."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from dialogs.model import utcnow
from storage import Storage
from storage.api_keys import ApiKeys, Scope
from storage.idempotency import IN_FLIGHT_FOR, KEPT_FOR, Idempotency, InFlight, Mismatch
from tests.backends import Backend


@pytest.fixture
async def storage(backend: Backend) -> AsyncIterator[Storage]:
    s = await backend.storage()
    yield s
    await s.close()


async def test_claimed_once_answered_again(storage: Storage) -> None:
    await ApiKeys(storage.db).create("k", Scope.DECIDE)
    (key,) = await ApiKeys(storage.db).all()
    store = Idempotency(storage.db)
    now = utcnow()
    assert await store.claim(key.id, "a", "POST /x", "h1", now=now) is None
    with pytest.raises(InFlight):
        await store.claim(key.id, "a", "POST /x", "h1", now=now)
    with pytest.raises(Mismatch):
        await store.claim(key.id, "a", "POST /x", "h2", now=now)
    await store.keep(key.id, "a", 200, {"ok": True})
    again = await store.claim(key.id, "a", "POST /x", "h1", now=now)
    assert again is not None and (again.status, again.body) == (200, {"ok": True})

    assert await store.claim(key.id, "died", "POST /x", "h1", now=now) is None
    later = now + IN_FLIGHT_FOR + timedelta(seconds=1)
    assert await store.claim(key.id, "died", "POST /x", "h1", now=later) is None  # taken again

    much_later = now + KEPT_FOR + timedelta(minutes=5)
    assert await store.claim(key.id, "a", "POST /x", "h2", now=much_later) is None  # forgotten
