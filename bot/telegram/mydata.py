"""`/mydata` on aiogram (the answer is composed by `bot.mydata` and queued in the outbox)."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import Message, Update

from bot.mydata import MyData


def mydata_router(mydata: MyData, on_change: Callable[[], None]) -> Router:
    router = Router(name="mydata")
    router.message.filter(F.chat.type == "private")

    @router.message(Command("mydata"))
    async def on_mydata(message: Message, event_update: Update) -> None:
        assert message.from_user is not None
        user = message.from_user
        await mydata.request(user.id, message.chat.id, user.language_code, event_update.update_id)
        on_change()

    return router
