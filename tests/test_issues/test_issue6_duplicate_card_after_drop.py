"""Issue 6, observation 5: a dossier card re-sent after a connection dropped after delivery
left several identical cards; all but the last answered every button with "This is not a case
card", and the PDF was posted again per drop.

Any card of a case now works (the case is found from the card itself when its message id is
not the one recorded), and a duplicate card is removed once used: one working card remains."""

from __future__ import annotations

from typing import Any

from tests.e2e.claimant import Claimant
from tests.e2e.conftest import CLAIMANT, STAFF_CHAT_ID, STAFF_MEMBER, RunningBot
from tests.e2e.staff.conftest import audit_of, button_text, outbox_drained
from tests.fake_telegram import FakeTelegram


def drop_the_card_once(fake: FakeTelegram, running_bot: RunningBot) -> None:
    """The connection drops right after Telegram delivered the card (and only the card)."""
    assert running_bot.app is not None
    transport = running_bot.app.outbox.transport
    call = transport.call
    dropped: list[bool] = []

    async def call_dropping_the_card(method: str, payload: dict[str, Any]) -> Any:
        buttons = [
            b["callback_data"]
            for row in (payload.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row
        ]
        if any(d.startswith("st:") for d in buttons) and not dropped:
            dropped.append(True)
            fake.drop_next(method, after_delivery=True)  # the card: the PDF with its caption
        return await call(method, payload)

    transport.call = call_dropping_the_card


def cards(fake: FakeTelegram, number: str) -> list[Any]:
    return [
        m
        for m in fake.messages(STAFF_CHAT_ID, include_deleted=False)
        if f"Case {number}" in m.content and m.buttons
    ]


async def test_a_card_sent_again_after_a_drop_leaves_one_working_card(
    fake: FakeTelegram, either_bot: RunningBot
) -> None:
    drop_the_card_once(fake, either_bot)
    anna = Claimant(fake, CLAIMANT)
    await anna.reaches("review")
    receipt = await anna.presses("Submit", expect="Case number")
    number = (receipt.text or "").split("Case number: ")[1].split()[0]
    await fake.wait_until(lambda: len(cards(fake, number)) == 2, 10, dump_chat=STAFF_CHAT_ID)
    await outbox_drained(fake, either_bot)
    older, newer = cards(fake, number)
    assert older.message_id < newer.message_id
    # Only the card (the dossier PDF with its caption) was sent again.
    assert all(m.document is not None for m in (older, newer))

    # The older card works, and goes: the case keeps one card, the one recorded.
    update = fake.user_presses_in_group(
        STAFF_CHAT_ID, STAFF_MEMBER, older, text=button_text(older, "Take")
    )
    answer = await fake.wait_for_callback_answer(update)
    assert answer.get("text") != "This is not a case card."
    assert f"You took {number}" in answer.get("text", "")
    await fake.wait_until(lambda: cards(fake, number) == [newer], 5, dump_chat=STAFF_CHAT_ID)
    await fake.wait_until(lambda: "Assigned to: Sergey" in newer.content, 5)
    await fake.wait_for_message(CLAIMANT, lambda m: "being reviewed" in m.content, after=0)
    await outbox_drained(fake, either_bot)
    assert [e.action for e in await audit_of(either_bot, number)].count("taken") == 1

    # The remaining card works as ever.
    answer = await fake.wait_for_callback_answer(
        fake.user_presses_in_group(
            STAFF_CHAT_ID, STAFF_MEMBER, newer, text=button_text(newer, "Accept")
        )
    )
    assert "Confirm on the card" in answer.get("text", "")
