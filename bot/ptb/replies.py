"""Answering button presses on PTB (the replies themselves go through the outbox), and the
throttle's notice sent at once."""

from __future__ import annotations

import logging

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    LinkPreviewOptions,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.telegram_text import reply_parts
from dialogs.replies import Reply

log = logging.getLogger(__name__)


def keyboard(
    reply: Reply,
) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None:
    if reply.contact_button is not None:
        button = KeyboardButton(reply.contact_button, request_contact=True)
        return ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True)
    if reply.remove_keyboard:
        return ReplyKeyboardRemove()
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(text=b.label, callback_data=b.data) for b in row]
            for row in reply.buttons
        ]
    )


async def send_replies(bot: Bot, chat_id: int, replies: list[Reply]) -> None:
    """Sent at once, outside the outbox: only for what follows from no change and need not
    survive a crash (the throttle's notice). Everything else is queued in the outbox."""
    for reply in replies:
        for text, with_keyboard in reply_parts(reply):
            await bot.send_message(
                chat_id,
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard(reply) if with_keyboard else None,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )


async def answer_query(query: CallbackQuery, text: str | None, *, alert: bool = False) -> None:
    """Answer a button press. Telegram refuses answers to presses older than a few seconds
    (a press handled after a restart): that must not keep the replies from being sent."""
    try:
        await query.answer(text, show_alert=alert)
    except BadRequest as refusal:
        log.info("press %s not answered: %s", query.id, refusal.message)
