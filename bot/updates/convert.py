"""aiogram's and python-telegram-bot's messages and presses as neutral events.

Both frameworks model the Bot API's objects with the API's own field names, so one reading
serves both; each runtime passes in only what it names differently (a message's content type)
or does its own way (downloading a file)."""

from __future__ import annotations

from typing import Any

from bot.claimant.uploads import OfferedFile
from bot.updates.incoming import Chat, Message, Press, Shown, User


def user_of(user: Any) -> User:
    return User(user.id, user.full_name, user.username, user.language_code)


def chat_of(chat: Any) -> Chat:
    return Chat(chat.id, str(getattr(chat.type, "value", chat.type)))


def shown_of(message: Any, bot_id: int) -> Shown:
    """Any message, the inaccessible kind (`date` 0: no text, no sender) included."""
    sender = getattr(message, "from_user", None)
    markup = getattr(message, "reply_markup", None)
    rows = getattr(markup, "inline_keyboard", None) or ()
    return Shown(
        message.message_id,
        from_bot=sender is not None and sender.id == bot_id,
        text=getattr(message, "text", None) or getattr(message, "caption", None),
        button_data=tuple(str(b.callback_data or "") for row in rows for b in row),
    )


def message_of(
    update_id: int,
    message: Any,
    *,
    bot_id: int,
    content_type: str,
    file: OfferedFile | None,
) -> Message:
    contact = message.contact
    replied = message.reply_to_message
    return Message(
        update_id=update_id,
        chat=chat_of(message.chat),
        user=user_of(message.from_user) if message.from_user is not None else None,
        message_id=message.message_id,
        text=message.text,
        caption=message.caption,
        content_type=content_type,
        contact_phone=contact.phone_number if contact is not None else None,
        file=file,
        media_group_id=message.media_group_id,
        thread_id=message.message_thread_id if message.is_topic_message else None,
        reply_to=shown_of(replied, bot_id) if replied is not None else None,
    )


def press_of(update_id: int, query: Any, *, bot_id: int) -> Press:
    message = query.message
    return Press(
        update_id=update_id,
        query_id=str(query.id),
        user=user_of(query.from_user),
        data=str(query.data or ""),
        chat=chat_of(message.chat) if message is not None else None,
        shown=shown_of(message, bot_id) if message is not None else None,
    )
