"""Regression tests replay bugs through the real bot: the end-to-end suite's fixtures, and
`each_runtime`: the same test against aiogram's runtime and python-telegram-bot's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.serving.aiogram_app import AiogramApp
from bot.serving.ptb_app import PtbApp
from tests.e2e.conftest import RunningBot, fake, running_bot, start_either_runtime
from tests.fake_telegram import FakeTelegram

__all__ = ["either_bot", "fake", "running_bot", "start_either_runtime"]


# --- issue 6: one test, both runtimes ------------------------------------------------------------


@pytest.fixture(params=["aiogram", "ptb"])
async def either_bot(
    request: pytest.FixtureRequest, fake: FakeTelegram, tmp_path: Path
) -> AsyncIterator[RunningBot]:
    """The aiogram runtime, then python-telegram-bot's: a test using this runs on both."""
    runtime = AiogramApp if request.param == "aiogram" else PtbApp
    bot = RunningBot(fake, tmp_path / "data", runtime)
    await bot.start()
    yield bot
    await bot.stop()
