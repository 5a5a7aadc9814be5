"""What messages refer to that is known only once earlier ones are sent: the case card's message
id (edits of the card, replies under it) and the case's forum topic. Looked up before a call;
recorded, when a card or a topic is sent, in the transaction that marks it sent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.outbox.messages import (
    BotCall,
    CardButtons,
    CardEdit,
    Delete,
    OpenTopic,
    OutboxMessage,
    Resolved,
    StaffCard,
    bot_call,
)
from bot.outbox.queue import queue
from bot.outbox.send_errors import RetryLater
from bot.telemetry import metrics
from storage import Storage
from storage.database import Connection, from_iso

REMEMBERED = (StaffCard, OpenTopic)  # what later messages refer to: recorded when sent


async def call_for(storage: Storage, message: OutboxMessage) -> BotCall:
    """The Bot API call, with the case card's message id and the case's forum topic put
    where the message refers to them."""
    cases = storage.cases
    card_case = getattr(message, "reply_to_card_of", None)
    if isinstance(message, CardEdit | CardButtons):
        card_case = message.case_id
    card_message_id, card_is_caption = None, False
    if card_case is not None:
        card = await cases.staff_message(card_case)
        if card is None:
            raise RetryLater(2, "the case card is not sent yet")
        card_message_id = card[0]
        if isinstance(message, CardEdit):
            card_is_caption = await cases.staff_card_is_caption(card_case)
    thread_id = None
    topic_case = getattr(message, "topic_of", None)
    if topic_case is not None:
        thread_id = await cases.staff_thread(topic_case)
        if thread_id is None and await cases.staff_message(topic_case) is None:
            raise RetryLater(2, "the case topic is not open yet")
    return bot_call(message, Resolved(card_message_id, thread_id, card_is_caption))


async def remember(
    conn: Connection,
    storage: Storage,
    message: OutboxMessage,
    result: dict[str, Any],
    clock: Callable[[], datetime],
) -> bool:
    """What later messages refer to (the card, the case's topic), with the item marked sent
    in the same transaction. A card sent when the case has one already (composed again)
    replaces it: the older one is deleted, so the case keeps one card. True: that deletion was
    queued (the sender is to be woken)."""
    if isinstance(message, StaffCard) and "message_id" in result:
        earlier = await storage.cases.staff_message(message.case_id)
        if earlier is None:  # the case's first card (not one composed again)
            await _observe_card(conn, message.case_id, clock)
        thread = result.get("message_thread_id")
        await storage.cases.set_staff_message(
            conn,
            message.case_id,
            result["message_id"],
            thread,
            caption=message.document is not None,
        )
        if earlier is not None and earlier[0] != result["message_id"]:
            await queue(
                conn,
                storage,
                Delete(chat_id=message.chat_id, message_id=earlier[0]),
                key=f"case:{message.case_id}:card-replaced:{earlier[0]}",
                case_id=message.case_id,
            )
            return True
    elif isinstance(message, OpenTopic) and "message_thread_id" in result:
        await storage.cases.set_staff_thread(conn, message.case_id, result["message_thread_id"])
    return False


async def _observe_card(conn: Connection, case_id: int, clock: Callable[[], datetime]) -> None:
    sql = "SELECT submitted_at FROM cases WHERE id = ?"
    rows = await conn.execute_fetchall(sql, (case_id,))
    if rows:
        submitted = from_iso(rows[0][0])
        metrics.SUBMIT_TO_CARD.observe((clock() - submitted).total_seconds())
