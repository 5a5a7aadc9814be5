"""Answering button presses on aiogram (every other reply goes through the outbox)."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import AnswerCallbackQuery
from aiogram.types import CallbackQuery

log = logging.getLogger(__name__)


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
