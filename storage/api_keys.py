"""Keys of the case API (bot/api/): a name, a scope, and the SHA-256 of the key, never the key.

A key is 32 random bytes (base64url, prefixed `ipk_`): with that much entropy a plain SHA-256
is as good as a slow hash, and lets a request's key be found by an indexed lookup.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel

from dialogs.model import utcnow
from storage.database import Database, Row, from_iso, opt_from_iso, to_iso

KEY_PREFIX = "ipk_"


class Scope(StrEnum):
    READ = "read"  # read cases, files, events
    DECIDE = "decide"  # … and act on cases (take, ask, decide, report listing outcomes)


class ApiKey(BaseModel):
    id: int
    name: str
    scope: Scope
    key_hash: str
    created_at: datetime
    revoked_at: datetime | None = None


class KeyNameTaken(ValueError):
    pass


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _key(row: Row) -> ApiKey:
    return ApiKey(
        id=row["id"],
        name=row["name"],
        scope=Scope(row["scope"]),
        key_hash=row["key_hash"],
        created_at=from_iso(row["created_at"]),
        revoked_at=opt_from_iso(row["revoked_at"]),
    )


class ApiKeys:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(self, name: str, scope: Scope, *, now: datetime | None = None) -> str:
        """A new key (returned once; only its hash is kept)."""
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        async with self._db.transaction() as conn:
            if await conn.fetch_one("SELECT 1 FROM api_keys WHERE name = ?", (name,)):
                raise KeyNameTaken(name)
            await conn.insert(
                "INSERT INTO api_keys (name, scope, key_hash, created_at) VALUES (?, ?, ?, ?)",
                (name, Scope(scope).value, key_hash(key), to_iso(now or utcnow())),
            )
        return key

    async def find(self, key: str) -> ApiKey | None:
        """The live key this is (None: unknown or revoked). The lookup is by the key's hash,
        so its time says nothing about how much of a guess was right."""
        async with self._db.read() as conn:
            row = await conn.fetch_one(
                "SELECT * FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL",
                (key_hash(key),),
            )
        return None if row is None else _key(row)

    async def all(self) -> list[ApiKey]:
        async with self._db.read() as conn:
            rows = await conn.execute_fetchall("SELECT * FROM api_keys ORDER BY id")
        return [_key(row) for row in rows]

    async def revoke(self, name: str, *, now: datetime | None = None) -> bool:
        """Revoke the key of this name; False if there is no live one."""
        async with self._db.transaction() as conn:
            result = await conn.execute(
                "UPDATE api_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                (to_iso(now or utcnow()), name),
            )
        return result.rowcount == 1
