"""One update at a time per user (aiogram issue #1317), many users at once; a claimant flooding
the bot is told to slow down once and then not answered (bot/updates/flood_control.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from bot.updates.throttle import ThrottleGate
from bot.updates.user_locks import UserLocks


class SerializePerUser(BaseMiddleware):
    """An outer update middleware: the lock is taken before any other await, so one user's
    updates are handled in the order they arrived and never interleave."""

    def __init__(self) -> None:
        self._locks = UserLocks()

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user = data.get("event_from_user")
        if not isinstance(event, Update) or user is None:
            return await handler(event, data)
        async with self._locks[user.id]:
            return await handler(event, data)


class ThrottlePerUser(BaseMiddleware):
    """An outer update middleware, before the per-user lock: a throttled update waits for
    nothing, is answered by the notice once (or by nothing) and returns, so it is confirmed."""

    def __init__(self, gate: ThrottleGate) -> None:
        self.gate = gate

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user, chat = data.get("event_from_user"), data.get("event_chat")
        if not isinstance(event, Update) or user is None or chat is None or chat.type != "private":
            return await handler(event, data)
        album = event.message.media_group_id if event.message else None
        if await self.gate.stops(user.id, chat.id, user.language_code, album):
            return None
        return await handler(event, data)
