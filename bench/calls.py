"""`python -m bench calls`: the Bot API calls of complete complaints, end to end. The bot runs
as one process in webhook mode on SQLite (tests/bot/cluster/harness.py, as `bench cluster`); C
claimants (5, quick 2) each file a trademark complaint with three files, /start to receipt, and
the staff dossiers are awaited. Counted per complaint: the messages (every call but getUpdates,
setWebhook, getFile, getMe, answerCallbackQuery and the start-up's setMy*), those to the staff
group, and Telegram's 30 messages/s per bot turned into complaints a second and a day."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

from bench.cluster import FIRST_USER, NOT_MESSAGES, TELEGRAM_PER_SECOND, TimedClaimant, cards
from bench.report import Result
from tests.bot.cluster.harness import S3_ENV, Cluster, WebhookPump, add_people, file_complaint
from tests.e2e.conftest import STAFF_CHAT_ID
from tests.fake_telegram import FakeTelegram

START_UP = {"setmycommands", "setmydescription", "setmyshortdescription"}
GROUP_PER_MINUTE = 20  # Telegram's rate per group


async def count(claimants: int) -> dict[str, Any]:
    users = [FIRST_USER + i for i in range(claimants)]
    with tempfile.TemporaryDirectory(prefix="bench-calls-") as tmp:
        async with FakeTelegram() as fake:
            add_people(fake, users)
            # Telegram's 30 messages/s lifted, as in `bench cluster`: the count, not the pace
            cluster = Cluster(
                fake,
                Path(tmp),
                "",
                None,
                None,
                size=1,
                settings={"OUTBOX_GLOBAL_PER_SECOND": "100000"},
            )
            await cluster.start()
            pump = WebhookPump(fake, cluster.url, jitter=0.0)
            pumping = asyncio.create_task(pump.run())
            try:
                replies: list[float] = []
                await asyncio.gather(
                    *(
                        file_complaint(TimedClaimant(fake, u, replies), 0.5 * i)
                        for i, u in enumerate(users)
                    )
                )
                await fake.wait_until(
                    lambda: cards(fake) >= claimants, 120, message="staff cards missing"
                )
            finally:
                pumping.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await pumping
                await cluster.stop()
    skipped = NOT_MESSAGES | START_UP
    messages = [r for r in fake.requests if r.method.lower() not in skipped]
    staff = [r for r in messages if str(r.params.get("chat_id")) == str(STAFF_CHAT_ID)]
    return {
        "claimants": claimants,
        "updates_per_complaint": pump.delivered / claimants,
        "messages_per_complaint": len(messages) / claimants,
        "staff_messages_per_complaint": len(staff) / claimants,
        "by_method": {
            m: n / claimants for m, n in collections.Counter(r.method for r in messages).items()
        },
    }


def run(quick: bool) -> Result:
    for key, value in S3_ENV.items():
        os.environ.setdefault(key, value)
    counted = asyncio.run(count(2 if quick else 5))
    per = counted["messages_per_complaint"]
    staff = counted["staff_messages_per_complaint"]
    result = Result(
        "calls",
        "Bot API messages of one complete complaint, end to end",
        {"claimants": counted["claimants"], "files per complaint": 3},
        data=counted,
    )
    result.row("updates a complaint", f"{counted['updates_per_complaint']:.1f}")
    result.row("messages a complaint", f"{per:.1f} ({staff:.1f} to the staff group)")
    by_method = ", ".join(f"{m} {n:.1f}" for m, n in sorted(counted["by_method"].items()))
    result.row("by method", by_method)
    cap = TELEGRAM_PER_SECOND / per
    result.row("Telegram's cap (30 msg/s)", f"{cap:.2f} complaints/s, ~{cap * 86400:,.0f} a day")
    if staff:
        group = GROUP_PER_MINUTE / staff
        result.row(
            "one staff group (20 msg/min)", f"{group:.0f} cases/min, ~{group * 1440:,.0f} a day"
        )
    return result
