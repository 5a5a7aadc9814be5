"""Drafts: one per user, saved after every accepted answer, guarded by optimistic concurrency.

The revision stored in the row is authoritative. A save must name the revision it was derived
from; if someone else (another update, a double-tap) saved in between, the save is refused so the
caller can reload and re-apply instead of silently overwriting.

Discarding keeps the row as a tombstone (``data`` NULL) and bumps its revision, so revisions never
repeat for a user: a stale copy of a submitted draft can never match a newer draft's revision.
"""

from __future__ import annotations

from datetime import datetime

from dialogs.model import Draft, utcnow
from storage.database import Connection, Database, fetch_one, to_iso


class StaleDraftError(RuntimeError):
    """The draft changed (or was discarded) since the caller loaded it."""

    def __init__(self, user_id: int, expected: int, found: int | None) -> None:
        self.user_id = user_id
        self.expected = expected
        self.found = found
        state = "no live draft" if found is None else f"stored revision {found}"
        super().__init__(f"stale draft for user {user_id}: saving revision {expected}, {state}")


class DraftStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def load(self, user_id: int, *, conn: Connection | None = None) -> Draft | None:
        """The user's live draft, or None. Pass ``conn`` to read inside your transaction."""
        if conn is not None:
            return await self._load(conn, user_id)
        async with self._db.read() as reader:
            return await self._load(reader, user_id)

    async def save(
        self,
        draft: Draft,
        *,
        conn: Connection | None = None,
        now: datetime | None = None,
    ) -> Draft:
        """Store ``draft`` if it was derived from the currently stored revision.

        A new draft (no live draft stored for the user) must carry revision 0. Returns the stored
        copy with the next revision and a fresh ``updated_at``; the argument is not mutated.
        Raises StaleDraftError, having written nothing, when the revisions do not match.
        Without ``conn`` it runs in its own transaction.
        """
        if conn is not None:
            return await self._save(conn, draft, now)
        async with self._db.transaction() as tx:
            return await self._save(tx, draft, now)

    async def discard(
        self,
        user_id: int,
        *,
        conn: Connection | None = None,
        now: datetime | None = None,
    ) -> None:
        """Drop the live draft (e.g. after submission); in-flight copies of it become stale."""
        if conn is not None:
            await self._discard(conn, user_id, now)
            return
        async with self._db.transaction() as tx:
            await self._discard(tx, user_id, now)

    @staticmethod
    async def _load(conn: Connection, user_id: int) -> Draft | None:
        row = await fetch_one(
            conn,
            "SELECT data, revision FROM drafts WHERE user_id = ? AND data IS NOT NULL",
            (user_id,),
        )
        if row is None:
            return None
        draft = Draft.model_validate_json(row["data"])
        return draft.model_copy(update={"revision": row["revision"]})

    @staticmethod
    async def _save(conn: Connection, draft: Draft, now: datetime | None) -> Draft:
        row = await fetch_one(
            conn,
            "SELECT revision, data IS NOT NULL AS live FROM drafts WHERE user_id = ?",
            (draft.user_id,),
        )
        stored: int | None = None if row is None else row["revision"]
        live = row is not None and bool(row["live"])
        expected = stored if live else 0
        if draft.revision != expected:
            raise StaleDraftError(draft.user_id, draft.revision, stored if live else None)

        saved = draft.model_copy(
            update={"revision": (stored or 0) + 1, "updated_at": now or utcnow()}
        )
        params = (saved.model_dump_json(), saved.revision, to_iso(saved.updated_at))
        if stored is None:
            cur = await conn.execute(
                "INSERT INTO drafts (data, revision, updated_at, user_id) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (user_id) DO NOTHING",
                (*params, draft.user_id),
            )
        else:
            # The revision predicate re-checks for writers outside this process's lock.
            cur = await conn.execute(
                "UPDATE drafts SET data = ?, revision = ?, updated_at = ?"
                " WHERE user_id = ? AND revision = ?",
                (*params, draft.user_id, stored),
            )
        if cur.rowcount != 1:
            raise StaleDraftError(draft.user_id, draft.revision, stored if live else None)
        return saved

    @staticmethod
    async def _discard(conn: Connection, user_id: int, now: datetime | None) -> None:
        await conn.execute(
            "UPDATE drafts SET data = NULL, revision = revision + 1, updated_at = ?"
            " WHERE user_id = ? AND data IS NOT NULL",
            (to_iso(now or utcnow()), user_id),
        )
