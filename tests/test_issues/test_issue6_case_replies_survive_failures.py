"""Issue 6, "replies are part of the change", for what the case handlers say: /status, /case,
the answer to a staff member's reply to a card, and the reasons shown on the card after Reject
used to be sent directly by the handler, so a 429 or a 5xx on that one call lost them.

They are now queued in the outbox keyed by their update and delivered with retries: each
arrives once, after the failure, on both runtimes."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import CLAIMANT, STAFF_CHAT_ID, STAFF_MEMBER, RunningBot
from tests.e2e.staff.conftest import button_text, file_complaint, outbox_drained
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.models import SentMessage

FAILURES = pytest.mark.parametrize(
    ("error_code", "retry_after"), [(429, 1), (500, 0), (502, 0)], ids=["429", "500", "502"]
)
QUESTION = "Please send the registration certificate again, it is cut off."


def count(fake: FakeTelegram, chat_id: int, text: str) -> int:
    return sum(text in m.content for m in fake.messages(chat_id))


def failed_in(fake: FakeTelegram, method: str, chat_id: int) -> list[int]:
    """The error codes of the failed calls of `method` to `chat_id`."""
    calls = fake.calls(method)
    return [r.error_code for r in calls if not r.ok and str(r.params["chat_id"]) == str(chat_id)]


async def says(fake: FakeTelegram, text: str, expect: str) -> SentMessage:
    before = max((m.message_id for m in fake.messages(CLAIMANT)), default=0)
    fake.user_sends_text(CLAIMANT, text)
    return await fake.wait_for_message(
        CLAIMANT, lambda m: expect in m.content, after=before, timeout=8
    )


@FAILURES
async def test_status_survives_a_failed_send(
    fake: FakeTelegram, either_bot: RunningBot, error_code: int, retry_after: int
) -> None:
    fake.fail_next("sendMessage", error_code=error_code, retry_after=retry_after or 1)
    await says(fake, "/status", "You have not filed any complaint yet")
    await outbox_drained(fake, either_bot)
    assert count(fake, CLAIMANT, "You have not filed any complaint yet") == 1
    assert failed_in(fake, "sendMessage", CLAIMANT) == [error_code]


@FAILURES
async def test_case_survives_a_failed_send(
    fake: FakeTelegram, either_bot: RunningBot, error_code: int, retry_after: int
) -> None:
    filed = await file_complaint(fake, either_bot, CLAIMANT)
    fake.fail_next("sendMessage", error_code=error_code, retry_after=retry_after or 1)
    detail = await says(fake, f"/case {filed.number}", f"Case {filed.number}")
    assert "Submitted:" in detail.content
    await outbox_drained(fake, either_bot)
    assert count(fake, CLAIMANT, "Submitted:") == 1
    assert failed_in(fake, "sendMessage", CLAIMANT) == [error_code]


@pytest.mark.parametrize("error_code", [500, 502])
async def test_the_answer_to_a_staff_reply_on_a_card_survives_a_5xx(
    fake: FakeTelegram, either_bot: RunningBot, error_code: int
) -> None:
    filed = await file_complaint(fake, either_bot, CLAIMANT)
    # The question to the claimant and the answer to staff: both first tries fail.
    fake.fail_next("sendMessage", error_code=error_code, times=2)
    fake.user_sends_in_group(
        STAFF_CHAT_ID, STAFF_MEMBER, QUESTION, reply_to_message_id=filed.card.message_id
    )
    told = await fake.wait_for_message(
        STAFF_CHAT_ID,
        lambda m: "Question sent to the claimant" in m.content,
        after=0,
        timeout=8,
    )
    await fake.wait_for_message(CLAIMANT, lambda m: QUESTION in m.content, after=0, timeout=8)
    await outbox_drained(fake, either_bot)
    assert told.reply_to_message_id is not None  # a reply to the staff member's message
    assert count(fake, STAFF_CHAT_ID, "Question sent to the claimant") == 1
    assert count(fake, CLAIMANT, QUESTION) == 1
    assert failed_in(fake, "sendMessage", STAFF_CHAT_ID) == [error_code]


async def test_the_reasons_shown_after_reject_survive_a_5xx(
    fake: FakeTelegram, either_bot: RunningBot
) -> None:
    filed = await file_complaint(fake, either_bot, CLAIMANT)
    fake.fail_next("editMessageReplyMarkup", error_code=502)
    update = fake.user_presses_in_group(
        STAFF_CHAT_ID, STAFF_MEMBER, filed.card, text=button_text(filed.card, "Reject")
    )
    answer = await fake.wait_for_callback_answer(update)
    assert "Choose the reason" in answer.get("text", "")
    await outbox_drained(fake, either_bot, timeout=8)
    datas = filed.card.callback_datas
    assert any(data.startswith("st:reason:") for data in datas), datas
    assert failed_in(fake, "editMessageReplyMarkup", STAFF_CHAT_ID) == [502]
