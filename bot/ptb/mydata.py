"""`/mydata` on python-telegram-bot (mirrors `bot.telegram.mydata`)."""

from __future__ import annotations

from collections.abc import Callable

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes, filters

from bot.mydata import MyData


def mydata_handler(
    mydata: MyData, on_change: Callable[[], None]
) -> CommandHandler[ContextTypes.DEFAULT_TYPE, None]:
    async def on_mydata(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        assert message is not None and message.from_user is not None
        user = message.from_user
        await mydata.request(user.id, message.chat.id, user.language_code, update.update_id)
        on_change()

    return CommandHandler("mydata", on_mydata, filters=filters.ChatType.PRIVATE)
