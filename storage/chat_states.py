"""What Telegram told us about chats, kept across restarts: a group that became a supergroup
(its new id) and a claimant who blocked the bot (unreachable until a message gets through)."""

from __future__ import annotations

from datetime import datetime

from storage.database import Connection, Database, fetch_one, to_iso


class ChatStates:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record_migration(
        self, conn: Connection, chat_id: int, new_chat_id: int, at: datetime
    ) -> None:
        """`chat_id` is now `new_chat_id`; the cases of that staff group follow it."""
        await conn.execute(
            "INSERT INTO chat_migrations (chat_id, new_chat_id, migrated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET new_chat_id = excluded.new_chat_id,"
            " migrated_at = excluded.migrated_at",
            (chat_id, new_chat_id, to_iso(at)),
        )
        await conn.execute(
            "UPDATE cases SET staff_chat_id = ? WHERE staff_chat_id = ?", (new_chat_id, chat_id)
        )

    async def migrations(self, conn: Connection | None = None) -> dict[int, int]:
        """Every migrated group: old id -> new id."""
        sql = "SELECT chat_id, new_chat_id FROM chat_migrations"
        if conn is not None:
            rows = await conn.execute_fetchall(sql)
        else:
            async with self._db.read() as read:
                rows = await read.execute_fetchall(sql)
        return {int(row["chat_id"]): int(row["new_chat_id"]) for row in rows}

    async def current(self, chat_id: int, conn: Connection | None = None) -> int:
        """The id to send to now for a chat known by `chat_id`."""
        return (await self.migrations(conn)).get(chat_id, chat_id)

    async def mark_unreachable(
        self, conn: Connection, chat_id: int, reason: str, at: datetime
    ) -> None:
        await conn.execute(
            "INSERT INTO unreachable_chats (chat_id, since, reason) VALUES (?, ?, ?)"
            " ON CONFLICT (chat_id) DO NOTHING",
            (chat_id, to_iso(at), reason),
        )

    async def reachable_again(self, chat_id: int) -> None:
        async with self._db.transaction() as conn:
            await conn.execute("DELETE FROM unreachable_chats WHERE chat_id = ?", (chat_id,))

    async def unreachable(self) -> set[int]:
        async with self._db.read() as conn:
            rows = await conn.execute_fetchall("SELECT chat_id FROM unreachable_chats")
        return {int(row["chat_id"]) for row in rows}

    async def is_unreachable(self, chat_id: int, conn: Connection | None = None) -> bool:
        sql, params = "SELECT 1 FROM unreachable_chats WHERE chat_id = ?", (chat_id,)
        if conn is not None:
            return await fetch_one(conn, sql, params) is not None
        async with self._db.read() as read:
            return await fetch_one(read, sql, params) is not None
