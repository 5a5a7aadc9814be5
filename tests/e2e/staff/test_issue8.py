"""Issue 8 on both runtimes (aiogram and PTB, by `start_either_runtime`): staff commands,
withdrawing, evidence added unasked, the seller notice and the case-event webhook (scenarios:
`tests/e2e/staff/issue8.py`)."""

from __future__ import annotations

from tests.e2e.conftest import StartBot
from tests.e2e.staff import issue8
from tests.fake_telegram import FakeTelegram


async def test_staff_find_mine_and_stats(
    fake: FakeTelegram, start_either_runtime: StartBot
) -> None:
    await issue8.staff_commands(fake, await start_either_runtime())


async def test_claimant_adds_evidence_then_withdraws(
    fake: FakeTelegram, start_either_runtime: StartBot
) -> None:
    await issue8.claimant_adds_evidence_then_withdraws(fake, await start_either_runtime())


async def test_claimant_withdraws_with_the_button(
    fake: FakeTelegram, start_either_runtime: StartBot
) -> None:
    await issue8.claimant_withdraws_with_the_button(fake, await start_either_runtime())


async def test_forward_posts_the_seller_notice_and_events_reach_the_webhook(
    fake: FakeTelegram, start_either_runtime: StartBot
) -> None:
    await issue8.forward_on(fake, start_either_runtime)
