"""A reply checked as Telegram would check the sendMessage calls the shell makes of it.

No HTTP: the shell's cutting (bot/telegram_text.reply_parts) and the fake Bot API's own checks
(tests/fake_telegram: HTML parsing, the 4096-character limit after entity parsing, reply markup,
callback data of 1–64 bytes) are called directly, so thousands of examples stay cheap.
"""

from __future__ import annotations

from typing import Any

from bot.outbox.text_limits import reply_parts
from dialogs.replies import Reply
from tests.fake_telegram.callbacks import MAX_CALLBACK_ANSWER_TEXT
from tests.fake_telegram.validation import ApiError, check_reply_markup, format_text


def markup(reply: Reply) -> dict[str, Any] | None:
    """The reply_markup both runtimes build of a reply (bot/aiogram/replies.keyboard)."""
    if reply.contact_button is not None:
        button = {"text": reply.contact_button, "request_contact": True}
        return {"keyboard": [[button]], "resize_keyboard": True, "one_time_keyboard": True}
    if reply.remove_keyboard:
        return {"remove_keyboard": True}
    if not reply.buttons:
        return None
    return {
        "inline_keyboard": [
            [{"text": b.label, "callback_data": b.data} for b in row] for row in reply.buttons
        ]
    }


def send_message_errors(reply: Reply) -> list[str]:
    """Telegram's 400s for the messages a reply is sent as; empty when all would be accepted."""
    errors: list[str] = []
    parts = reply_parts(reply)
    if not parts:
        errors.append("a reply cut into no message at all")
    for text, with_keyboard in parts:
        try:
            format_text(text, "HTML", None, caption=False)
            keyboard = markup(reply) if with_keyboard else None
            if keyboard is not None:
                check_reply_markup(keyboard)
        except ApiError as error:
            errors.append(f"{error.description} for {text[:300]!r}")
    for row in reply.buttons:
        for b in row:
            if not b.label.strip():
                errors.append(f"a button without a label: {b.data!r}")
    if reply.contact_button is not None and not reply.contact_button.strip():
        errors.append("a contact button without a label")
    return errors


def toast_errors(toast: str | None) -> list[str]:
    """answerCallbackQuery's text: at most 200 characters."""
    if toast is not None and len(toast) > MAX_CALLBACK_ANSWER_TEXT:
        return [f"toast of {len(toast)} characters: {toast[:100]!r}"]
    return []
