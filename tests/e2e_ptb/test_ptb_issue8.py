"""Issue 8 on python-telegram-bot: staff commands, withdrawing, evidence added unasked, the seller
notice and the case-event webhook (scenarios shared: `tests/e2e/staff/issue8.py`)."""

from __future__ import annotations

from pathlib import Path

from bot.serving.ptb_app import PtbApp
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
    await issue8.forward_on(fake, tmp_path / "data", PtbApp)
