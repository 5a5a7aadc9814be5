"""Issue 14: what Telegram told about chats survives a restart, on SQLite and PostgreSQL: a staff
group's new id after its upgrade to a supergroup (its cases follow it), a claimant who blocked
the bot."""

from __future__ import annotations

from dialogs.model import utcnow
from storage.chat_states import ChatStates
from tests.backends import Backend
from tests.storage.test_cases import draft, submit

OLD, NEW, OTHER = -4001, -1004001, -1002


async def test_a_migrated_group_and_an_unreachable_claimant_are_kept(backend: Backend) -> None:
    storage = await backend.storage()
    try:
        moved, stays = [await submit(storage, draft(i)) for i in (1, 2)]
        chats = ChatStates(storage.db)
        async with storage.db.transaction() as conn:
            await storage.cases.set_staff_chat(conn, moved.id, OLD)
            await storage.cases.set_staff_chat(conn, stays.id, OTHER)
            await chats.record_migration(conn, OLD, NEW, utcnow())
            await chats.record_migration(conn, OLD, NEW, utcnow())  # told twice: once
            await chats.mark_unreachable(
                conn, 1, "Forbidden: bot was blocked by the user", utcnow()
            )
            await chats.mark_unreachable(conn, 1, "again", utcnow())
        assert await storage.cases.staff_chat(moved.id) == NEW
        assert await storage.cases.staff_chat(stays.id) == OTHER
    finally:
        await storage.close()

    reopened = await backend.storage()
    try:
        chats = ChatStates(reopened.db)
        assert await chats.migrations() == {OLD: NEW}
        assert (await chats.current(OLD), await chats.current(OTHER)) == (NEW, OTHER)
        assert await chats.unreachable() == {1}
        assert await chats.is_unreachable(1) and not await chats.is_unreachable(2)
        await chats.reachable_again(1)
        assert await chats.unreachable() == set()
    finally:
        await reopened.close()
