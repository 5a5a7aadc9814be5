"""Issue 6, observation 4: staff-side updates were applied twice when Telegram delivered them
twice: Take (two "being reviewed" notices, three audit rows), a staff question (asked twice),
the claimant's answer (posted to staff twice). The intake was protected; the case handlers
were not.

Every case handler now marks its update applied in the transaction of its change: an update
delivered again (`deliver_again`) changes nothing and sends nothing. Also observation-free
but required: updates out of order — an older update handled after a newer one is applied."""

from __future__ import annotations

from tests.e2e.claimant import PROMPTS, Claimant
from tests.e2e.conftest import CLAIMANT, STAFF_CHAT_ID, STAFF_MEMBER, RunningBot
from tests.e2e.staff.conftest import (
    audit_of,
    button_text,
    file_complaint,
    newest_with_data,
    outbox_drained,
)
from tests.fake_telegram import FakeTelegram, QueuedUpdate

QUESTION = "Please send the licence agreement for the trademark."
ANSWER = "The licence agreement is attached."


async def handled_again(fake: FakeTelegram, running_bot: RunningBot, update: QueuedUpdate) -> None:
    """Deliver `update` once more and wait until the bot has fetched and handled it."""
    assert running_bot.app is not None
    inbox = running_bot.app.storage.inbox
    polls = len(fake.calls("getUpdates"))
    fake.deliver_again(update)
    # Fetched and kept in the inbox before the next poll confirms it ...
    await fake.wait_until(lambda: len(fake.calls("getUpdates")) >= polls + 1, 5)

    async def handled() -> bool:
        return not await inbox.pending()

    await fake.wait_until(handled, 5)  # ... handled ...
    await outbox_drained(fake, running_bot)  # ... and whatever it queued is sent.


def count_in(fake: FakeTelegram, chat_id: int, text: str) -> int:
    return sum(text in m.content for m in fake.messages(chat_id))


async def test_take_question_and_answer_delivered_twice_are_applied_once(
    fake: FakeTelegram, either_bot: RunningBot
) -> None:
    filed = await file_complaint(fake, either_bot, CLAIMANT)
    card, number = filed.card, filed.number

    # Take, twice.
    take = fake.user_presses_in_group(
        STAFF_CHAT_ID, STAFF_MEMBER, card, text=button_text(card, "Take")
    )
    await fake.wait_for_callback_answer(take)
    await fake.wait_for_message(CLAIMANT, lambda m: "being reviewed" in m.content, after=0)
    await outbox_drained(fake, either_bot)
    audit = await audit_of(either_bot, number)
    edits = len(card.edits)
    await handled_again(fake, either_bot, take)
    assert count_in(fake, CLAIMANT, "being reviewed") == 1
    assert await audit_of(either_bot, number) == audit
    assert [e.action for e in audit].count("taken") == 1
    assert len(card.edits) == edits

    # A staff question (a reply to the card), twice.
    ask = fake.user_sends_in_group(
        STAFF_CHAT_ID, STAFF_MEMBER, QUESTION, reply_to_message_id=card.message_id
    )
    await fake.wait_for_message(CLAIMANT, lambda m: QUESTION in m.content, after=0)
    await outbox_drained(fake, either_bot)
    audit = await audit_of(either_bot, number)
    await handled_again(fake, either_bot, ask)
    assert count_in(fake, CLAIMANT, QUESTION) == 1
    assert count_in(fake, STAFF_CHAT_ID, "Question sent to the claimant") == 1
    assert await audit_of(either_bot, number) == audit

    # The claimant's answer, twice.
    question, data = newest_with_data(fake, CLAIMANT, "q:answer:")
    fake.user_presses(CLAIMANT, question, callback_data=data)
    await fake.wait_for_message(
        CLAIMANT, lambda m: any(d.startswith("q:finish:") for d in m.callback_datas), after=0
    )
    answer = fake.user_sends_text(CLAIMANT, ANSWER)
    await fake.wait_for_message(STAFF_CHAT_ID, lambda m: ANSWER in m.content, after=0)
    await outbox_drained(fake, either_bot)
    audit = await audit_of(either_bot, number)
    await handled_again(fake, either_bot, answer)
    assert count_in(fake, STAFF_CHAT_ID, ANSWER) == 1
    assert await audit_of(either_bot, number) == audit
    assert [e.action for e in audit].count("answered") == 1


async def test_an_older_update_handled_after_a_newer_one_is_still_applied(
    fake: FakeTelegram, either_bot: RunningBot
) -> None:
    """Webhooks deliver concurrently and polling may see gaps: the mark of a newer update must
    not swallow an older one (a high-water mark did)."""
    anna = Claimant(fake, CLAIMANT)
    await anna.reaches("rights_holder")
    # Each text fits either question (a description is a sentence of a few words: issue 15).
    older = fake.user_sends_text(CLAIMANT, "Romashka Trading House LLC")
    newer = fake.user_sends_text(CLAIMANT, "Counterfeit bags with our logo")
    fake.reverse_pending()  # the newer one is handled first
    assert older["update_id"] < newer["update_id"]

    await fake.wait_for_message(
        CLAIMANT, lambda m: PROMPTS["claim_subject"] in (m.text or ""), after=0
    )
    assert either_bot.app is not None
    draft = await either_bot.app.storage.drafts.load(CLAIMANT)
    assert draft is not None and draft.step == "claim_subject"
    # Both taken, in the order they were handled.
    assert draft.answers["rights_holder"] == "Counterfeit bags with our logo"
    assert draft.answers["infringement_description"] == "Romashka Trading House LLC"
