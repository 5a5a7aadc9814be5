"""The matters the platform does not consider are turned away first, each with its reason and
what the claimant can do instead; "Start again" begins a fresh complaint."""

from __future__ import annotations

import pytest

from tests.e2e.claimant import Claimant
from tests.e2e.conftest import CLAIMANT, STAFF_CHAT_ID, RunningBot
from tests.fake_telegram import FakeTelegram

# (button at the screening, a phrase of the reason, a phrase of what to do)
REJECTIONS = {
    "no_listing": (
        "No particular listing",
        "considers only matters with a link to a particular infringement",
        "open the listing that infringes your rights, copy its address",
    ),
    "distributor": (
        "Distributor dispute",
        "relationship with a distributor, including exclusive distribution",
        "settle it under your distribution agreement",
    ),
    "resale": (
        "Resale: first sold",
        "goods that have already been put into civil circulation",
        "if the goods are in fact counterfeit",
    ),
    "advice": (
        "I need legal advice",
        "does not give legal opinions or advice",
        "consult a lawyer or a patent attorney",
    ),
}


@pytest.mark.parametrize("reason", list(REJECTIONS))
async def test_rejection_explains_and_start_again_begins_afresh(
    fake: FakeTelegram, running_bot: RunningBot, reason: str
) -> None:
    choice, why, what_to_do = REJECTIONS[reason]
    anna = Claimant(fake, CLAIMANT)
    await anna.says("/start", expect="Report an intellectual-property infringement")
    await anna.presses("Start", expect="Step 1 of 10")
    if reason != "no_listing":
        await anna.presses("Yes, I have the link", expect="What is your complaint about?")
    rejection = await anna.presses(choice, expect="What you can do:")
    text = rejection.text or ""
    assert why in text
    assert what_to_do in text
    assert "We cannot" in text
    assert rejection.button_texts == ["Start again"]
    # The screening question is answered. Its buttons stay (removing them cost a Bot API call
    # per press, issue 6); pressed again, they are out of date and change nothing.
    screening = next(m for m in fake.messages(CLAIMANT) if "Step 1 of 10" in (m.text or ""))
    baseline = max(m.message_id for m in fake.messages(CLAIMANT))
    again = fake.user_presses(CLAIMANT, screening, text=screening.button_texts[0])
    answer = await fake.wait_for_callback_answer(again)
    assert answer.get("text") == "That button is out of date."
    # ...and the claimant is shown where they are now: the welcome, the draft having restarted.
    await fake.wait_for_message(
        CLAIMANT, lambda m: "Report an intellectual-property" in (m.text or ""), after=baseline
    )

    assert running_bot.app is not None
    drafts = running_bot.app.storage.drafts
    fresh = await drafts.load(CLAIMANT)
    assert fresh is not None
    assert (fresh.step, fresh.answers) == ("welcome", {})
    # Only the question answered is remembered: /back undoes a mis-tap.
    assert fresh.history == ["screen_listing" if reason == "no_listing" else "screen_matter"]

    # "Start again" under the rejection still works, though a newer message is below it.
    fake.user_presses(CLAIMANT, rejection, text="Start again")
    again = await fake.wait_for_message(
        CLAIMANT, lambda m: "Step 1 of 10" in (m.text or ""), after=rejection.message_id
    )
    assert "particular listing" in (again.text or "")
    await anna.presses("Yes, I have the link", expect="What is your complaint about?")
    await anna.presses("My IP right is infringed", expect="Who are you in this complaint?")
    restarted = await drafts.load(CLAIMANT)
    assert restarted is not None
    assert restarted.answers == {"screen_listing": "yes", "screen_matter": "infringement"}
    assert restarted.step == "role"
    # Nothing reached the staff.
    assert fake.messages(STAFF_CHAT_ID) == []


async def test_rejected_then_start_again_twice_and_stale_start_again(
    fake: FakeTelegram, running_bot: RunningBot
) -> None:
    """The "Start again" of an earlier rejection, pressed once the new complaint is under way,
    is out of date: it does not throw away the answers given since."""
    anna = Claimant(fake, CLAIMANT)
    await anna.says("/start", expect="Report an intellectual-property infringement")
    await anna.presses("Start", expect="Step 1 of 10")
    await anna.presses("Yes, I have the link", expect="What is your complaint about?")
    rejection = await anna.presses("Resale: first sold", expect="What you can do:")
    start_again = rejection.callback_datas[0]  # the button goes once pressed: keep its data
    await anna.presses("Start again", expect="Step 1 of 10")
    await anna.presses("Yes, I have the link", expect="What is your complaint about?")
    await anna.presses("My IP right is infringed", expect="Who are you in this complaint?")

    assert running_bot.app is not None
    drafts = running_bot.app.storage.drafts
    before = await drafts.load(CLAIMANT)
    press = fake.forge_callback(CLAIMANT, CLAIMANT, rejection.message_id, start_again)
    stale = await fake.wait_for_message(
        CLAIMANT, lambda m: "belongs to an earlier message" in (m.text or "")
    )
    await fake.wait_for_message(CLAIMANT, lambda m: "Who are you" in (m.text or ""), after=stale)
    answer = await fake.wait_for_callback_answer(press)
    assert answer.get("text") == "That button is out of date."
    after = await drafts.load(CLAIMANT)
    assert before is not None and after is not None
    assert after.model_dump() == before.model_dump()
