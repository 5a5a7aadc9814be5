"""What Telegram said about chats, as the sender keeps it in hand: staff groups now supergroups
(sent to under their new id from then on), claimants who blocked the bot (marked unreachable,
and reachable again once a message gets through). Stored in `storage.chat_states`; read once,
then kept in step."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.outbox.messages import BotCall
from storage import Storage
from storage.chat_states import ChatStates

log = logging.getLogger(__name__)


class KnownChats:
    def __init__(self, storage: Storage, clock: Callable[[], datetime]) -> None:
        self.states = ChatStates(storage.db)
        self._db = storage.db
        self._clock = clock
        self._moved: dict[int, int] | None = None  # staff groups now supergroups: old -> new
        self._unreachable: set[int] | None = None  # claimants who blocked the bot

    async def migrated(self, chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup: its new id recorded for good, its cases moved to it."""
        async with self._db.transaction() as conn:
            await self.states.record_migration(conn, chat_id, new_chat_id, self._clock())
        self._moved = None  # read again
        log.warning(
            "the group %s is now the supergroup %s: sending there from now on; set the staff"
            " group setting to %s (python -m bot check lists it)",
            chat_id,
            new_chat_id,
            new_chat_id,
        )

    async def addressed(self, call: BotCall) -> BotCall:
        """The call with a migrated group's new id in place of its old one."""
        if self._moved is None:
            self._moved = await self.states.migrations()
        chat = call.params.get("chat_id")
        new = self._moved.get(chat) if isinstance(chat, int) else None
        if new is None:
            return call
        return BotCall(call.method, {**call.params, "chat_id": new})

    async def reached(self, chat_id: int) -> None:
        """A message got through: a claimant marked unreachable has unblocked the bot."""
        unreachable = await self._unreachable_chats()
        if chat_id in unreachable:
            unreachable.discard(chat_id)
            await self.states.reachable_again(chat_id)

    async def blocked(self, chat_id: int, reason: str) -> None:
        """A claimant blocked the bot: marked unreachable (shown on the case card)."""
        async with self._db.transaction() as conn:
            await self.states.mark_unreachable(conn, chat_id, reason, self._clock())
        (await self._unreachable_chats()).add(chat_id)

    async def _unreachable_chats(self) -> set[int]:
        """The claimants marked unreachable (read once, then kept in step)."""
        if self._unreachable is None:
            self._unreachable = await self.states.unreachable()
        return self._unreachable
