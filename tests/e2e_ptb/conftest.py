"""End-to-end fixtures: the real python-telegram-bot runtime, over HTTP (httpx), against the
fake Bot API on 127.0.0.1. The fake server and its users are the aiogram suite's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.serving.ptb_app import PtbApp
from tests.e2e.conftest import RunningBot, fake
from tests.fake_telegram import FakeTelegram

__all__ = ["fake", "running_bot"]


@pytest.fixture
async def running_bot(fake: FakeTelegram, tmp_path: Path) -> AsyncIterator[RunningBot]:
    bot = RunningBot(fake, tmp_path / "data", PtbApp)
    await bot.start()
    yield bot
    await bot.stop()
