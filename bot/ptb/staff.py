"""The staff group's side, on python-telegram-bot: who may act, which card, then
`bot.staff.actions`. Mirrors `bot.telegram.staff` (aiogram)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from telegram import InlineKeyboardMarkup, Update, User
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.settings import Settings
from bot.staff import actions
from bot.staff.card import STAFF_PREFIX
from bot.staff.desk import Actor, CaseDesk
from bot.staff.members import actor_name, is_staff
from dialogs.i18n import texts


def actor_of(user: User) -> Actor:
    return Actor(user.id, actor_name(user.full_name, user.username))


def staff_handlers(
    desk: CaseDesk, settings: Settings, on_change: Callable[[], None]
) -> list[BaseHandler[Update, Any, None]]:
    """Card buttons (`st:…`) and replies to cards in the staff chat; register them before the
    intake's catch-all button handler."""
    staff_chat = settings.staff_chat_id
    lang = settings.staff_lang
    t = texts(lang)

    async def on_card_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        message = query.message
        if (
            message is None
            or message.chat.id != staff_chat
            or not await is_staff(context.bot.get_chat_member, staff_chat, query.from_user.id)
        ):
            await query.answer(t.plain("staff-refused"), show_alert=True)
            return
        case = await desk.storage.cases.get_by_staff_message(message.message_id)
        if case is None:
            await query.answer(t.plain("staff-not-a-card"), show_alert=True)
            return
        answer = await actions.press(desk, case, actor_of(query.from_user), query.data, lang)
        if answer.card_markup is not None:
            await context.bot.edit_message_reply_markup(
                chat_id=message.chat.id,
                message_id=message.message_id,
                reply_markup=InlineKeyboardMarkup.de_json(answer.card_markup, context.bot),
            )
        on_change()
        await query.answer(answer.note, show_alert=answer.alert)

    async def on_reply_to_card(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        assert message is not None and message.reply_to_message is not None
        assert message.text is not None and message.from_user is not None
        case = await desk.storage.cases.get_by_staff_message(message.reply_to_message.message_id)
        if case is None:
            return
        if not await is_staff(context.bot.get_chat_member, staff_chat, message.from_user.id):
            await message.reply_text(t("staff-refused"), parse_mode=ParseMode.HTML, do_quote=True)
            return
        answer = await actions.reply_to_card(
            desk, case, actor_of(message.from_user), message.text, lang
        )
        if answer is not None:
            on_change()
            await message.reply_text(answer, parse_mode=ParseMode.HTML, do_quote=True)

    in_staff_chat = filters.Chat(staff_chat) & filters.UpdateType.MESSAGE
    return [
        CallbackQueryHandler(on_card_button, pattern=f"^{re.escape(STAFF_PREFIX)}:"),
        MessageHandler(in_staff_chat & filters.REPLY & filters.TEXT, on_reply_to_card),
    ]
