"""A press answered too late (Telegram refuses answerCallbackQuery for old presses, as after a
restart): the press is still applied and the claimant still gets the next step."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.serving.aiogram_app import AiogramApp
from bot.serving.ptb_app import PtbApp
from tests.e2e.claimant import Claimant
from tests.e2e.conftest import CLAIMANT, RunningBot
from tests.fake_telegram import FakeTelegram

TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


@pytest.fixture(params=[AiogramApp, PtbApp], ids=["aiogram", "ptb"])
async def either_bot(
    fake: FakeTelegram, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[RunningBot]:
    bot = RunningBot(fake, tmp_path / "data", request.param)
    await bot.start()
    yield bot
    await bot.stop()


async def test_a_press_too_old_to_answer_still_moves_on(
    fake: FakeTelegram, either_bot: RunningBot
) -> None:
    anna = Claimant(fake, CLAIMANT)
    await anna.says("/start", expect="A complaint about an infringement of exclusive rights")
    fake.fail_next("answerCallbackQuery", error_code=400, description=TOO_OLD)
    await anna.presses("Start", expect="Step 1 of 10")
    assert fake.calls("answerCallbackQuery")[-1].error_code == 400
