"""The python-telegram-bot shell: every message and press becomes a neutral event for the one
update router (`bot.updates`); what it decides is queued in the outbox, so nothing here sends
but the answer to a press."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes, MessageHandler, filters
from telegram.helpers import effective_message_type

from bot.ptb.downloads import offered_file
from bot.ptb.replies import answer_query
from bot.updates.convert import message_of, press_of
from bot.updates.router import UpdateRouter


def update_handlers(router: UpdateRouter) -> list[BaseHandler[Update, Any, None]]:
    async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        assert message is not None
        event = message_of(
            update.update_id,
            message,
            bot_id=context.bot.id,
            content_type=effective_message_type(message) or "unknown",
            file=offered_file(context.bot, message),
        )
        await router.message(event)

    async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        toast = await router.press(press_of(update.update_id, query, bot_id=context.bot.id))
        if toast is not None:
            await answer_query(query, toast.text, alert=toast.alert)

    return [
        MessageHandler(filters.UpdateType.MESSAGE, on_message),
        CallbackQueryHandler(on_press),
    ]
