"""The aiogram shell: every message and press becomes a neutral event for the one update
router (`bot.updates`); what it decides is queued in the outbox, so nothing here sends."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.methods import AnswerCallbackQuery
from aiogram.types import CallbackQuery, Message, Update

from bot.aiogram.downloads import offered_file
from bot.aiogram.replies import answer_method
from bot.updates.convert import message_of, press_of
from bot.updates.router import UpdateRouter


def updates_router(router: UpdateRouter) -> Router:
    shell = Router(name="updates")

    @shell.message()
    async def on_message(message: Message, bot: Bot, event_update: Update) -> None:
        event = message_of(
            event_update.update_id,
            message,
            bot_id=bot.id,
            content_type=str(message.content_type),
            file=offered_file(bot, message),
        )
        await router.message(event)

    @shell.callback_query()
    async def on_press(
        query: CallbackQuery, bot: Bot, event_update: Update
    ) -> AnswerCallbackQuery | None:
        """The press's answer is returned, not sent (see `answer_method`)."""
        toast = await router.press(press_of(event_update.update_id, query, bot_id=bot.id))
        return None if toast is None else answer_method(query, toast.text, alert=toast.alert)

    return shell
