"""A case from submission to decision, through the real aiogram bot and the fake Bot API:
the card is edited in place, the claimant is told every decision in their language, the
claimant's answer to a question lands under the card, and the audit trail names every actor."""

from __future__ import annotations

from tests.e2e.claimant import pdf
from tests.e2e.conftest import CLAIMANT, STAFF_CHAT_ID, STAFF_MEMBER, RunningBot
from tests.e2e.staff.conftest import (
    audit_of,
    case_of,
    file_complaint,
    newest_with_data,
    outbox_drained,
    staff_presses,
    staff_replies,
)
from tests.fake_telegram import FakeTelegram

RU_CLAIMANT = 1002
QUESTION = "Please send the licence agreement for the trademark."


async def test_take_ask_answer_reject_in_russian(
    fake: FakeTelegram, running_bot: RunningBot
) -> None:
    fake.add_user(RU_CLAIMANT, first_name="Olga", language_code="en")
    filed = await file_complaint(fake, running_bot, RU_CLAIMANT, russian=True)
    card, number = filed.card, filed.number
    assert (await case_of(running_bot, number)).lang == "ru"
    assert "· new" in (card.text or "")
    edits = len(card.edits)

    # Take: the card says who has it and that it is in review; the claimant is told, in Russian.
    answer = await staff_presses(fake, STAFF_MEMBER, card, "Take")
    assert f"You took {number}" in answer.get("text", "")
    await fake.wait_until(lambda: "Assigned to: Sergey" in (card.text or ""))
    assert "· in review" in (card.text or "")
    assert card.button_texts == ["❓ Ask the claimant", "✅ Accept", "⛔ Reject"]
    assert len(card.edits) == edits + 1  # edited in place, not posted again
    taken = await fake.wait_for_message(
        RU_CLAIMANT, lambda m: "взято на рассмотрение" in m.content, after=filed.receipt
    )
    assert number in taken.content

    # A reply to the card is a question; the claimant gets it with an "Answer" button.
    confirmation = await staff_replies(fake, STAFF_MEMBER, card, QUESTION)
    assert f"Question sent to the claimant of {number}" in confirmation.content
    question = await fake.wait_for_message(
        RU_CLAIMANT, lambda m: QUESTION in m.content, after=filed.receipt
    )
    assert "У команды есть вопрос по делу" in question.content
    assert question.button_texts == ["✍️ Ответить"]
    await fake.wait_until(lambda: "· waiting for the claimant" in (card.text or ""))

    # The claimant answers with text and a document, then finishes.
    _, data = newest_with_data(fake, RU_CLAIMANT, "q:answer:")
    baseline = fake.messages(RU_CLAIMANT)[-1].message_id
    fake.user_presses(RU_CLAIMANT, question, callback_data=data)
    await fake.wait_for_message(
        RU_CLAIMANT, lambda m: any(d.startswith("q:finish:") for d in m.callback_datas),
        after=baseline,
    )
    baseline = fake.messages(RU_CLAIMANT)[-1].message_id
    fake.user_sends_text(RU_CLAIMANT, "Лицензионный договор прилагаю.")
    await fake.wait_for_message(RU_CLAIMANT, lambda m: number in m.content, after=baseline)
    licence = pdf("licence agreement")
    baseline = fake.messages(RU_CLAIMANT)[-1].message_id
    fake.user_sends_document(RU_CLAIMANT, licence, "licence.pdf", "application/pdf")
    await fake.wait_for_message(RU_CLAIMANT, lambda m: number in m.content, after=baseline)
    finish_on, finish = newest_with_data(fake, RU_CLAIMANT, "q:finish:")
    baseline = fake.messages(RU_CLAIMANT)[-1].message_id
    fake.user_presses(RU_CLAIMANT, finish_on, callback_data=finish)
    await fake.wait_for_message(RU_CLAIMANT, lambda m: number in m.content, after=baseline)

    # Staff see the answer and the document as replies under the card; the card is in review.
    posted_text = await fake.wait_for_message(
        STAFF_CHAT_ID, lambda m: "Лицензионный договор прилагаю." in m.content, after=card
    )
    assert posted_text.reply_to_message_id == card.message_id
    assert "The claimant answered" in posted_text.content
    posted_doc = await fake.wait_for_message(
        STAFF_CHAT_ID, lambda m: m.document is not None, after=card
    )
    assert posted_doc.reply_to_message_id == card.message_id
    assert posted_doc.document is not None and posted_doc.document.data == licence
    assert posted_doc.document.file_name == "licence.pdf"
    await fake.wait_until(lambda: "· in review" in (card.text or ""))

    # Reject: the reasons replace the buttons; "Documents missing" decides.
    await staff_presses(fake, STAFF_MEMBER, card, "Reject")
    await fake.wait_until(lambda: any("Documents missing" in b for b in card.button_texts))
    answer = await staff_presses(fake, STAFF_MEMBER, card, "Documents missing")
    assert f"Recorded: {number} — rejected" in answer.get("text", "")
    await fake.wait_until(lambda: "· rejected" in (card.text or "") and not card.buttons)
    rejected = await fake.wait_for_message(
        RU_CLAIMANT, lambda m: "отклонена" in m.content, after=filed.receipt
    )
    assert number in rejected.content
    assert "документы, подтверждающие права, отсутствуют или недостаточны" in rejected.content
    await outbox_drained(fake, running_bot)

    # The audit trail: every step, by whom.
    trail = [(e.action, e.actor_id) for e in await audit_of(running_bot, number)]
    expected = [
        ("submitted", RU_CLAIMANT),
        ("taken", STAFF_MEMBER),
        ("asked", STAFF_MEMBER),
        ("answered", RU_CLAIMANT),
        ("answer-finished", RU_CLAIMANT),
        ("rejected", STAFF_MEMBER),
    ]
    assert [step for step in trail if step[0] != "assigned"] == expected, trail
    assert ("assigned", STAFF_MEMBER) in trail
    entries = await audit_of(running_bot, number)
    rejected_entry = next(e for e in entries if e.action == "rejected")
    assert rejected_entry.detail["reason"] == "documents_missing"
    assert rejected_entry.actor_name and "Sergey" in rejected_entry.actor_name
    answered = next(e for e in entries if e.action == "answered")
    assert answered.detail["text"] == "Лицензионный договор прилагаю." or answered.detail["files"]
    case = await case_of(running_bot, number)
    assert running_bot.app is not None
    kept = await running_bot.app.storage.questions.messages(case.id)
    assert [m.direction for m in kept] == ["staff", "claimant", "claimant"]
    assert kept[0].text == QUESTION
    assert kept[2].files[0].name == "licence.pdf"

    # Each notice reached the claimant exactly once.
    for marker in ("взято на рассмотрение", QUESTION, "отклонена"):
        assert sum(marker in m.content for m in fake.messages(RU_CLAIMANT)) == 1, marker


async def test_accept_then_forward_to_seller(fake: FakeTelegram, running_bot: RunningBot) -> None:
    filed = await file_complaint(fake, running_bot, CLAIMANT)
    card, number = filed.card, filed.number

    answer = await staff_presses(fake, STAFF_MEMBER, card, "Accept")
    assert f"Recorded: {number} — accepted" in answer.get("text", "")
    await fake.wait_until(lambda: "· accepted" in (card.text or ""))
    assert card.button_texts == ["📨 Forward to seller"]
    accepted = await fake.wait_for_message(
        CLAIMANT, lambda m: "has been accepted" in m.content, after=filed.receipt
    )
    assert number in accepted.content

    answer = await staff_presses(fake, STAFF_MEMBER, card, "Forward to seller")
    assert f"Recorded: {number} — forwarded to the seller" in answer.get("text", "")
    await fake.wait_until(lambda: "· forwarded to the seller" in (card.text or ""))
    assert card.buttons == []
    forwarded = await fake.wait_for_message(
        CLAIMANT, lambda m: "passed to the seller" in m.content, after=filed.receipt
    )
    assert number in forwarded.content
    await outbox_drained(fake, running_bot)

    trail = [(e.action, e.actor_id) for e in await audit_of(running_bot, number)]
    assert trail == [
        ("submitted", CLAIMANT),
        ("accepted", STAFF_MEMBER),
        ("forwarded", STAFF_MEMBER),
    ]
    assert (await case_of(running_bot, number)).status.value == "forwarded"
