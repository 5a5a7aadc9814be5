"""Answering button presses on aiogram (the replies themselves go through the outbox), and
the throttle's notice sent at once."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import AnswerCallbackQuery
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    LinkPreviewOptions,
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
    """Sent at once, outside the outbox: only for what follows from no change and need not
    survive a crash (the throttle's notice). Everything else is queued in the outbox."""
    for reply in replies:
        for text, with_keyboard in reply_parts(reply):
            await bot.send_message(
                chat_id,
                text,
                parse_mode="HTML",
                reply_markup=keyboard(reply) if with_keyboard else None,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )


async def answer_query(query: CallbackQuery, text: str | None, *, alert: bool = False) -> None:
    """Answer a button press at once. Telegram refuses answers to presses older than a few
    seconds (a press handled after a restart): that must not keep the replies from being sent."""
    try:
        await query.answer(text, show_alert=alert)
    except TelegramBadRequest as refusal:
        log.info("press %s not answered: %s", query.id, refusal.message)


def answer_method(
    query: CallbackQuery, text: str | None, *, alert: bool = False
) -> AnswerCallbackQuery:
    """The answer to a button press, returned by the handler rather than sent: in webhook mode
    aiogram puts it in the webhook's HTTP response (no Bot API call of its own); polling
    performs it (`perform_answer`)."""
    return query.answer(text, show_alert=alert)


async def perform_answer(bot: Bot, result: object) -> None:
    """What a handler returned, performed when the update did not come by webhook. Telegram
    refuses answers to presses older than a few seconds (a press handled after a restart):
    logged, never raised."""
    if not isinstance(result, AnswerCallbackQuery):
        return
    try:
        await bot(result)
    except TelegramBadRequest as refusal:
        log.info("press %s not answered: %s", result.callback_query_id, refusal.message)
