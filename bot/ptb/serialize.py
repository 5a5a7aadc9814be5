"""Many users at once, one update at a time per user (aiogram issue #1317), on PTB."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.updates.user_locks import UserLocks

MAX_CONCURRENT_UPDATES = 256


class SerializePerUser(BaseUpdateProcessor):
    """Many users at once, one update at a time per user (PTB's concurrent_updates + a lock).

    The lock is taken before any other await, so one user's updates are handled in the order
    they arrived and never interleave."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._locks = UserLocks()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        user = update.effective_user if isinstance(update, Update) else None
        if user is None:
            await coroutine
            return
        async with self._locks[user.id]:
            await coroutine

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
