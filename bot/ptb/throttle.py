"""A claimant flooding the bot is told to slow down once, then not answered
(bot/updates/flood_control.py): a handler in a group of its own, ahead of every other, that ends
a throttled update there. The update is still done as far as Telegram is concerned (confirmed,
never delivered again)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, BaseHandler, ContextTypes, TypeHandler

from bot.updates.throttle import ThrottleGate

THROTTLE_GROUP = -100  # before the update router's handlers (group 0)


def throttle_handler(gate: ThrottleGate) -> BaseHandler[Update, Any, None]:
    async def check(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None or chat.type != ChatType.PRIVATE:
            return
        message = update.effective_message
        album = message.media_group_id if message else None
        if await gate.stops(user.id, chat.id, user.language_code, album):
            raise ApplicationHandlerStop

    return TypeHandler(Update, check)
