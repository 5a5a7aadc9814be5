"""Issue 6, observation 8: no per-user throttling: 500 messages in 2 s from one user got 1001
replies.

Now a user sending faster than a person can (more than 20 updates in the window) gets one
"please slow down" notice; further updates are answered by nothing until the rate falls; the
draft still takes only valid answers; other claimants and the staff group are unaffected; every
throttled update is confirmed to Telegram (never delivered again). Both runtimes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.serving.aiogram_app import AiogramApp
from bot.serving.ptb_app import PtbApp
from bot.updates.flood_control import Throttle, Verdict
from dialogs.i18n import texts
from tests.e2e.claimant import LISTING, PROMPTS, Claimant
from tests.e2e.conftest import CLAIMANT, STAFF_CHAT_ID, RunningBot
from tests.fake_telegram import FakeTelegram
from tests.test_issues.issue6 import saved_draft

OTHER = 1002
WINDOW = 2.0
FLOOD = 200
SLOW_DOWN = "Please slow down"


@pytest.fixture(params=["aiogram", "ptb"])
async def throttled_bot(
    request: pytest.FixtureRequest, fake: FakeTelegram, tmp_path: Path
) -> AsyncIterator[RunningBot]:
    runtime = AiogramApp if request.param == "aiogram" else PtbApp
    bot = RunningBot(fake, tmp_path / "data", runtime, throttle_updates=20, throttle_seconds=WINDOW)
    await bot.start()
    yield bot
    await bot.stop()


async def test_a_flood_gets_one_notice_and_nothing_else(
    fake: FakeTelegram, throttled_bot: RunningBot
) -> None:
    fake.add_user(OTHER, first_name="Boris", language_code="en")
    anna, boris = Claimant(fake, CLAIMANT), Claimant(fake, OTHER)
    await anna.reaches("links")
    await asyncio.sleep(WINDOW)  # the play-through is out of the window
    before = await saved_draft(throttled_bot)
    baseline = anna._baseline()

    for i in range(FLOOD):
        fake.user_sends_text(CLAIMANT, f"not a link {i}")
    # Another claimant, in the middle of the flood, is answered as usual.
    await boris.says("/start", expect=PROMPTS["welcome"])
    assert throttled_bot.app is not None
    inbox = throttled_bot.app.storage.inbox

    async def all_confirmed() -> bool:
        return not fake.updates and not await inbox.pending()

    await fake.wait_until(all_confirmed, 20, message="the flood was not confirmed")
    await asyncio.sleep(0.5)  # replies still in flight
    replies = [m.text or "" for m in fake.messages(CLAIMANT) if m.message_id > baseline]
    notices = [t for t in replies if SLOW_DOWN in t]
    refusals = [t for t in replies if "Please send at least one listing link" in t]
    assert len(notices) == 1, replies
    assert 1 <= len(refusals) <= 20
    assert len(replies) <= 2 * 20 + 1  # was 2 * FLOOD + 1
    assert not fake.messages(STAFF_CHAT_ID)
    assert (await saved_draft(throttled_bot)).model_dump() == before.model_dump()

    # Once the rate falls, the claimant is answered again and a valid answer is taken.
    await asyncio.sleep(WINDOW)
    await anna.says(LISTING, expect="Links saved: 1")
    assert (await saved_draft(throttled_bot)).links == [LISTING]
    later = [m.text or "" for m in fake.messages(CLAIMANT)]
    assert sum(SLOW_DOWN in t for t in later) == 1


def test_the_limiter() -> None:
    now = [0.0]
    throttle = Throttle(limit=3, window=10, clock=lambda: now[0])
    assert [throttle.check(1) for _ in range(3)] == [Verdict.PASS] * 3
    assert throttle.check(2) is Verdict.PASS  # others are not counted with user 1
    assert throttle.check(1) is Verdict.NOTICE
    assert throttle.check(1) is Verdict.DROP
    # One album (up to 10 updates from one tap) counts once.
    album = Throttle(limit=3, window=10, clock=lambda: now[0])
    assert all(album.check(1, "g1") is Verdict.PASS for _ in range(10))
    now[0] = 30.0
    assert throttle.check(1) is Verdict.PASS  # the rate fell: answered again, told again later
    assert [throttle.check(1) for _ in range(3)][-1] is Verdict.NOTICE


def test_the_notice_is_in_both_languages() -> None:
    assert SLOW_DOWN in texts("en")("throttle-slow-down")
    assert "помедленнее" in texts("ru")("throttle-slow-down")
