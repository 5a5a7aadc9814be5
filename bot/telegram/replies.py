"""Drawing the engine's replies with aiogram: HTML text, inline keyboards, long texts split."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.telegram_text import reply_parts
from dialogs.replies import Reply

log = logging.getLogger(__name__)


def keyboard(
    reply: Reply,
) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None:
    if reply.contact_button is not None:
        button = KeyboardButton(text=reply.contact_button, request_contact=True)
        return ReplyKeyboardMarkup(
            keyboard=[[button]], resize_keyboard=True, one_time_keyboard=True
        )
    if reply.remove_keyboard:
        return ReplyKeyboardRemove(remove_keyboard=True)
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=b.label, callback_data=b.data) for b in row]
            for row in reply.buttons
        ]
    )


async def send_replies(bot: Bot, chat_id: int, replies: list[Reply]) -> None:
    for reply in replies:
        for text, with_keyboard in reply_parts(reply):
            await bot.send_message(
                chat_id,
                text,
                parse_mode="HTML",
                reply_markup=keyboard(reply) if with_keyboard else None,
                disable_web_page_preview=True,
            )


async def answer_query(query: CallbackQuery, text: str | None, *, alert: bool = False) -> None:
    """Answer a button press. Telegram refuses answers to presses older than a few seconds
    (a press handled after a restart): that must not keep the replies from being sent."""
    try:
        await query.answer(text, show_alert=alert)
    except TelegramBadRequest as refusal:
        log.info("press %s not answered: %s", query.id, refusal.message)
