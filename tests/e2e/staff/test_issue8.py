"""Issue 8 on aiogram: staff commands, withdrawing, evidence added unasked, the seller notice
and the case-event webhook (the scenarios are shared with PTB: `tests/e2e/staff/issue8.py`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from tests.e2e.conftest import RunningBot
from tests.e2e.staff import issue8
from tests.fake_telegram import FakeTelegram


async def test_staff_find_mine_and_stats(fake: FakeTelegram, running_bot: RunningBot) -> None:
    await issue8.staff_commands(fake, running_bot)


async def test_claimant_adds_evidence_then_withdraws(
    fake: FakeTelegram, running_bot: RunningBot
) -> None:
    await issue8.claimant_adds_evidence_then_withdraws(fake, running_bot)


async def test_claimant_withdraws_with_the_button(
    fake: FakeTelegram, running_bot: RunningBot
) -> None:
    await issue8.claimant_withdraws_with_the_button(fake, running_bot)


async def test_forward_posts_the_seller_notice_and_events_reach_the_webhook(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with issue8.receiver("hook-secret") as rec:
        bot = RunningBot(
            fake,
            tmp_path / "data",
            case_webhook_url=rec.url,
            case_webhook_secret=SecretStr("hook-secret"),
            case_webhook_retry_seconds=0.1,
        )
        await bot.start()
        try:
            await issue8.forward_with_seller_notice_and_events(fake, bot, rec)
        finally:
            await bot.stop()
