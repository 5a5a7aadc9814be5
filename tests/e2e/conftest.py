"""End-to-end fixtures: the real aiogram bot, over HTTP, against the fake Bot API on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.config.settings import Settings
from bot.serving.aiogram_app import AiogramApp
from tests.fake_telegram import FakeTelegram

STAFF_CHAT_ID = -1001234567890
STAFF_MEMBER = 501
CLAIMANT = 1001


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        server.add_user(CLAIMANT, first_name="Anna", language_code="en", username="anna")
        server.add_user(STAFF_MEMBER, first_name="Sergey", language_code="ru")
        server.add_group(STAFF_CHAT_ID, "IP team", members={STAFF_MEMBER: "administrator"})
        yield server


def settings_for(fake: FakeTelegram, data_dir: Path) -> Settings:
    return Settings(
        bot_token=fake.token,
        telegram_api_url=fake.base_url,
        staff_chat_id=STAFF_CHAT_ID,
        data_dir=data_dir,
        album_settle_seconds=0.3,
        outbox_poll_seconds=0.1,
        # Scripted claimants answer faster than people; throttling has its own tests
        # (tests/test_issues/test_issue6_throttle.py).
        throttle_updates=10_000,
        # Never the real short-link hosts: a test must not depend on the Internet.
        short_link_hosts=["short.invalid"],
        short_link_timeout=2.0,
        # The tests' claimants answer at once; Telegram's 1 message/s per chat is tested in
        # tests/bot/outbox/test_sender.py.
        outbox_private_per_second=1000,
        outbox_private_burst=1000,
        # Decisions reach the claimant at once unless a test is about the undo window.
        decision_undo_seconds=0,
        _env_file=None,
    )


class RunningBot:
    """A runtime (aiogram's by default) as a task in this event loop, stopped like an operator
    would (cancelled); start again on the same data dir for a restart."""

    def __init__(
        self, fake: FakeTelegram, data_dir: Path, runtime: Any = AiogramApp, **settings: Any
    ) -> None:
        self.fake = fake
        self.data_dir = data_dir
        self.runtime = runtime
        self.settings = settings  # overrides of `settings_for`
        self.app: Any = None
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        base = settings_for(self.fake, self.data_dir)
        self.app = await self.runtime.create(base.model_copy(update=self.settings))
        self.task = asyncio.create_task(self.app.run())
        await self.fake.wait_for_request("getUpdates", timeout=5)

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None


StartBot = Callable[..., Awaitable[RunningBot]]
"""What `start_either_runtime` yields: start the bot (settings overrides as keywords)."""


@pytest.fixture(params=["aiogram", "ptb"])
async def start_either_runtime(
    request: pytest.FixtureRequest, fake: FakeTelegram, tmp_path: Path
) -> AsyncIterator[StartBot]:
    """A factory of the bot on each runtime in turn, with settings overrides: the one way a
    test runs on both aiogram and python-telegram-bot."""
    from bot.serving.ptb_app import PtbApp

    runtime: Any = AiogramApp if request.param == "aiogram" else PtbApp
    started: list[RunningBot] = []

    async def start(**settings: Any) -> RunningBot:
        bot = RunningBot(fake, tmp_path / "data", runtime, **settings)
        await bot.start()
        started.append(bot)
        return bot

    yield start
    for bot in started:
        await bot.stop()


@pytest.fixture
async def running_bot(fake: FakeTelegram, tmp_path: Path) -> AsyncIterator[RunningBot]:
    bot = RunningBot(fake, tmp_path / "data")
    await bot.start()
    yield bot
    await bot.stop()
