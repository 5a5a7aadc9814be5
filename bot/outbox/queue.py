"""Messages that follow from a state change, queued in the outbox in the change's transaction.

Every message is a typed `bot.outbox.messages` model; `queue` writes one under a dedupe key, so
a handler replayed (an update delivered again, a restart mid-handler) queues nothing twice.
This is what every side (claimant, staff, operations) uses to put a message in the outbox.
"""

from __future__ import annotations

from datetime import datetime

from bot.outbox.messages import OutboxMessage, Text, keyboard_of
from bot.outbox.text_limits import reply_parts
from dialogs.replies import Reply
from storage import Storage
from storage.database import Connection


async def queue(
    conn: Connection,
    storage: Storage,
    message: OutboxMessage,
    *,
    key: str,
    case_id: int | None = None,
    now: datetime | None = None,
) -> int | None:
    """One message into the outbox, in the caller's transaction (None: the key was there)."""
    return await storage.outbox.enqueue(
        conn,
        chat_id=message.chat_id,
        method=message.kind,
        payload=message.model_dump(mode="json", exclude={"kind"}),
        dedupe_key=key,
        case_id=case_id,
        now=now,
    )


def reply_messages(chat_id: int, replies: list[Reply]) -> list[Text]:
    """The engine's replies as messages: long texts split, the keyboard under the last part."""
    return [
        Text(
            chat_id=chat_id,
            text=text,
            keyboard=keyboard_of(reply) if with_keyboard else None,
            contact_button=reply.contact_button if with_keyboard else None,
            reply_keys=list(reply.reply_keys) if with_keyboard else [],
            remove_keyboard=reply.remove_keyboard and with_keyboard,
        )
        for reply in replies
        for text, with_keyboard in reply_parts(reply)
    ]


async def queue_replies(
    conn: Connection,
    storage: Storage,
    chat_id: int,
    replies: list[Reply],
    *,
    key: str,
    case_id: int | None = None,
) -> None:
    """Replies under `key:0`, `key:1`…, in order."""
    for i, message in enumerate(reply_messages(chat_id, replies)):
        await queue(conn, storage, message, key=f"{key}:{i}", case_id=case_id)
