"""A claimant flooding the bot is told to slow down once, then not answered (bot/throttle.py):
a handler in a group of its own, ahead of every other, that ends a throttled update there. The
update is still done as far as Telegram is concerned (confirmed, never delivered again)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, BaseHandler, ContextTypes, TypeHandler

from bot.ptb.replies import send_replies
from bot.throttle import Throttle, Verdict, slow_down_notice
from storage import Storage

THROTTLE_GROUP = -100  # before every other group (the answering mode is in -1)


def throttle_handler(throttle: Throttle, storage: Storage) -> BaseHandler[Update, Any, None]:
    async def check(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None or chat.type != ChatType.PRIVATE:
            return
        message = update.effective_message
        verdict = throttle.check(user.id, message.media_group_id if message else None)
        if verdict is Verdict.PASS:
            return
        if verdict is Verdict.NOTICE:
            notice = await slow_down_notice(storage, user.id, user.language_code)
            await send_replies(context.bot, chat.id, [notice])
        raise ApplicationHandlerStop

    return TypeHandler(Update, check)
