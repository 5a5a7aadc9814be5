"""Drawing the engine's replies with aiogram: HTML text, inline keyboards, long texts split."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram_text import split_message
from dialogs.replies import Reply


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
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
        chunks = split_message(reply.text)
        for i, chunk in enumerate(chunks):
            last = i == len(chunks) - 1
            await bot.send_message(
                chat_id,
                chunk,
                parse_mode="HTML",
                reply_markup=keyboard(reply) if last else None,
                disable_web_page_preview=True,
            )
