"""The staff group's side, on python-telegram-bot: who may act, which card, then
`bot.staff.actions`. Mirrors `bot.telegram.staff` (aiogram)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update, User
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.ptb.replies import answer_query
from bot.settings import Settings
from bot.staff import actions, commands
from bot.staff.card import STAFF_PREFIX
from bot.staff.desk import Actor, AlreadyApplied, CaseDesk, applying
from bot.staff.members import actor_name


def actor_of(user: User) -> Actor:
    return Actor(user.id, actor_name(user.full_name, user.username))


def card_text(message: Message, bot_id: int) -> str | None:
    """The text (or caption) of the bot's own message with card buttons (any card of a case
    works)."""
    markup = message.reply_markup
    if message.from_user is None or message.from_user.id != bot_id or markup is None:
        return None
    datas = [str(button.callback_data or "") for row in markup.inline_keyboard for button in row]
    text = message.text or message.caption  # the card is the dossier PDF's caption
    return text if any(d.startswith(f"{STAFF_PREFIX}:") for d in datas) else None


def staff_handlers(
    desk: CaseDesk, settings: Settings, on_change: Callable[[], None]
) -> list[BaseHandler[Update, Any, None]]:
    """Card buttons (`st:…`) and replies to cards in the staff chat; register them before the
    intake's catch-all button handler."""
    staff_chats = settings.staff_chats  # every staff group; each acts on its own cases
    lang = settings.staff_lang

    async def on_card_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        message = query.message
        pressed_in = (message.chat.id, message.message_id) if message else None
        actor = actor_of(query.from_user)
        try:
            with applying(update.update_id):  # a press delivered twice is applied once
                answer = await actions.press_card(
                    desk,
                    staff_chats,
                    pressed_in,
                    actor,
                    query.data,
                    context.bot.get_chat_member,
                    lang,
                    card_text(message, context.bot.id) if isinstance(message, Message) else None,
                )
        except AlreadyApplied:
            answer = actions.StaffAnswer(None)
        if answer.card_markup is not None and pressed_in is not None:
            with contextlib.suppress(BadRequest):  # already showing them: fine
                await context.bot.edit_message_reply_markup(
                    chat_id=pressed_in[0],
                    message_id=pressed_in[1],
                    reply_markup=InlineKeyboardMarkup.de_json(answer.card_markup, context.bot),
                )
        on_change()
        await answer_query(query, answer.note, alert=answer.alert)

    async def on_reply_to_card(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A reply to a card is a question for the claimant; `/reject text` rejects with it."""
        message = update.message
        assert message is not None and message.reply_to_message is not None
        assert message.text is not None and message.from_user is not None
        try:
            with applying(update.update_id):  # delivered twice, asked once
                answer = await actions.reply_on_card(
                    desk,
                    message.chat.id,
                    message.reply_to_message.message_id,
                    actor_of(message.from_user),
                    message.text,
                    context.bot.get_chat_member,
                    lang,
                    card_text(message.reply_to_message, context.bot.id),
                )
        except AlreadyApplied:
            return
        if answer is not None:
            on_change()
            await message.reply_text(answer, parse_mode=ParseMode.HTML, do_quote=True)

    async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """`/find`, `/mine`, `/stats`: answered as a reply, through the outbox."""
        message = update.message
        assert message is not None and message.text is not None
        assert message.from_user is not None
        parsed = commands.parse_command(message.text)
        if parsed is None:
            return
        command = commands.StaffCommand(
            message.chat.id,
            message.message_id,
            message.message_thread_id if message.is_topic_message else None,
            actor_of(message.from_user),
            *parsed,
        )
        queued = await commands.answer_command(
            desk.storage,
            message.chat.id,
            command,
            context.bot.get_chat_member,
            lang,
            desk.clock(),
            settings.listing_links,
        )
        if queued:
            on_change()

    in_staff_chat = filters.Chat(list(staff_chats)) & filters.UpdateType.MESSAGE
    return [
        CallbackQueryHandler(on_card_button, pattern=f"^{re.escape(STAFF_PREFIX)}:"),
        CommandHandler(list(commands.COMMANDS), on_command, filters=in_staff_chat),
        MessageHandler(in_staff_chat & filters.REPLY & filters.TEXT, on_reply_to_card),
    ]
