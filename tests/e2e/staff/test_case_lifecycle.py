"""A case from submission to decision, through the real aiogram bot and the fake Bot API:
the card is edited in place, the claimant is told every decision in their language, the
claimant's answer to a question lands under the card, and the audit trail names every actor."""

from __future__ import annotations

import re

from tests.e2e.claimant import Claimant, pdf
from tests.e2e.conftest import CLAIMANT, STAFF_CHAT_ID, STAFF_MEMBER, RunningBot
from tests.e2e.staff.conftest import (
    Filed,
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

RU_CLAIMANT = 1002
QUESTION = "Please send the licence agreement for the trademark."
ANSWER = "Лицензионный договор прилагаю."
LICENCE = pdf("licence agreement")
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def is_russian(text: str) -> bool:
    """Mostly Cyrillic letters (case numbers and emoji aside)."""
    letters = [ch for ch in text if ch.isalpha()]
    return sum(bool(CYRILLIC.match(ch)) for ch in letters) > len(letters) * 0.6


async def file_in_russian(fake: FakeTelegram, running_bot: RunningBot) -> Filed:
    fake.add_user(RU_CLAIMANT, first_name="Olga", language_code="en")
    filed = await file_complaint(fake, running_bot, RU_CLAIMANT, russian=True)
    assert (await case_of(running_bot, filed.number)).lang == "ru"
    assert "· new" in filed.card.content
    return filed


async def take(fake: FakeTelegram, filed: Filed) -> None:
    """Take: the card says who has it and that it is in review; the claimant is told."""
    card, number = filed.card, filed.number
    edits = len(card.edits)
    answer = await staff_presses(fake, STAFF_MEMBER, card, "Take")
    assert f"You took {number}" in answer.get("text", "")
    await fake.wait_until(lambda: "Assigned to: Sergey" in card.content)
    assert "· in review" in card.content
    assert card.button_texts == [
        "❓ Ask the claimant",
        "✅ Accept",
        "⛔ Reject",
        "🙋 Take over",
        "📎 Files",
    ]
    assert len(card.edits) == edits + 1  # edited in place, not posted again
    taken = await fake.wait_for_message(
        RU_CLAIMANT, lambda m: "взято на рассмотрение" in m.content, after=filed.receipt
    )
    assert number in taken.content


async def ask_and_answer(fake: FakeTelegram, filed: Filed) -> None:
    """A reply to the card is a question; the claimant answers it with text and a PDF."""
    card, number = filed.card, filed.number
    confirmation = await staff_replies(fake, STAFF_MEMBER, card, QUESTION)
    assert f"Question sent to the claimant of {number}" in confirmation.content
    question = await fake.wait_for_message(
        RU_CLAIMANT, lambda m: QUESTION in m.content, after=filed.receipt
    )
    assert "У команды есть вопрос по делу" in question.content and number in question.content
    assert question.button_texts == ["✍️ Ответить"]
    await fake.wait_until(lambda: "· waiting for the claimant" in card.content)

    def finish_offered(after: int) -> object:
        return fake.wait_for_message(
            RU_CLAIMANT,
            lambda m: any(d.startswith("q:finish:") for d in m.callback_datas),
            after=after,
        )

    _, data = newest_with_data(fake, RU_CLAIMANT, "q:answer:")
    baseline = fake.messages(RU_CLAIMANT)[-1].message_id
    fake.user_presses(RU_CLAIMANT, question, callback_data=data)
    await finish_offered(baseline)
    baseline = fake.messages(RU_CLAIMANT)[-1].message_id
    fake.user_sends_text(RU_CLAIMANT, ANSWER)
    await finish_offered(baseline)
    baseline = fake.messages(RU_CLAIMANT)[-1].message_id
    fake.user_sends_document(RU_CLAIMANT, LICENCE, "licence.pdf", "application/pdf")
    await finish_offered(baseline)
    finish_on, finish = newest_with_data(fake, RU_CLAIMANT, "q:finish:")
    baseline = fake.messages(RU_CLAIMANT)[-1].message_id
    fake.user_presses(RU_CLAIMANT, finish_on, callback_data=finish)
    await fake.wait_for_message(RU_CLAIMANT, lambda m: number in m.content, after=baseline)


async def reject_for_missing_documents(fake: FakeTelegram, filed: Filed) -> None:
    """Reject: the reasons replace the buttons; "Documents missing" decides; told in Russian."""
    card, number = filed.card, filed.number
    answer = await staff_decides(fake, STAFF_MEMBER, card, "Reject", "Documents missing")
    assert f"Recorded: {number} — rejected" in answer.get("text", "")
    await fake.wait_until(lambda: "· rejected" in card.content and not card.buttons)
    rejected = await fake.wait_for_message(
        RU_CLAIMANT, lambda m: "отклонена" in m.content, after=filed.receipt
    )
    assert number in rejected.content
    assert "документы, подтверждающие права, отсутствуют или недостаточны" in rejected.content
    # The statement of reasons says what to do next, in Russian: file again with the documents.
    assert "Что вы можете сделать" in rejected.content
    assert "с документами о ваших правах" in rejected.content and "в суде" in rejected.content


async def test_take_then_reject_with_a_reason_in_russian(
    fake: FakeTelegram, running_bot: RunningBot
) -> None:
    filed = await file_in_russian(fake, running_bot)
    await take(fake, filed)
    await reject_for_missing_documents(fake, filed)
    await outbox_drained(fake, running_bot)

    entries = await audit_of(running_bot, filed.number)
    assert [(e.action, e.actor_id) for e in entries] == [
        ("submitted", RU_CLAIMANT),
        ("assigned", STAFF_MEMBER),
        ("taken", STAFF_MEMBER),
        ("reject-asked", STAFF_MEMBER),
        ("rejected", STAFF_MEMBER),
        ("decision-notified", None),
    ]
    assert entries[-1].detail["reason"] == "documents_missing"
    assert entries[-2].actor_name and "Sergey" in entries[-2].actor_name
    for marker in ("взято на рассмотрение", "отклонена"):
        assert sum(marker in m.content for m in fake.messages(RU_CLAIMANT)) == 1, marker


async def test_the_answer_to_a_question_is_kept_with_the_case(
    fake: FakeTelegram, running_bot: RunningBot
) -> None:
    filed = await file_in_russian(fake, running_bot)
    await take(fake, filed)
    await ask_and_answer(fake, filed)

    case = await case_of(running_bot, filed.number)
    assert case.status.value == "in_review"
    assert running_bot.app is not None
    kept = await running_bot.app.storage.questions.messages(case.id)
    assert [(m.direction, m.author_id) for m in kept] == [
        ("staff", STAFF_MEMBER),
        ("claimant", RU_CLAIMANT),
        ("claimant", RU_CLAIMANT),
    ]
    assert kept[0].text == QUESTION and kept[1].text == ANSWER
    assert [f.name for f in kept[2].files] == ["licence.pdf"]
    assert running_bot.app.storage.files.read(kept[2].files[0].sha256) == LICENCE
    trail = [(e.action, e.actor_id) for e in await audit_of(running_bot, filed.number)]
    assert trail[-4:] == [
        ("asked", STAFF_MEMBER),
        ("answered", RU_CLAIMANT),
        ("answered", RU_CLAIMANT),
        ("answer-finished", RU_CLAIMANT),
    ]


async def test_full_case_question_answered_under_the_card_then_rejected(
    fake: FakeTelegram, running_bot: RunningBot
) -> None:
    filed = await file_in_russian(fake, running_bot)
    card, number = filed.card, filed.number
    await take(fake, filed)
    await ask_and_answer(fake, filed)

    # Staff see the answer and the document as replies under the card; the card is in review.
    posted_text = await fake.wait_for_message(
        STAFF_CHAT_ID, lambda m: ANSWER in m.content, after=card, timeout=3
    )
    assert posted_text.reply_to_message_id == card.message_id
    assert "The claimant answered" in posted_text.content
    posted_doc = await fake.wait_for_message(
        STAFF_CHAT_ID, lambda m: m.document is not None, after=card
    )
    assert posted_doc.reply_to_message_id == card.message_id
    assert posted_doc.document is not None and posted_doc.document.data == LICENCE
    assert posted_doc.document.file_name == "licence.pdf"
    await fake.wait_until(lambda: "· in review" in card.content)

    await reject_for_missing_documents(fake, filed)
    await outbox_drained(fake, running_bot)

    trail = [(e.action, e.actor_id) for e in await audit_of(running_bot, number)]
    assert [step for step in trail if step[0] != "assigned"] == [
        ("submitted", RU_CLAIMANT),
        ("taken", STAFF_MEMBER),
        ("asked", STAFF_MEMBER),
        ("answered", RU_CLAIMANT),
        ("answered", RU_CLAIMANT),
        ("answer-finished", RU_CLAIMANT),
        ("reject-asked", STAFF_MEMBER),
        ("rejected", STAFF_MEMBER),
        ("decision-notified", None),
    ]
    for marker in ("взято на рассмотрение", QUESTION, "отклонена"):
        assert sum(marker in m.content for m in fake.messages(RU_CLAIMANT)) == 1, marker


async def test_accept_then_forward_to_seller(fake: FakeTelegram, running_bot: RunningBot) -> None:
    filed = await file_complaint(fake, running_bot, CLAIMANT)
    card, number = filed.card, filed.number

    answer = await staff_decides(fake, STAFF_MEMBER, card, "Accept")
    assert f"Recorded: {number} — accepted" in answer.get("text", "")
    await fake.wait_until(lambda: "· accepted" in card.content)
    assert card.button_texts == ["📨 Forward to seller", "🙋 Take over", "📎 Files"]
    accepted = await fake.wait_for_message(
        CLAIMANT, lambda m: "has been accepted" in m.content, after=filed.receipt
    )
    assert number in accepted.content

    answer = await staff_presses(fake, STAFF_MEMBER, card, "Forward to seller")
    assert f"Recorded: {number} — forwarded to the seller" in answer.get("text", "")
    await fake.wait_until(lambda: "· forwarded to the seller" in card.content)
    assert card.buttons == []
    forwarded = await fake.wait_for_message(
        CLAIMANT, lambda m: "passed to the seller" in m.content, after=filed.receipt
    )
    assert number in forwarded.content
    await outbox_drained(fake, running_bot)

    trail = [(e.action, e.actor_id) for e in await audit_of(running_bot, number)]
    assert trail == [
        ("submitted", CLAIMANT),
        ("accept-asked", STAFF_MEMBER),
        ("assigned", STAFF_MEMBER),  # whoever confirms a decision holds the case
        ("accepted", STAFF_MEMBER),
        ("decision-notified", None),
        ("forwarded", STAFF_MEMBER),
    ]
    assert (await case_of(running_bot, number)).status.value == "forwarded"


async def test_the_answering_prompts_speak_the_language_of_the_case(
    fake: FakeTelegram, running_bot: RunningBot
) -> None:
    filed = await file_in_russian(fake, running_bot)
    await take(fake, filed)
    await ask_and_answer(fake, filed)
    after_question = next(m for m in fake.messages(RU_CLAIMANT) if QUESTION in m.content).message_id
    prompts = [m for m in fake.messages(RU_CLAIMANT) if m.message_id > after_question]
    assert prompts, fake.dump(RU_CLAIMANT)
    for prompt in prompts:
        assert is_russian(prompt.content + " ".join(prompt.button_texts)), prompt.short()
    status = await filed.claimant.says("/status", expect=filed.number)
    assert "Ваши дела" in status.content


async def test_wrong_input_while_answering_is_explained_and_attaches_nothing(
    fake: FakeTelegram, running_bot: RunningBot
) -> None:
    """An EXE dressed as a PDF, a 30 MB file and a sticker sent as an answer: each explained in
    the claimant's language; nothing is kept with the case, audited or posted to staff."""
    filed = await file_in_russian(fake, running_bot)
    await staff_replies(fake, STAFF_MEMBER, filed.card, QUESTION)
    question = await fake.wait_for_message(
        RU_CLAIMANT, lambda m: QUESTION in m.content, after=filed.receipt
    )
    _, data = newest_with_data(fake, RU_CLAIMANT, "q:answer:")
    baseline = fake.messages(RU_CLAIMANT)[-1].message_id
    fake.user_presses(RU_CLAIMANT, question, callback_data=data)
    await fake.wait_for_message(
        RU_CLAIMANT, lambda m: "Отправьте ответ" in m.content, after=baseline
    )
    assert running_bot.app is not None
    storage = running_bot.app.storage
    case = await case_of(running_bot, filed.number)
    kept_before = await storage.questions.messages(case.id)
    audit_before = await audit_of(running_bot, filed.number)
    staff_before = len(fake.messages(STAFF_CHAT_ID))

    claimant = Claimant(fake, RU_CLAIMANT)
    refused = await claimant.sends_document(
        b"MZ\x90\x00" + b"\x00" * 200, "licence.pdf", "application/pdf", expect="EXE"
    )
    assert "не принимается" in refused.content
    too_big = await claimant.sends_document(
        pdf("big"), "big.pdf", "application/pdf", expect="30 МБ", declared_size=30 * 1024 * 1024
    )
    assert "20 МБ" in too_big.content
    wrong_kind = await claimant.sends_sticker(expect="ответьте текстом")
    assert is_russian(wrong_kind.content)

    assert await storage.questions.messages(case.id) == kept_before
    assert await audit_of(running_bot, filed.number) == audit_before
    await outbox_drained(fake, running_bot)
    assert len(fake.messages(STAFF_CHAT_ID)) == staff_before


async def test_reject_pressed_twice_still_answers(
    fake: FakeTelegram, running_bot: RunningBot
) -> None:
    """A second press of Reject (a double tap) finds the reasons already shown — Telegram says
    "message is not modified" — and is still answered; a reason then decides the case."""
    filed = await file_complaint(fake, running_bot, CLAIMANT)
    first = await staff_presses(fake, STAFF_MEMBER, filed.card, "Reject")
    await fake.wait_until(lambda: any("Documents missing" in b for b in filed.card.button_texts))
    again = fake.forge_callback(STAFF_MEMBER, STAFF_CHAT_ID, filed.card.message_id, "st:reject:")
    second = await fake.wait_for_callback_answer(again)
    assert "Choose the reason" in first.get("text", "") and "Choose the reason" in second.get(
        "text", ""
    )
    await staff_presses(fake, STAFF_MEMBER, filed.card, "Documents missing")
    await fake.wait_until(lambda: any("Confirm" in b for b in filed.card.button_texts))
    decided = await staff_presses(fake, STAFF_MEMBER, filed.card, "Confirm")
    assert f"Recorded: {filed.number} — rejected" in decided.get("text", "")
