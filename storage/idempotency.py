"""Answers to API requests made with an `Idempotency-Key`: the first request with a key claims
it, and its answer is kept (24 hours); a retry (same key, endpoint and body) gets that answer
again and changes nothing; the same key with another request is refused."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from dialogs.model import utcnow
from storage.database import Database, from_iso, to_iso

IN_FLIGHT_FOR = timedelta(minutes=1)  # a claim whose request died is taken again after this
KEPT_FOR = timedelta(hours=24)  # an answer is given again for retries within this long


@dataclass(frozen=True)
class Stored:
    status: int
    body: Any


class Mismatch(Exception):
    """The key was used with another endpoint or body."""


class InFlight(Exception):
    """A request with this key is being handled right now."""


class Idempotency:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim(
        self, key_id: int, key: str, endpoint: str, body_hash: str, *, now: datetime | None = None
    ) -> Stored | None:
        """None: this request is the first with the key (answer it, then `keep`). Otherwise
        the answer kept for it (`Mismatch`, `InFlight` when it cannot be given)."""
        now = now or utcnow()
        async with self._db.transaction() as conn:
            await conn.execute(  # answers past their time are forgotten as new ones come
                "DELETE FROM api_idempotency WHERE key_id = ? AND created_at < ?",
                (key_id, to_iso(now - KEPT_FOR)),
            )
            result = await conn.execute(
                "INSERT INTO api_idempotency (key_id, idempotency_key, endpoint, body_hash,"
                " created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (key_id, key, endpoint, body_hash, to_iso(now)),
            )
            if result.rowcount == 1:
                return None
            row = await conn.fetch_one(
                "SELECT * FROM api_idempotency WHERE key_id = ? AND idempotency_key = ?"
                f"{conn.dialect.for_update}",
                (key_id, key),
            )
            assert row is not None
            if row["endpoint"] != endpoint or row["body_hash"] != body_hash:
                raise Mismatch(key)
            if row["status"] is not None:
                return Stored(row["status"], json.loads(row["response"]))
            if from_iso(row["created_at"]) + IN_FLIGHT_FOR > now:
                raise InFlight(key)
            await conn.execute(  # the first request died before answering: this one goes on
                "UPDATE api_idempotency SET created_at = ?"
                " WHERE key_id = ? AND idempotency_key = ?",
                (to_iso(now), key_id, key),
            )
            return None

    async def keep(self, key_id: int, key: str, status: int, body: Any) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE api_idempotency SET status = ?, response = ?"
                " WHERE key_id = ? AND idempotency_key = ?",
                (status, json.dumps(body, ensure_ascii=False), key_id, key),
            )

    async def release(self, key_id: int, key: str) -> None:
        """The request failed unexpectedly: a retry may try again."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "DELETE FROM api_idempotency WHERE key_id = ? AND idempotency_key = ?"
                " AND status IS NULL",
                (key_id, key),
            )
