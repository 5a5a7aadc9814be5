"""Updates kept until handled: what a crash leaves in the inbox is there at the next start."""

from __future__ import annotations

from dialogs.model import utcnow
from storage.inbox import NO_USER
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


async def test_taken_user_by_user_oldest_waiting_first(backend: Backend) -> None:
    """Several workers take the inbox by user: who waits longest first, each one's in order."""
    storage = await backend.storage()
    try:
        await storage.inbox.put(
            [(5, '{"n": 5}'), (3, '{"n": 3}'), (4, '{"n": 4}'), (6, '{"n": 6}')],
            now=utcnow(),
            users=[200, 100, 200, None],
        )
        assert await storage.inbox.waiting_users() == [100, 200, NO_USER]
        assert await storage.inbox.waiting_users(skip=[100], limit=1) == [200]
        assert await storage.inbox.of_user(200) == [(4, '{"n": 4}'), (5, '{"n": 5}')]
        assert await storage.inbox.of_user(NO_USER) == [(6, '{"n": 6}')]
        await storage.inbox.done(3)
        assert await storage.inbox.waiting_users() == [200, NO_USER]
    finally:
        await storage.close()
