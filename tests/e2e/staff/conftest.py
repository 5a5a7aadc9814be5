"""Staff-side helpers: a claimant files a whole complaint, a staff member acts on its card."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from dialogs.model import Case
from storage import AuditEntry
from tests.e2e.claimant import Claimant, Complaint
from tests.e2e.conftest import STAFF_CHAT_ID, RunningBot
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.models import SentMessage

NUMBER = re.compile(r"IP-\d{4}-\d{6}")


@dataclass
class Filed:
    """A submitted complaint as the two sides see it."""

    claimant: Claimant
    number: str
    receipt: SentMessage
    card: SentMessage  # the staff card (the fake's object: edits show up in place)


async def file_complaint(
    fake: FakeTelegram,
    running_bot: RunningBot,
    user_id: int,
    complaint: Complaint | None = None,
    *,
    russian: bool = False,
) -> Filed:
    """Play a whole complaint (English buttons) and submit it; with `russian`, the claimant
    switches to Russian at the review and submits in Russian. Waits for the staff card and for
    the outbox to be drained."""
    claimant = Claimant(fake, user_id)
    await claimant.reaches("review", complaint)
    if russian:
        await claimant.says("/language", expect="Choose the language")
        await claimant.presses("Русский", expect="Проверьте жалобу")
        receipt = await claimant.presses("Отправить жалобу", expect="Номер дела")
    else:
        receipt = await claimant.presses("Submit", expect="Case number")
    found = NUMBER.search(receipt.text or "")
    assert found, receipt.text
    number = found.group()
    card = await fake.wait_for_message(
        STAFF_CHAT_ID, lambda m: f"Case {number}" in m.content, after=0, timeout=10
    )
    await outbox_drained(fake, running_bot)
    return Filed(claimant, number, receipt, card)


async def outbox_drained(fake: FakeTelegram, running_bot: RunningBot, timeout: float = 5) -> None:
    assert running_bot.app is not None
    outbox = running_bot.app.storage.outbox

    async def empty() -> bool:
        return await outbox.pending_count() == 0

    await fake.wait_until(empty, timeout, message="the outbox did not drain")


async def case_of(running_bot: RunningBot, number: str) -> Case:
    assert running_bot.app is not None
    case = await running_bot.app.storage.cases.get_by_number(number)
    assert case is not None
    return case


async def audit_of(running_bot: RunningBot, number: str) -> list[AuditEntry]:
    assert running_bot.app is not None
    case = await case_of(running_bot, number)
    return await running_bot.app.storage.audit.for_case(case.id)


def button_text(message: SentMessage, label: str) -> str:
    """The full text of the button of `message` whose text contains `label`."""
    for text in message.button_texts:
        if label in text:
            return text
    raise AssertionError(f"no button {label!r} on #{message.message_id}: {message.button_texts}")


async def staff_presses(
    fake: FakeTelegram, user_id: int, card: SentMessage, label: str
) -> dict[str, Any]:
    """A group member presses a card button; returns the bot's answerCallbackQuery."""
    update = fake.user_presses_in_group(STAFF_CHAT_ID, user_id, card, text=button_text(card, label))
    return await fake.wait_for_callback_answer(update)


async def staff_decides(
    fake: FakeTelegram, user_id: int, card: SentMessage, label: str, reason: str | None = None
) -> dict[str, Any]:
    """Accept or Reject (for `reason`) pressed on the card, then "Confirm"; returns the bot's
    answer to the confirmation."""
    await staff_presses(fake, user_id, card, label)
    if reason is not None:
        await fake.wait_until(lambda: any(reason in b for b in card.button_texts))
        await staff_presses(fake, user_id, card, reason)
    await fake.wait_until(lambda: any("Confirm" in b for b in card.button_texts))
    return await staff_presses(fake, user_id, card, "Confirm")


async def staff_replies(
    fake: FakeTelegram, user_id: int, card: SentMessage, text: str
) -> SentMessage:
    """A group member replies to the card; returns the bot's reply to that message."""
    update = fake.user_sends_in_group(
        STAFF_CHAT_ID, user_id, text, reply_to_message_id=card.message_id
    )
    mid = update["message"]["message_id"]
    return await fake.wait_for_message(
        STAFF_CHAT_ID, lambda m: m.reply_to_message_id == mid, after=0
    )


def newest_with_data(fake: FakeTelegram, chat_id: int, prefix: str) -> tuple[SentMessage, str]:
    """The newest bot message in `chat_id` with a button whose callback data starts so."""
    for message in reversed(fake.messages(chat_id)):
        for data in message.callback_datas:
            if data.startswith(prefix):
                return message, data
    raise AssertionError(f"no button {prefix!r} in chat {chat_id}\n{fake.dump(chat_id)}")


def texts_in(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [m.content for m in fake.messages(chat_id)]


class Snapshot:
    """What a refused action must leave untouched: case, audit, card, every bot message."""

    def __init__(self, fake: FakeTelegram, running_bot: RunningBot, filed: Filed) -> None:
        self.fake, self.running_bot, self.filed = fake, running_bot, filed

    async def take(self) -> tuple[object, ...]:
        case = await case_of(self.running_bot, self.filed.number)
        audit = await audit_of(self.running_bot, self.filed.number)
        card = self.filed.card
        return (
            case.status,
            case.assignee_id,
            [e.id for e in audit],
            card.content,
            card.reply_markup,
            len(card.edits),
            [(m.message_id, m.content) for m in self.fake.messages(case.chat_id)],
        )
