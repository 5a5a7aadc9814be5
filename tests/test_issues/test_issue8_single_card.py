"""Issue 8, on both runtimes against the fake Bot API: one message per case in the staff group
(the dossier PDF whose caption is the card, its buttons under it, edited in place), the files on
demand ("📎 Files": one album under the card, once per press, staff only), several staff groups
(routed by right type or in turn, each acting on its own cases), and a 429 / 5xx on the card's
send still leaving exactly one card."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from bot.staff.card import CAPTION_LIMIT
from tests.e2e.claimant import Claimant, Complaint, pdf, png
from tests.e2e.conftest import CLAIMANT, STAFF_CHAT_ID, STAFF_MEMBER, RunningBot
from tests.e2e.staff.conftest import (
    NUMBER,
    Filed,
    case_of,
    file_complaint,
    outbox_drained,
    staff_presses,
    staff_replies,
)
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.models import SentMessage

OUTSIDER = 666
SECOND_GROUP = -1009876543210
SECOND_MEMBER = 502
OTHER_CLAIMANT = 1002

StartBot = Callable[..., Awaitable[RunningBot]]


def shown(fake: FakeTelegram, chat_id: int) -> list[SentMessage]:
    return fake.messages(chat_id, include_deleted=False)


def cards_of(fake: FakeTelegram, chat_id: int, number: str) -> list[SentMessage]:
    return [m for m in shown(fake, chat_id) if f"Case {number}" in m.content]


async def test_one_message_per_case_the_pdf_with_the_card_edited_in_place(
    fake: FakeTelegram, start_either_runtime: StartBot
) -> None:
    running = await start_either_runtime()
    filed = await file_complaint(fake, running, CLAIMANT)
    card = filed.card

    # One message in the group: the dossier PDF, the card its caption, the buttons under it.
    assert shown(fake, STAFF_CHAT_ID) == [card]
    assert card.method == "sendDocument"
    assert card.document is not None and card.document.file_name == f"{filed.number}.pdf"
    assert card.document.data is not None and card.document.data.startswith(b"%PDF")
    assert card.caption is not None and len(card.caption) <= CAPTION_LIMIT
    assert "Right: trademark" in card.content and "Holder: Romashka LLC" in card.content
    assert "🙋 Take" in card.button_texts and card.button_texts[-1] == "📎 Files"

    # Take: the caption and the buttons edited in place; nothing new posted.
    answer = await staff_presses(fake, STAFF_MEMBER, card, "Take")
    assert "You took" in answer.get("text", "")
    await fake.wait_until(lambda: "· in review" in card.content and "Sergey" in card.content)
    assert card.edits[-1]["method"] == "editMessageCaption"
    assert "🙋 Take over" in card.button_texts and card.button_texts[-1] == "📎 Files"
    await outbox_drained(fake, running)
    assert shown(fake, STAFF_CHAT_ID) == [card]
    assert not fake.calls("editMessageText")

    # The question (a reply to the card) and the claimant's answer stay under it.
    await staff_replies(fake, STAFF_MEMBER, card, "Which shop sells them?")
    await filed.claimant.presses("Answer", expect="Send your answer")
    await filed.claimant.says("Shop 42", expect="Added to your answer")
    await filed.claimant.presses("Finish", expect=filed.number)
    answered = await fake.wait_for_message(STAFF_CHAT_ID, lambda m: "Shop 42" in m.content, after=0)
    assert answered.reply_to_message_id == card.message_id


async def test_files_on_demand_come_under_the_card_once_per_press_for_staff_only(
    fake: FakeTelegram, start_either_runtime: StartBot
) -> None:
    fake.add_user(OUTSIDER, first_name="Mallory")
    running = await start_either_runtime()
    complaint = Complaint(
        evidence=(("photo", png(1)), ("photo", png(2))),
        rights_docs=(("certificate.pdf", pdf("certificate")),),
    )
    filed = await file_complaint(fake, running, CLAIMANT, complaint)
    card = filed.card
    case = await case_of(running, filed.number)
    files = {f.sha256 for f in case.draft.files}
    assert len(files) == 4

    # Someone outside the staff group: refused, nothing sent.
    update = fake.user_presses_in_group(STAFF_CHAT_ID, OUTSIDER, card, text="📎 Files")
    refused = await fake.wait_for_callback_answer(update)
    assert "Only members of the IP team" in refused.get("text", "")
    await outbox_drained(fake, running)
    assert shown(fake, STAFF_CHAT_ID) == [card]

    # A member: one album of the originals under the card; a press delivered twice sends once.
    update = fake.user_presses_in_group(STAFF_CHAT_ID, STAFF_MEMBER, card, text="📎 Files")
    answer = await fake.wait_for_callback_answer(update)
    assert "4 files are on the way" in answer.get("text", "")
    fake.deliver_again(update)
    await fake.wait_until(lambda: len(fake.calls("sendMediaGroup")) >= 1)
    await outbox_drained(fake, running)
    album = [m for m in shown(fake, STAFF_CHAT_ID) if m.media_group_id]
    assert len(album) == 4 and len({m.media_group_id for m in album}) == 1
    assert album[0].reply_to_message_id == card.message_id
    assert {sha for m in album for sha in files if sha in m.content} == files  # with its hash
    assert len([c for c in fake.calls("sendMediaGroup") if c.ok]) == 1

    # Pressed again: sent again (once per press), the card untouched.
    await staff_presses(fake, STAFF_MEMBER, card, "Files")
    await fake.wait_until(lambda: len([c for c in fake.calls("sendMediaGroup") if c.ok]) == 2)
    await outbox_drained(fake, running)
    assert len([c for c in fake.calls("sendMediaGroup") if c.ok]) == 2
    assert "· new" in card.content


async def file_to(
    fake: FakeTelegram, user_id: int, chat_id: int, complaint: Complaint | None = None
) -> Filed:
    """A complaint submitted; its card awaited in `chat_id`."""
    claimant = Claimant(fake, user_id)
    await claimant.reaches("review", complaint)
    receipt = await claimant.presses("Submit", expect="Case number")
    found = NUMBER.search(receipt.text or "")
    assert found, receipt.text
    number = found.group()
    card = await fake.wait_for_message(
        chat_id, lambda m: f"Case {number}" in m.content, after=0, timeout=10
    )
    return Filed(claimant, number, receipt, card)


async def test_two_staff_groups_routed_by_right_type_each_acting_on_its_own_cases(
    fake: FakeTelegram, start_either_runtime: StartBot
) -> None:
    fake.add_user(SECOND_MEMBER, first_name="Olga", language_code="en")
    fake.add_user(OTHER_CLAIMANT, first_name="Boris", language_code="en")
    fake.add_group(SECOND_GROUP, "Patents", members={SECOND_MEMBER: "administrator"})
    running = await start_either_runtime(staff_routes={"patent": SECOND_GROUP})

    trademark = await file_to(fake, CLAIMANT, STAFF_CHAT_ID)
    patent = await file_to(fake, OTHER_CLAIMANT, SECOND_GROUP, Complaint(right="patent"))
    await outbox_drained(fake, running)
    assert cards_of(fake, SECOND_GROUP, trademark.number) == []
    assert cards_of(fake, STAFF_CHAT_ID, patent.number) == []
    assert running.app is not None
    cases = running.app.storage.cases
    assert await cases.staff_chat((await case_of(running, patent.number)).id) == SECOND_GROUP

    # The second group's member takes its case there; the edit goes to that group.
    answer = await staff_presses_in(fake, SECOND_GROUP, SECOND_MEMBER, patent.card, "Take")
    assert "You took" in answer.get("text", "")
    await fake.wait_until(lambda: "Assigned to: Olga" in patent.card.content)
    # A member of the first group only cannot act there (not a member of the second).
    answer = await staff_presses_in(fake, SECOND_GROUP, STAFF_MEMBER, patent.card, "Accept")
    assert "Only members of the IP team" in answer.get("text", "")
    # Message ids are per chat: a press in the first group naming the same message id acts on
    # the first group's case with that id, never on the second's.
    assert trademark.card.message_id == patent.card.message_id
    forged = fake.forge_callback(STAFF_MEMBER, STAFF_CHAT_ID, patent.card.message_id, "st:take:")
    answer = await fake.wait_for_callback_answer(forged)
    assert answer.get("text") == f"You took {trademark.number}."
    await fake.wait_until(lambda: "Assigned to: Sergey" in trademark.card.content)
    assert "Assigned to: Olga" in patent.card.content

    # A question as a reply to the card in the second group reaches the claimant; the answer
    # comes back under that card, in that group.
    update = fake.user_sends_in_group(
        SECOND_GROUP,
        SECOND_MEMBER,
        "Which patent claim?",
        reply_to_message_id=patent.card.message_id,
    )
    mid = update["message"]["message_id"]
    await fake.wait_for_message(SECOND_GROUP, lambda m: m.reply_to_message_id == mid, after=0)
    await patent.claimant.presses("Answer", expect="Send your answer")
    await patent.claimant.says("Claim 1", expect="Added to your answer")
    await patent.claimant.presses("Finish", expect=patent.number)
    answered = await fake.wait_for_message(SECOND_GROUP, lambda m: "Claim 1" in m.content, after=0)
    assert answered.reply_to_message_id == patent.card.message_id
    assert not [m for m in shown(fake, STAFF_CHAT_ID) if "Claim 1" in m.content]


async def test_staff_groups_in_turn(fake: FakeTelegram, start_either_runtime: StartBot) -> None:
    fake.add_user(OTHER_CLAIMANT, first_name="Boris", language_code="en")
    fake.add_group(SECOND_GROUP, "IP team 2", members={SECOND_MEMBER: "administrator"})
    running = await start_either_runtime(staff_chat_ids=[SECOND_GROUP])
    first = await file_to(fake, CLAIMANT, SECOND_GROUP)  # case 1: the second of two, in turn
    second = await file_to(fake, OTHER_CLAIMANT, STAFF_CHAT_ID)
    await outbox_drained(fake, running)
    assert cards_of(fake, STAFF_CHAT_ID, first.number) == []
    assert cards_of(fake, SECOND_GROUP, second.number) == []


@pytest.mark.parametrize("fault", [429, 502])
async def test_a_fault_on_the_card_send_still_delivers_exactly_one_card(
    fake: FakeTelegram, start_either_runtime: StartBot, fault: int
) -> None:
    running = await start_either_runtime()
    fake.fail_next("sendDocument", error_code=fault, retry_after=1, times=2)
    filed = await file_complaint(fake, running, CLAIMANT)
    await outbox_drained(fake, running)
    failed = [c for c in fake.calls("sendDocument") if c.error_code == fault]
    assert len(failed) == 2
    assert cards_of(fake, STAFF_CHAT_ID, filed.number) == [filed.card]
    assert shown(fake, STAFF_CHAT_ID) == [filed.card]
    answer = await staff_presses(fake, STAFF_MEMBER, filed.card, "Take")
    assert "You took" in answer.get("text", "")
    await fake.wait_until(lambda: "· in review" in filed.card.content)


async def staff_presses_in(
    fake: FakeTelegram, chat_id: int, user_id: int, card: SentMessage, label: str
) -> dict[str, Any]:
    text = next(t for t in card.button_texts if label in t)
    update = fake.user_presses_in_group(chat_id, user_id, card, text=text)
    return await fake.wait_for_callback_answer(update)
