"""Updates kept until handled: what a crash leaves in the inbox is there at the next start."""

from __future__ import annotations

from dialogs.model import utcnow
from tests.backends import Backend


async def test_pending_until_done_and_across_a_restart(backend: Backend) -> None:
    storage = await backend.storage()
    await storage.inbox.put([(11, '{"update_id": 11}'), (12, '{"update_id": 12}')], now=utcnow())
    await storage.inbox.put([(11, '{"update_id": 11, "again": true}')], now=utcnow())
    await storage.inbox.done(12)
    await storage.close()

    reopened = await backend.storage()
    try:
        assert await reopened.inbox.pending() == [(11, '{"update_id": 11}')]
    finally:
        await reopened.close()
