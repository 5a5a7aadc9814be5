"""Transactional outbox for Telegram calls.

A message is enqueued in the same transaction as the state change that causes it, so either both
happen or neither; a separate sender drains ``due()`` and marks each item sent or retried. The
``dedupe_key`` makes enqueueing idempotent when a handler is replayed (at-least-once update
delivery, restart mid-handler).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from pydantic_core import to_json

from dialogs.model import utcnow
from storage.database import (
    Connection,
    Database,
    Row,
    fetch_one,
    from_iso,
    opt_from_iso,
    opt_iso,
    to_iso,
)


class OutboxItem(BaseModel):
    id: int
    chat_id: int
    method: str
    payload: dict[str, Any]
    dedupe_key: str
    case_id: int | None
    created_at: datetime
    not_before: datetime | None
    attempts: int
    last_error: str | None
    sent_at: datetime | None
    gave_up_at: datetime | None
    result: dict[str, Any] | None


def _dumps(value: dict[str, Any]) -> str:
    """pydantic's encoder, so datetimes and models inside payloads serialise too."""
    return to_json(value).decode()


def _item(row: Row) -> OutboxItem:
    """Built without validation: every field is already of its type (the sender reads many
    rows a second, and validating them again would be most of the cost of reading them)."""
    return OutboxItem.model_construct(
        id=row["id"],
        chat_id=row["chat_id"],
        method=row["method"],
        payload=json.loads(row["payload"]),
        dedupe_key=row["dedupe_key"],
        case_id=row["case_id"],
        created_at=from_iso(row["created_at"]),
        not_before=opt_from_iso(row["not_before"]),
        attempts=row["attempts"],
        last_error=row["last_error"],
        sent_at=opt_from_iso(row["sent_at"]),
        gave_up_at=opt_from_iso(row["gave_up_at"]),
        result=None if row["result"] is None else json.loads(row["result"]),
    )


class Outbox:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def enqueue(
        self,
        conn: Connection,
        *,
        chat_id: int,
        method: str,
        payload: dict[str, Any],
        dedupe_key: str,
        case_id: int | None = None,
        not_before: datetime | None = None,
        now: datetime | None = None,
    ) -> int | None:
        """Queue a call inside the caller's transaction. Returns the new id, or None if an item
        with the same ``dedupe_key`` already exists (sent or not)."""
        return await conn.insert(
            "INSERT INTO outbox (chat_id, method, payload, dedupe_key, created_at, not_before,"
            " case_id) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING",
            (
                chat_id,
                method,
                _dumps(payload),
                dedupe_key,
                to_iso(now or utcnow()),
                opt_iso(not_before),
                case_id,
            ),
        )

    async def due(
        self,
        now: datetime,
        limit: int = 50,
        *,
        skip_chats: Collection[int] = (),
        private: bool | None = None,
    ) -> list[OutboxItem]:
        """Unsent, not abandoned items whose ``not_before`` has passed, oldest first
        (``private``: only private chats, or only groups).

        ``skip_chats`` are chats the caller cannot send to now (rate-limited): leaving them
        out keeps a busy group from filling the window and starving everyone else."""
        skip = sorted(set(skip_chats))
        placeholders = ", ".join("?" for _ in skip)
        skip_clause = f" AND chat_id NOT IN ({placeholders})" if skip else ""
        if private is not None:  # private chats have positive ids, groups negative
            skip_clause += " AND chat_id > 0" if private else " AND chat_id < 0"
        # An item waits while an earlier one of its chat waits for a retry: a chat's messages
        # (the parts of one reply) are delivered in order, a failed first part blocking the rest.
        async with self._db.read() as conn:
            rows = await conn.execute_fetchall(
                "SELECT * FROM outbox AS o WHERE sent_at IS NULL AND gave_up_at IS NULL"
                f" AND (not_before IS NULL OR not_before <= ?){skip_clause}"
                " AND NOT EXISTS (SELECT 1 FROM outbox AS e WHERE e.chat_id = o.chat_id"
                " AND e.id < o.id AND e.sent_at IS NULL AND e.gave_up_at IS NULL"
                " AND e.not_before > ?) ORDER BY id LIMIT ?",
                (to_iso(now), *skip, to_iso(now), limit),
            )
        return [_item(row) for row in rows]

    async def get(self, item_id: int) -> OutboxItem | None:
        async with self._db.read() as conn:
            row = await fetch_one(conn, "SELECT * FROM outbox WHERE id = ?", (item_id,))
        return None if row is None else _item(row)

    async def mark_sent(
        self,
        item_id: int,
        result: dict[str, Any],
        *,
        now: datetime | None = None,
        conn: Connection | None = None,
    ) -> None:
        """Done with the item; with ``conn``, inside the caller's transaction."""
        await self.mark_many_sent([(item_id, result)], now=now, conn=conn)

    async def mark_many_sent(
        self,
        sent: Sequence[tuple[int, dict[str, Any]]],
        *,
        now: datetime | None = None,
        conn: Connection | None = None,
    ) -> None:
        """Items sent, with their results, in one statement (one commit for a batch of sends);
        with ``conn``, inside the caller's transaction."""
        if not sent:
            return
        if conn is None:
            async with self._db.transaction() as tx:
                await self.mark_many_sent(sent, now=now, conn=tx)
            return
        at = to_iso(now or utcnow())
        await conn.executemany(
            "UPDATE outbox SET sent_at = ?, result = ?, attempts = attempts + 1,"
            " last_error = NULL WHERE id = ? AND sent_at IS NULL",
            [(at, _dumps(result), item_id) for item_id, result in sent],
        )

    async def mark_retry(self, item_id: int, error: str, not_before: datetime) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?, not_before = ?"
                " WHERE id = ? AND sent_at IS NULL",
                (error, to_iso(not_before), item_id),
            )

    async def give_up(self, item_id: int, error: str, *, now: datetime | None = None) -> None:
        """Stop retrying a call that can never succeed (e.g. the user blocked the bot)."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?, gave_up_at = ?"
                " WHERE id = ? AND sent_at IS NULL",
                (error, to_iso(now or utcnow()), item_id),
            )

    async def pending_count(self) -> int:
        """Items still to be sent, including those waiting for a retry."""
        async with self._db.read() as conn:
            row = await fetch_one(
                conn, "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND gave_up_at IS NULL"
            )
        return int(row[0]) if row else 0
