"""Answering button presses on PTB (every other reply goes through the outbox)."""

from __future__ import annotations

import logging

from telegram import CallbackQuery
from telegram.error import BadRequest

log = logging.getLogger(__name__)


async def answer_query(query: CallbackQuery, text: str | None, *, alert: bool = False) -> None:
    """Answer a button press. Telegram refuses answers to presses older than a few seconds
    (a press handled after a restart): that must not keep the replies from being sent."""
    try:
        await query.answer(text, show_alert=alert)
    except BadRequest as refusal:
        log.info("press %s not answered: %s", query.id, refusal.message)
