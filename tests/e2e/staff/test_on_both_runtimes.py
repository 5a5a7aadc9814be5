"""The staff group and the claimant's submitted cases on python-telegram-bot, through its real
HTTP client against the fake Bot API: the same case as on aiogram (`tests/e2e/staff/`), drawn by
the PTB runtime."""

from __future__ import annotations

from tests.e2e.conftest import CLAIMANT, STAFF_CHAT_ID, STAFF_MEMBER, StartBot
from tests.e2e.staff.conftest import (
    Snapshot,
    audit_of,
    case_of,
    file_complaint,
    newest_with_data,
    outbox_drained,
    staff_decides,
    staff_presses,
    staff_replies,
)
from tests.fake_telegram import FakeTelegram

OUTSIDER = 666
QUESTION = "Please send the licence agreement for the photos."
ANSWER = "The licence agreement is attached to my original complaint, page 2."
REFUSED = "⛔ Only members of the IP team may act on cases."


async def test_take_ask_answer_and_accept(
    fake: FakeTelegram, start_either_runtime: StartBot
) -> None:
    running_bot = await start_either_runtime()
    filed = await file_complaint(fake, running_bot, CLAIMANT)
    card, number, anna = filed.card, filed.number, filed.claimant

    # Take: the card is edited in place, the claimant told.
    answer = await staff_presses(fake, STAFF_MEMBER, card, "Take")
    assert f"You took {number}" in answer.get("text", "")
    await fake.wait_until(lambda: "Assigned to: Sergey" in card.content)
    assert "· in review" in card.content
    await fake.wait_for_message(
        CLAIMANT, lambda m: "being reviewed by the IP team" in m.content, after=filed.receipt
    )

    # A reply to the card is a question for the claimant.
    confirmation = await staff_replies(fake, STAFF_MEMBER, card, QUESTION)
    assert f"Question sent to the claimant of {number}" in confirmation.content
    question = await fake.wait_for_message(
        CLAIMANT, lambda m: QUESTION in m.content, after=filed.receipt
    )
    assert question.button_texts == ["✍️ Answer"]
    await fake.wait_until(lambda: "· waiting for the claimant" in card.content)

    # Answer, then text: taken as the answer (not by the intake); /status still works meanwhile.
    _, data = newest_with_data(fake, CLAIMANT, "q:answer:")
    baseline = fake.messages(CLAIMANT)[-1].message_id
    fake.user_presses(CLAIMANT, question, callback_data=data)
    await fake.wait_for_message(CLAIMANT, lambda m: "Send your answer" in m.content, after=baseline)
    status = await anna.says("/status", expect="Your cases")
    assert f"{number}" in status.content and "waiting for your answer" in status.content
    added = await anna.says(ANSWER, expect="Added to your answer")
    assert number in added.content
    finish_on, finish = newest_with_data(fake, CLAIMANT, "q:finish:")
    baseline = fake.messages(CLAIMANT)[-1].message_id
    fake.user_presses(CLAIMANT, finish_on, callback_data=finish)
    await fake.wait_for_message(CLAIMANT, lambda m: "has been sent" in m.content, after=baseline)

    # Staff see the answer under the card.
    posted = await fake.wait_for_message(
        STAFF_CHAT_ID, lambda m: ANSWER in m.content, after=card, timeout=3
    )
    assert posted.reply_to_message_id == card.message_id
    assert "The claimant answered" in posted.content
    await fake.wait_until(lambda: "· in review" in card.content)
    assert running_bot.app is not None
    assert await running_bot.app.storage.questions.answering(CLAIMANT) is None

    # Accept: recorded, the card shows it, the claimant is told; /status and /case say so.
    answer = await staff_decides(fake, STAFF_MEMBER, card, "Accept")
    assert f"Recorded: {number} — accepted" in answer.get("text", "")
    await fake.wait_until(lambda: "· accepted" in card.content)
    await fake.wait_for_message(
        CLAIMANT, lambda m: "has been accepted" in m.content, after=filed.receipt
    )
    status = await anna.says("/status", expect="Your cases")
    assert f"{number} ·" in status.content and "· accepted" in status.content
    detail = await anna.says(f"/case {number.lower()}", expect=number)
    assert "accepted" in detail.content and "Anna Smirnova" in detail.content
    await outbox_drained(fake, running_bot)

    trail = [(e.action, e.actor_id) for e in await audit_of(running_bot, number)]
    assert [step for step in trail if step[0] != "assigned"] == [
        ("submitted", CLAIMANT),
        ("taken", STAFF_MEMBER),
        ("asked", STAFF_MEMBER),
        ("answered", CLAIMANT),
        ("answer-finished", CLAIMANT),
        ("accept-asked", STAFF_MEMBER),
        ("accepted", STAFF_MEMBER),
        ("decision-notified", None),
    ]
    assert (await case_of(running_bot, number)).status.value == "accepted"
    assert all(r.ok for r in fake.requests), fake.dump()


async def test_reject_offers_the_reasons_on_the_card(
    fake: FakeTelegram, start_either_runtime: StartBot
) -> None:
    running_bot = await start_either_runtime()
    filed = await file_complaint(fake, running_bot, CLAIMANT)
    card, number = filed.card, filed.number

    answer = await staff_presses(fake, STAFF_MEMBER, card, "Reject")
    assert f"Choose the reason for rejecting {number}" in answer.get("text", "")
    await fake.wait_until(lambda: any("Documents missing" in b for b in card.button_texts))
    answer = await staff_decides(fake, STAFF_MEMBER, card, "Documents missing")
    assert f"Recorded: {number} — rejected" in answer.get("text", "")
    await fake.wait_until(lambda: "· rejected" in card.content and not card.buttons)
    rejected = await fake.wait_for_message(
        CLAIMANT, lambda m: "rejected" in m.content, after=filed.receipt
    )
    assert "What you can do" in rejected.content and "documents of your rights" in rejected.content


async def test_an_outsiders_press_and_reply_are_refused(
    fake: FakeTelegram, start_either_runtime: StartBot
) -> None:
    running_bot = await start_either_runtime()
    fake.add_user(OUTSIDER, first_name="Mallory")
    filed = await file_complaint(fake, running_bot, CLAIMANT)
    snapshot = Snapshot(fake, running_bot, filed)
    before = await snapshot.take()
    staff_before = len(fake.messages(STAFF_CHAT_ID))

    for label in ("Take", "Accept", "Reject"):
        answer = await staff_presses(fake, OUTSIDER, filed.card, label)
        assert answer.get("show_alert") is True and answer.get("text") == REFUSED, answer
    # The claimant pressing the card's button from their own chat (forged): refused too.
    forged = fake.forge_callback(CLAIMANT, CLAIMANT, filed.card.message_id, "st:accept:")
    answer = await fake.wait_for_callback_answer(forged)
    assert answer.get("show_alert") is True and answer.get("text") == REFUSED, answer
    update = fake.user_sends_in_group(
        STAFF_CHAT_ID, OUTSIDER, "What is this?", reply_to_message_id=filed.card.message_id
    )
    mid = update["message"]["message_id"]
    refusal = await fake.wait_for_message(
        STAFF_CHAT_ID, lambda m: m.reply_to_message_id == mid, after=0
    )
    assert REFUSED in refusal.content

    assert running_bot.app is not None
    running_bot.app.outbox.kick()
    await outbox_drained(fake, running_bot)
    assert await running_bot.app.outbox.deliver_due() == 0
    assert await snapshot.take() == before
    new = [m.content for m in fake.messages(STAFF_CHAT_ID)[staff_before:]]
    assert new == [refusal.content]
