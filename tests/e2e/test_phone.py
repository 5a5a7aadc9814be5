"""What a filer on a phone expects, through both runtimes against the fake Bot API: a button
that shares the phone number, …"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tests.e2e.claimant import Claimant
from tests.e2e.conftest import CLAIMANT, RunningBot
from tests.fake_telegram import FakeTelegram

StartBot = Callable[..., Awaitable[RunningBot]]


async def test_the_phone_step_offers_to_share_the_number(
    fake: FakeTelegram, either_bot: StartBot
) -> None:
    running = await either_bot()
    anna = Claimant(fake, CLAIMANT)
    await anna.reaches("contact_phone")
    offer = await fake.wait_for_message(
        CLAIMANT, lambda m: "keyboard" in (m.reply_markup or {}), after=0
    )
    [[button]] = offer.reply_markup["keyboard"]  # type: ignore[index]
    assert button == {"text": "📱 Share my phone number", "request_contact": True}
    assert offer.reply_markup.get("one_time_keyboard") is True  # type: ignore[union-attr]

    baseline = anna._baseline()
    fake.user_sends_contact(CLAIMANT, "447911123456")  # Telegram may omit the "+"
    saved = await fake.wait_for_message(
        CLAIMANT, lambda m: "Phone saved" in (m.text or ""), after=baseline
    )
    assert saved.text == "☎️ Phone saved: +44 7911 123456"
    assert saved.reply_markup == {"remove_keyboard": True}  # the keyboard goes again
    await fake.wait_for_message(
        CLAIMANT, lambda m: "may redirect your request" in (m.text or ""), after=saved
    )
    draft = await running.app.storage.drafts.load(CLAIMANT)
    assert draft.answers["contact_phone"] == "+447911123456"
