"""Only members of the staff group act on cases; callback data cannot be forged into acting on
another case; a claimant sees only their own cases."""

from __future__ import annotations

from types import SimpleNamespace

from tests.e2e.conftest import CLAIMANT, STAFF_CHAT_ID, STAFF_MEMBER, RunningBot
from tests.e2e.staff.conftest import (
    Snapshot,
    case_of,
    file_complaint,
    newest_with_data,
    outbox_drained,
    staff_presses,
)
from tests.fake_telegram import FakeTelegram

OUTSIDER = 666
FORMER_STAFF = 502
OTHER_CLAIMANT = 1003
REFUSED = "⛔ Only members of the IP team may act on cases."


async def settled(fake: FakeTelegram, running_bot: RunningBot) -> None:
    """Let anything a handler might have queued be sent, so a change would be seen."""
    assert running_bot.app is not None
    running_bot.app.outbox.kick()
    await outbox_drained(fake, running_bot)
    assert await running_bot.app.outbox.deliver_due() == 0


async def test_outsiders_and_former_members_are_refused(
    fake: FakeTelegram, running_bot: RunningBot
) -> None:
    fake.add_user(OUTSIDER, first_name="Mallory")
    fake.add_user(FORMER_STAFF, first_name="Boris")
    fake.set_member_status(STAFF_CHAT_ID, FORMER_STAFF, "left")
    filed = await file_complaint(fake, running_bot, CLAIMANT)
    snapshot = Snapshot(fake, running_bot, filed)
    before = await snapshot.take()
    staff_before = len(fake.messages(STAFF_CHAT_ID))

    for user in (OUTSIDER, FORMER_STAFF, CLAIMANT):
        for label in ("Take", "Accept", "Reject"):
            answer = await staff_presses(fake, user, filed.card, label)
            assert answer.get("show_alert") is True and answer.get("text") == REFUSED, answer
    # A reply to the card (a question, or /reject with a note) by an outsider: refused too.
    for text in ("What is this?", "/reject not yours to reject"):
        update = fake.user_sends_in_group(
            STAFF_CHAT_ID, OUTSIDER, text, reply_to_message_id=filed.card.message_id
        )
        mid = update["message"]["message_id"]
        refusal = await fake.wait_for_message(
            STAFF_CHAT_ID, lambda m, mid=mid: m.reply_to_message_id == mid, after=0
        )
        assert REFUSED in refusal.content
    await settled(fake, running_bot)
    assert await snapshot.take() == before
    # The only new staff messages are the two refusals.
    new = [m.content for m in fake.messages(STAFF_CHAT_ID)[staff_before:]]
    assert len(new) == 2 and all(REFUSED in text for text in new), new


async def test_a_member_removed_from_the_group_loses_the_right_at_once(
    fake: FakeTelegram, running_bot: RunningBot
) -> None:
    filed = await file_complaint(fake, running_bot, CLAIMANT)
    answer = await staff_presses(fake, STAFF_MEMBER, filed.card, "Take")
    assert "You took" in answer.get("text", "")
    await fake.wait_until(lambda: "· in review" in filed.card.content)
    await settled(fake, running_bot)
    snapshot = Snapshot(fake, running_bot, filed)
    before = await snapshot.take()

    fake.set_member_status(STAFF_CHAT_ID, STAFF_MEMBER, "left")
    answer = await staff_presses(fake, STAFF_MEMBER, filed.card, "Accept")
    assert answer.get("show_alert") is True and answer.get("text") == REFUSED
    fake.set_member_status(STAFF_CHAT_ID, STAFF_MEMBER, "kicked")
    answer = await staff_presses(fake, STAFF_MEMBER, filed.card, "Reject")
    assert answer.get("text") == REFUSED
    await settled(fake, running_bot)
    assert await snapshot.take() == before

    # Back in the group, the same person may act again.
    fake.set_member_status(STAFF_CHAT_ID, STAFF_MEMBER, "member")
    answer = await staff_presses(fake, STAFF_MEMBER, filed.card, "Accept")
    assert "Confirm on the card" in answer.get("text", "")


async def test_forged_callbacks_change_nothing(fake: FakeTelegram, running_bot: RunningBot) -> None:
    fake.add_user(OTHER_CLAIMANT, first_name="Boris", language_code="en")
    filed = await file_complaint(fake, running_bot, CLAIMANT)
    other = await file_complaint(fake, running_bot, OTHER_CLAIMANT)
    # The card is the only bot message per case (issue 8): a staff member's own message is not one.
    chatter = fake.user_sends_in_group(STAFF_CHAT_ID, STAFF_MEMBER, "Morning, all")
    dossier = SimpleNamespace(message_id=chatter["message"]["message_id"])
    snapshots = [Snapshot(fake, running_bot, f) for f in (filed, other)]
    before = [await s.take() for s in snapshots]

    async def forged(user: int, chat: int, message_id: int, data: str) -> dict[str, object]:
        update = fake.forge_callback(user, chat, message_id, data)
        return await fake.wait_for_callback_answer(update)

    # st:accept on a staff message that is not a card.
    answer = await forged(STAFF_MEMBER, STAFF_CHAT_ID, dossier.message_id, "st:accept:")
    assert answer.get("text") == "This is not a case card."
    # ... on a message id that exists in no chat.
    answer = await forged(STAFF_MEMBER, STAFF_CHAT_ID, 99_999, "st:accept:")
    assert answer.get("text") == "This is not a case card."
    # A card's message id, but "pressed" in the claimant's private chat, by staff and claimant.
    for user in (STAFF_MEMBER, CLAIMANT):
        answer = await forged(user, CLAIMANT, filed.card.message_id, "st:accept:")
        assert answer.get("text") == REFUSED
    # An outsider with a forged argument naming another case, on a real card.
    answer = await forged(OUTSIDER, STAFF_CHAT_ID, filed.card.message_id, "st:accept:2")
    assert answer.get("text") == REFUSED
    # Unknown action and unknown reason, by staff, on a real card: refused.
    for data in ("st:delete:", "st:reason:bogus", "st:forward:"):
        answer = await forged(STAFF_MEMBER, STAFF_CHAT_ID, filed.card.message_id, data)
        assert answer.get("show_alert") is True, (data, answer)
        assert "Recorded" not in str(answer.get("text")), (data, answer)
    await settled(fake, running_bot)
    assert [await s.take() for s in snapshots] == before

    # The argument never picks the case: the card does (staff acts on `filed`, not `other`).
    answer = await forged(
        STAFF_MEMBER, STAFF_CHAT_ID, filed.card.message_id, f"st:take:{other.number}"
    )
    assert f"You took {filed.number}" in str(answer.get("text"))
    await settled(fake, running_bot)
    assert await snapshots[1].take() == before[1]

    # A claimant pressing "Answer" of a question about another claimant's case.
    fake.user_sends_in_group(
        STAFF_CHAT_ID, STAFF_MEMBER, "Who is the seller?", reply_to_message_id=other.card.message_id
    )
    await fake.wait_for_message(
        OTHER_CLAIMANT, lambda m: "Who is the seller?" in m.content, after=other.receipt
    )
    _, data = newest_with_data(fake, OTHER_CLAIMANT, "q:answer:")
    question_id = int(data.rsplit(":", 1)[1])
    await settled(fake, running_bot)
    before_other = await snapshots[1].take()
    claimant_messages = len(fake.messages(CLAIMANT))
    for forged_data in (f"q:answer:{question_id}", f"q:finish:{question_id}"):
        answer = await forged(CLAIMANT, CLAIMANT, filed.receipt.message_id, forged_data)
        assert answer.get("show_alert") is True, answer
    assert running_bot.app is not None
    assert await running_bot.app.storage.questions.answering(CLAIMANT) is None
    # Anna's next message is not taken as an answer to Boris's question.
    fake.user_sends_text(CLAIMANT, "hello")
    await fake.wait_for_message(CLAIMANT, after=claimant_messages)
    await settled(fake, running_bot)
    assert await snapshots[1].take() == before_other
    question = await running_bot.app.storage.questions.get(question_id)
    assert question is not None and question.answered_at is None
    assert (await case_of(running_bot, other.number)).status.value == "info_requested"


async def test_status_and_case_show_only_the_claimants_own_cases(
    fake: FakeTelegram, running_bot: RunningBot
) -> None:
    fake.add_user(OTHER_CLAIMANT, first_name="Boris", language_code="en")
    mine = await file_complaint(fake, running_bot, CLAIMANT)
    theirs = await file_complaint(fake, running_bot, OTHER_CLAIMANT)
    anna = mine.claimant

    status = await anna.says("/status", expect="Your cases")
    assert mine.number in status.content and theirs.number not in status.content
    assert "received" in status.content
    status = await theirs.claimant.says("/status", expect="Your cases")
    assert theirs.number in status.content and mine.number not in status.content

    own = await anna.says(f"/case {mine.number.lower()}", expect=mine.number)
    assert "Anna Smirnova" in own.content
    not_hers = await anna.says(f"/case {theirs.number}", expect="not among yours")
    missing = await anna.says("/case IP-2026-999999", expect="not among yours")
    # The same words whether the other case exists or not: nothing is revealed.
    assert not_hers.content == missing.content
    assert theirs.number not in not_hers.content
    assert "Boris" not in not_hers.content
