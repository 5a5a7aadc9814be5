"""One update at a time per user (aiogram issue #1317), many users at once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from bot.user_locks import UserLocks


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
