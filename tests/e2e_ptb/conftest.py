"""End-to-end fixtures: the real python-telegram-bot runtime, over HTTP (httpx), against the
fake Bot API on 127.0.0.1. The fake server and its users are the aiogram suite's."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.ptb import PtbApp
from tests.e2e.conftest import fake, settings_for
from tests.fake_telegram import FakeTelegram

__all__ = ["RunningPtbBot", "fake", "running_bot"]


class RunningPtbBot:
    """The PTB bot as a task in this event loop; `stop()` cancels it like an operator would."""

    def __init__(self, fake: FakeTelegram, data_dir: Path) -> None:
        self.fake = fake
        self.data_dir = data_dir
        self.app: PtbApp | None = None
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.app = await PtbApp.create(settings_for(self.fake, self.data_dir))
        self.task = asyncio.create_task(self.app.run())
        await self.fake.wait_for_request("getUpdates", timeout=5)

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None


@pytest.fixture
async def running_bot(fake: FakeTelegram, tmp_path: Path) -> AsyncIterator[RunningPtbBot]:
    bot = RunningPtbBot(fake, tmp_path / "data")
    await bot.start()
    yield bot
    await bot.stop()
