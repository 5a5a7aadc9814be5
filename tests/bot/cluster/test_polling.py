"""Long polling with several workers: one of them polls (a lease) and feeds the inbox every
worker takes from; when it is killed another takes the polling over within seconds."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.bot.cluster.harness import Cluster, PatientClaimant, fresh_database
from tests.e2e.claimant import PROMPTS
from tests.fake_telegram import FakeTelegram

USERS = range(30_001, 30_007)
TAKEOVER_SECONDS = 10.0


async def test_one_poller_feeds_every_worker_and_is_taken_over(
    tmp_path: Path, server_url: str
) -> None:
    async with fresh_database(server_url) as database_url, FakeTelegram() as fake:
        for user_id in USERS:
            fake.add_user(user_id, first_name=f"Claimant {user_id}", language_code="en")
        cluster = Cluster(fake, tmp_path, database_url, size=2, webhook=False)
        await cluster.start()
        try:
            poller = await fake.wait_until(lambda: cluster.holder("poller"), TAKEOVER_SECONDS)
            claimants = [PatientClaimant(fake, user_id) for user_id in USERS]
            before, after = claimants[:3], claimants[3:]
            await asyncio.gather(*(c.says("/start", expect=PROMPTS["welcome"]) for c in before))

            await poller.kill()
            taken = await fake.wait_until(
                lambda: cluster.holder("poller"), TAKEOVER_SECONDS, message="polling not taken"
            )
            assert taken is not poller
            await asyncio.gather(*(c.says("/start", expect=PROMPTS["welcome"]) for c in after))
            listing = PROMPTS["screen_listing"]
            await asyncio.gather(*(c.presses("Start", expect=listing) for c in before))
        except BaseException:
            print(cluster.logs())
            raise
        finally:
            await cluster.stop()
        # Never two pollers at once: Telegram would answer one of them 409 Conflict.
        assert "Conflict" not in cluster.logs()
