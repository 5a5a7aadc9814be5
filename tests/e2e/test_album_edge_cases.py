"""Albums the intake should still answer once: at a step that takes no files, and made only of
files already attached."""

from __future__ import annotations

import asyncio

from tests.e2e.claimant import Claimant, png
from tests.e2e.conftest import CLAIMANT, RunningBot
from tests.fake_telegram import FakeTelegram

SETTLE = 0.3  # ALBUM_SETTLE_SECONDS of the test settings


async def test_album_at_a_text_step_is_answered_once(
    fake: FakeTelegram, running_bot: RunningBot
) -> None:
    anna = Claimant(fake, CLAIMANT)
    prompt = await anna.reaches("rights_holder")
    fake.user_sends_album(CLAIMANT, [("photo", png(i), None, None) for i in range(3)])
    await fake.wait_for_message(CLAIMANT, lambda m: "⚠️" in (m.text or ""), after=prompt)
    await asyncio.sleep(SETTLE + 0.2)  # an album answer, if any, comes after the quiet period
    end = await anna.says("/help", expect="I collect an intellectual-property complaint")
    between = [
        m for m in fake.messages(CLAIMANT) if prompt.message_id < m.message_id < end.message_id
    ]
    warnings = [m for m in between if "Please answer with a text message" in (m.text or "")]
    assert len(warnings) == 1, fake.dump(CLAIMANT)


async def test_album_of_files_already_attached_is_answered(
    fake: FakeTelegram, running_bot: RunningBot
) -> None:
    anna = Claimant(fake, CLAIMANT)
    await anna.reaches("evidence_files")
    await anna.attaches(png(1))
    last = await anna.attaches(png(2))
    baseline = fake.messages(CLAIMANT)[-1].message_id
    assert last.message_id <= baseline
    fake.user_sends_album(CLAIMANT, [("photo", png(1), None, None), ("photo", png(2), None, None)])
    await fake.wait_for_message(CLAIMANT, after=baseline, timeout=SETTLE + 1.5)
    assert running_bot.app is not None
    draft = await running_bot.app.storage.drafts.load(CLAIMANT)
    assert draft is not None and len(draft.files) == 2
