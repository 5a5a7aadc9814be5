"""Helpers shared by the issue 6 regression tests (both runtimes)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from dialogs.model import Draft
from tests.e2e.claimant import PROMPTS, Claimant
from tests.e2e.conftest import CLAIMANT, RunningBot
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.models import SentMessage


async def saved_draft(bot: RunningBot) -> Draft:
    assert bot.app is not None
    draft = await bot.app.storage.drafts.load(CLAIMANT)
    assert draft is not None
    return draft


async def refused_unchanged(
    fake: FakeTelegram,
    bot: RunningBot,
    step: str,
    send: Callable[[], object],
    expect: str,
    *,
    timeout: float = 10.0,
) -> SentMessage:
    """`send()` is answered with a message containing `expect`, without the prompt of `step`
    drawn again (issue 7: it stays where it is on the screen); the draft saved in SQLite is
    exactly as it was (not even its revision moves)."""
    before = await saved_draft(bot)
    assert before.step == step
    baseline = Claimant(fake, CLAIMANT)._baseline()
    send()
    answer = await fake.wait_for_message(
        CLAIMANT, lambda m: expect in (m.text or ""), after=baseline, timeout=timeout
    )
    await asyncio.sleep(0.3)  # a repeated prompt, were one sent, would be here by now
    later = [m for m in fake.messages(CLAIMANT) if m.message_id > answer.message_id]
    assert not any(PROMPTS[step] in (m.text or "") for m in later), fake.dump(CLAIMANT)
    after = await saved_draft(bot)
    assert after.model_dump() == before.model_dump()
    return answer
