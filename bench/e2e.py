"""The real aiogram bot, long-polling the fake Bot API on 127.0.0.1, claimants filing at once.

Bot, fake server and claimants share one event loop (as in tests/e2e), so the claimants' own
work and the fake's JSON validation are part of every round trip: read the numbers as an upper
bound of what the bot itself adds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.arrivals import Arrivals
from bench.drive import send
from bench.report import Result, summary
from bench.script import Script, scripts
from bot.config.settings import Settings
from bot.serving.aiogram_app import AiogramApp
from tests.fake_telegram import FakeTelegram

STAFF_CHAT_ID = -1001234567890
STAFF_MEMBER = 501
WAIT_SECONDS = 30.0
RECEIPT_GRACE = 10.0  # how long the bench waits for the receipts


async def _claimant(
    fake: FakeTelegram,
    arrivals: Arrivals,
    user_id: int,
    script: Script,
    samples: dict[str, list[float]],
    submitted: dict[int, tuple[float, int]],
) -> None:
    for j, action in enumerate(script.actions):
        baseline = arrivals.count(user_id)
        t0 = time.perf_counter()
        if action.messages == 0:  # the submission: its answer is the review's buttons going
            review = arrivals.with_button(user_id, action.value)
            send(fake, arrivals, user_id, action, seed=0)
            await fake.wait_until(
                lambda m=review, data=action.value: data not in m.callback_datas,
                WAIT_SECONDS,
                message=f"chat {user_id}: submission not acknowledged",
                poll_interval=0.01,
            )
            done = time.perf_counter() - t0
            samples["first"].append(done)
            samples["complete"].append(done)
            samples["first:submit"].append(done)
            submitted[user_id] = (t0, baseline)
            continue
        send(fake, arrivals, user_id, action, seed=user_id * 100 + j)
        try:
            await arrivals.wait_count(user_id, baseline + action.messages, WAIT_SECONDS)
        except TimeoutError as late:
            got = [m.short() for _, m in arrivals.by_chat.get(user_id, [])[baseline:]]
            raise TimeoutError(
                f"{late}: after {action.kind} {action.value!r} at {action.step} got {got}"
                f"\n{fake.dump(user_id, last=4)}"
            ) from None
        stamps = arrivals.by_chat[user_id]
        samples["first"].append(stamps[baseline][0] - t0)
        samples[f"first:{action.kind}"].append(stamps[baseline][0] - t0)
        samples["complete"].append(stamps[baseline + action.messages - 1][0] - t0)


async def _receipts(
    arrivals: Arrivals, submitted: dict[int, tuple[float, int]], grace: float
) -> list[float]:
    """Seconds from each submission to its receipt, for those that arrive within `grace`."""
    deadline = time.perf_counter() + grace
    while time.perf_counter() < deadline:
        if all(arrivals.count(u) > base for u, (_, base) in submitted.items()):
            break
        await asyncio.sleep(0.05)
    return [
        arrivals.by_chat[u][base][0] - t0
        for u, (t0, base) in submitted.items()
        if arrivals.count(u) > base
    ]


def _count_requests(requests: list[Any]) -> Counter[str]:
    """Requests by method; those to the staff group counted apart as "<method> (staff)"."""
    return Counter(
        r.method + (" (staff)" if r.params.get("chat_id") == STAFF_CHAT_ID else "")
        for r in requests
    )


async def _phase(
    fake: FakeTelegram, arrivals: Arrivals, users: list[int], plans: list[Script]
) -> tuple[dict[str, list[float]], float, Counter[str]]:
    samples: dict[str, list[float]] = {"first": [], "complete": []}
    for kind in ("command", "press", "text", "upload", "submit"):
        samples[f"first:{kind}"] = []
    submitted: dict[int, tuple[float, int]] = {}
    before = len(fake.requests)
    started = time.perf_counter()
    await asyncio.gather(
        *(
            _claimant(fake, arrivals, u, plans[i % len(plans)], samples, submitted)
            for i, u in enumerate(users)
        )
    )
    wall = time.perf_counter() - started
    methods = _count_requests(fake.requests[before:])
    samples["receipt"] = await _receipts(arrivals, submitted, RECEIPT_GRACE)
    return samples, wall, methods


async def _run(quick: bool) -> Result:
    claimants = 3 if quick else 20
    plans = scripts()
    solo_user = 3000
    users = [4000 + i for i in range(claimants)]
    with tempfile.TemporaryDirectory(prefix="bench-e2e-") as tmp:
        async with FakeTelegram() as fake:
            fake.add_user(STAFF_MEMBER, first_name="Staff", language_code="en")
            fake.add_group(STAFF_CHAT_ID, "IP team", members={STAFF_MEMBER: "administrator"})
            for u in [solo_user, *users]:
                fake.add_user(u, first_name=f"C{u}", language_code="en", username=f"c{u}")
            arrivals = Arrivals(fake)
            settings = Settings(
                bot_token=fake.token,
                telegram_api_url=fake.base_url,
                staff_chat_id=STAFF_CHAT_ID,
                data_dir=Path(tmp) / "data",
                album_settle_seconds=0.3,
                outbox_poll_seconds=0.1,
                throttle_updates=1_000_000,  # scripted claimants answer at machine speed
                _env_file=None,
            )
            app = await AiogramApp.create(settings)
            task = asyncio.create_task(app.run())
            try:
                await fake.wait_for_request("getUpdates", timeout=10)
                solo, solo_wall, _ = await _phase(fake, arrivals, [solo_user], plans[:1])
                crowd, wall, methods = await _phase(fake, arrivals, users, plans)
                group_sent = arrivals.count(STAFF_CHAT_ID)
            finally:
                # aiogram logs the long poll cut by the shutdown as an error: not a finding.
                logging.getLogger("aiogram.dispatcher").setLevel(logging.CRITICAL)
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    messages = sum(len(p.actions) for p in (plans[i % len(plans)] for i in range(claimants)))
    result = Result(
        "e2e",
        "e2e: aiogram bot ⇄ fake Bot API on 127.0.0.1 (long polling, one event loop)",
        {
            "claimants": claimants,
            "user_messages": messages,
            "files_per_complaint": plans[0].uploads,
            "outbox_poll_s": settings.outbox_poll_seconds,
            "receipt_grace_s": RECEIPT_GRACE,
        },
    )
    solo_first = summary(solo["first"], 1e3)
    result.latency("1 claimant: send → first answer", solo_first, "ms")
    result.row("1 claimant: whole complaint", f"{solo_wall:.2f} s")
    first = summary(crowd["first"], 1e3)
    complete = summary(crowd["complete"], 1e3)
    result.latency(f"{claimants} at once: send → first answer", first, "ms")
    result.latency(f"{claimants} at once: send → last answer", complete, "ms")
    by_kind = {}
    for kind in ("command", "press", "text", "upload", "submit"):
        stats = summary(crowd[f"first:{kind}"], 1e3)
        by_kind[kind] = stats
        result.latency(f"  {kind}: first answer", stats, "ms")
    receipts = summary(crowd["receipt"], 1.0)
    result.latency("  receipt after the submission", receipts, "s", 2)
    result.row(
        "  receipts still queued",
        f"{claimants - receipts['n']} of {claimants} after {RECEIPT_GRACE:.0f} s more",
    )
    result.row(f"{claimants} at once: total wall time", f"{wall:.2f} s")
    result.row("user messages per second", f"{messages / wall:.1f}")
    polls = methods.pop("getUpdates", 0)
    per_complaint = sum(methods.values()) / claimants
    staff = sum(n for m, n in methods.items() if m.endswith("(staff)")) / claimants
    result.row(
        "Bot API requests per complaint",
        f"{per_complaint:.1f} without getUpdates ({per_complaint - staff:.1f} claimant side, "
        f"{staff:.1f} staff dossier so far)",
    )
    breakdown = ", ".join(f"{m} {n / claimants:.1f}" for m, n in methods.most_common())
    result.row("  by method, per complaint", breakdown)
    result.row("getUpdates calls (all claimants)", f"{polls} ({polls / messages:.2f} per message)")
    result.row("staff group messages sent meanwhile", f"{group_sent}")
    result.notes.append(
        "file downloads (GET /file/…) are not Bot API methods and are not counted; the staff "
        "dossier is still draining through the group's 20/min bucket when the bench stops"
    )
    result.data = {
        "solo_first_ms": solo_first,
        "solo_wall_seconds": solo_wall,
        "first_ms": first,
        "complete_ms": complete,
        "first_ms_by_kind": by_kind,
        "receipt_seconds": receipts,
        "wall_seconds": wall,
        "requests_per_complaint": per_complaint,
        "requests_by_method_total": dict(methods),
        "get_updates_calls": polls,
        "staff_group_messages_sent": group_sent,
    }
    return result


def run(quick: bool) -> Result:
    return asyncio.run(_run(quick))
