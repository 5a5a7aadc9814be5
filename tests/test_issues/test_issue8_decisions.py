"""Issue 8, on both runtimes against the fake Bot API: decisions that can be checked and
undone (the claimant is told nothing during the undo window, once after it, also across a
restart), a partial decision over several listings told per listing in both languages, and
the reminder for a case nobody took (once, also across a restart)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from tests.e2e.claimant import Complaint
from tests.e2e.conftest import CLAIMANT, STAFF_CHAT_ID, STAFF_MEMBER, RunningBot
from tests.e2e.conftest import start_either_runtime as start_either_runtime
from tests.e2e.staff.conftest import (
    audit_of,
    case_of,
    file_complaint,
    outbox_drained,
    staff_presses,
    staff_replies,
)
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.models import SentMessage

Start = Callable[..., Awaitable[RunningBot]]
WINDOW = 1.5  # DECISION_UNDO_SECONDS in these tests
ACCEPTED = "has been accepted"
RU_CLAIMANT = 1003
LINKS = [f"https://aliexpress.ru/item/100500123456789{i}.html" for i in range(3)]


def told(fake: FakeTelegram, user_id: int, marker: str) -> int:
    return sum(marker in m.content for m in fake.messages(user_id))


async def buttons_become(fake: FakeTelegram, card: SentMessage, *labels: str) -> None:
    await fake.wait_until(
        lambda: all(any(label in b for b in card.button_texts) for label in labels),
        5,
        message=f"card buttons: {card.button_texts}",
    )


async def test_confirm_then_undo_tells_the_claimant_nothing(
    fake: FakeTelegram, start_either_runtime: Start
) -> None:
    bot = await start_either_runtime(decision_undo_seconds=WINDOW)
    filed = await file_complaint(fake, bot, CLAIMANT)
    card, number = filed.card, filed.number

    answer = await staff_presses(fake, STAFF_MEMBER, card, "Accept")
    assert "Confirm on the card" in answer.get("text", "")
    await buttons_become(fake, card, "Confirm accept", "Cancel")
    assert (await case_of(bot, number)).status.value == "submitted"  # asked, nothing decided

    answer = await staff_presses(fake, STAFF_MEMBER, card, "Confirm accept")
    assert f"The claimant is told in {WINDOW} s" in answer.get("text", "")
    await fake.wait_until(lambda: "not told yet" in card.content, 5)
    await buttons_become(fake, card, "Undo")
    # The claimant sees it still under review meanwhile.
    await filed.claimant.says("/status", expect="being reviewed")

    answer = await staff_presses(fake, STAFF_MEMBER, card, "Undo")
    assert f"Undone: {number} is in review again" in answer.get("text", "")
    await fake.wait_until(lambda: "· in review" in card.content, 5)
    await buttons_become(fake, card, "Accept", "Reject")

    await asyncio.sleep(WINDOW + 1)  # the window is long over
    await outbox_drained(fake, bot)
    assert told(fake, CLAIMANT, ACCEPTED) == 0
    assert (await case_of(bot, number)).status.value == "in_review"
    trail = [e.action for e in await audit_of(bot, number)]
    assert trail[-4:] == ["accept-asked", "assigned", "accepted", "decision-undone"]
    assert "decision-notified" not in trail

    # Undo again, or confirm with nothing asked: refused, nothing changes.
    for data in ("st:undo:", "st:confirm:"):
        press = fake.forge_callback(STAFF_MEMBER, STAFF_CHAT_ID, card.message_id, data)
        refused = await fake.wait_for_callback_answer(press)
        assert refused.get("show_alert") is True
    assert [e.action for e in await audit_of(bot, number)] == trail


async def test_cancel_leaves_the_case_as_it_was(
    fake: FakeTelegram, start_either_runtime: Start
) -> None:
    bot = await start_either_runtime(decision_undo_seconds=WINDOW)
    filed = await file_complaint(fake, bot, CLAIMANT)
    card = filed.card
    await staff_presses(fake, STAFF_MEMBER, card, "Reject")
    await buttons_become(fake, card, "Documents missing")
    await staff_presses(fake, STAFF_MEMBER, card, "Documents missing")
    await buttons_become(fake, card, "Confirm reject", "Cancel")
    await staff_presses(fake, STAFF_MEMBER, card, "Cancel")
    await buttons_become(fake, card, "Accept", "Reject")
    case = await case_of(bot, filed.number)
    assert case.status.value == "submitted"
    trail = [e.action for e in await audit_of(bot, filed.number)]
    assert trail[-2:] == ["reject-asked", "decision-cancelled"]

    # `/reject your words` as a reply to the card asks for the same confirmation.
    reply = await staff_replies(fake, STAFF_MEMBER, card, "/reject The mark is <not> theirs")
    assert "Confirm on the card" in reply.content
    await buttons_become(fake, card, "Confirm reject", "Cancel")
    await staff_presses(fake, STAFF_MEMBER, card, "Confirm reject")
    rejected = await fake.wait_for_message(
        CLAIMANT, lambda m: "has been rejected" in m.content, after=filed.receipt, timeout=8
    )
    assert "The mark is <not> theirs" in rejected.content  # escaped: shown as written
    assert "What you can do" in rejected.content


async def test_the_claimant_is_told_once_after_the_window_even_across_a_restart(
    fake: FakeTelegram, start_either_runtime: Start
) -> None:
    bot = await start_either_runtime(decision_undo_seconds=WINDOW)
    filed = await file_complaint(fake, bot, CLAIMANT)
    card, number = filed.card, filed.number
    await staff_presses(fake, STAFF_MEMBER, card, "Accept")
    await buttons_become(fake, card, "Confirm accept")
    await staff_presses(fake, STAFF_MEMBER, card, "Confirm accept")
    await fake.wait_until(lambda: "not told yet" in card.content, 5)
    await bot.stop()  # stopped within the window: nothing told yet
    assert told(fake, CLAIMANT, ACCEPTED) == 0

    again = await start_either_runtime(decision_undo_seconds=WINDOW)
    await fake.wait_for_message(
        CLAIMANT, lambda m: ACCEPTED in m.content, after=filed.receipt, timeout=WINDOW + 5
    )
    await fake.wait_until(
        lambda: "· accepted" in card.content and "not told" not in card.content, 5
    )
    await asyncio.sleep(WINDOW)
    await outbox_drained(fake, again)
    assert told(fake, CLAIMANT, ACCEPTED) == 1
    trail = [e.action for e in await audit_of(again, number)]
    assert trail.count("decision-notified") == 1
    assert (await case_of(again, number)).status.value == "accepted"
    assert card.button_texts == ["📨 Forward to seller", "🙋 Take over", "📎 Files"]


async def decide_per_listing(fake: FakeTelegram, card: SentMessage) -> None:
    """The first listing accepted, the second rejected for missing documents, the third not
    a listing of the platform."""
    await staff_presses(fake, STAFF_MEMBER, card, "Per listing")
    await buttons_become(fake, card, "1 · ", "2 · ", "3 · ", "Next")
    for index, presses in ((2, 2), (3, 4)):  # accept → out of scope → documents missing…
        for _ in range(presses):
            before = list(card.button_texts)
            await staff_presses(fake, STAFF_MEMBER, card, f"{index} · ")
            await fake.wait_until(lambda: card.button_texts != before, 5)  # noqa: B023
    texts = card.button_texts
    assert "accept" in texts[0] and "Documents missing" in texts[1], texts
    assert "Not a platform listing" in texts[2], texts
    await staff_presses(fake, STAFF_MEMBER, card, "Next")
    await buttons_become(fake, card, "Confirm the outcomes", "Cancel")
    await staff_presses(fake, STAFF_MEMBER, card, "Confirm the outcomes")


async def test_a_partial_decision_is_told_listing_by_listing_in_both_languages(
    fake: FakeTelegram, start_either_runtime: Start
) -> None:
    bot = await start_either_runtime(decision_undo_seconds=0.5)
    several = Complaint(link="\n".join(LINKS))
    filed = await file_complaint(fake, bot, CLAIMANT, several)
    await decide_per_listing(fake, filed.card)
    notice = await fake.wait_for_message(
        CLAIMANT, lambda m: "listing by listing" in m.content, after=filed.receipt, timeout=8
    )
    lines = notice.content.splitlines()
    assert any(LINKS[0] in line and "accepted" in line for line in lines), lines
    assert any(LINKS[1] in line and "rights are missing" in line for line in lines), lines
    assert any(LINKS[2] in line and "not listings of the platform" in line for line in lines)
    assert "What you can do" in notice.content and "direct links to listings" in notice.content
    assert (await case_of(bot, filed.number)).status.value == "accepted"
    notified = [e for e in await audit_of(bot, filed.number) if e.action == "decision-notified"]
    outcomes = [(o["outcome"], o.get("reason")) for o in notified[0].detail["listings"]]
    assert outcomes == [
        ("accepted", None),
        ("rejected", "documents_missing"),
        ("rejected", "not_platform_listing"),
    ]

    fake.add_user(RU_CLAIMANT, first_name="Olga", language_code="en")
    filed_ru = await file_complaint(fake, bot, RU_CLAIMANT, several, russian=True)
    await decide_per_listing(fake, filed_ru.card)
    notice_ru = await fake.wait_for_message(
        RU_CLAIMANT, lambda m: "по каждой карточке товара" in m.content, after=filed_ru.receipt
    )
    assert "принято" in notice_ru.content and "отклонено" in notice_ru.content
    assert "Что вы можете сделать" in notice_ru.content
    await outbox_drained(fake, bot)
    assert told(fake, RU_CLAIMANT, "по каждой карточке товара") == 1


async def test_a_case_nobody_takes_is_reminded_once(
    fake: FakeTelegram, start_either_runtime: Start
) -> None:
    minutes = 0.03  # 1.8 s
    bot = await start_either_runtime(staff_reminder_minutes=minutes)
    filed = await file_complaint(fake, bot, CLAIMANT)
    reminder = await fake.wait_for_message(
        STAFF_CHAT_ID, lambda m: "nobody has taken it" in m.content, after=filed.card, timeout=8
    )
    assert reminder.reply_to_message_id == filed.card.message_id
    assert filed.number in reminder.content
    await bot.stop()
    again = await start_either_runtime(staff_reminder_minutes=minutes)
    await asyncio.sleep(1.5)
    await outbox_drained(fake, again)
    assert told(fake, STAFF_CHAT_ID, "nobody has taken it") == 1
    trail = [e.action for e in await audit_of(again, filed.number)]
    assert trail.count("reminded") == 1
    assert (await case_of(again, filed.number)).status.value == "submitted"
