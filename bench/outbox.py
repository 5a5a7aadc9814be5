"""OutboxSender draining a queue through the real aiogram transport to the fake Bot API.

The private chats are delivered for real; the staff group's 20/min bucket is also computed from
`Rates.bucket_for` on a virtual clock, for loads that would take minutes to wait out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import tempfile
import time
from pathlib import Path
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bench.e2e import Arrivals
from bench.report import Result, summary
from bot.aiogram.transport import AiogramTransport
from bot.config.settings import Settings
from bot.outbox.messages import Text
from bot.outbox.pacing import Bucket
from bot.outbox.queue import queue
from bot.outbox.sender import OutboxSender, Rates
from storage import Storage
from tests.fake_telegram import FakeTelegram

STAFF_CHAT_ID = -1001234567890
STAFF_MEMBER = 501
FIRST_CHAT = 6000
DOSSIER_MESSAGES = 7  # staff-group messages per submitted complaint (see the service bench)


def wait_for_nth(bucket: Bucket, n: int, step: float = 0.01) -> float:
    """Seconds until the bucket lets the n-th of n messages queued at once through."""
    t = 0.0
    sent = 0
    while True:
        while bucket.take(t):
            sent += 1
            if sent >= n:
                return t
        t += step


def ideal_seconds(rates: Rates, per_chat: dict[int, int]) -> float:
    """The least time Telegram's rates allow for the load: slowest chat vs the global rate."""
    chats = [wait_for_nth(rates.bucket_for(chat), n, 0.05) for chat, n in per_chat.items()]
    overall = max(0.0, (sum(per_chat.values()) - rates.global_per_second)) / rates.global_per_second
    return max([overall, *chats])


def _queue_order(chats: int, per_chat: int, group: int, interleaved: bool) -> list[int]:
    ids = [FIRST_CHAT + i for i in range(chats)]
    if interleaved:
        private = [c for _ in range(per_chat) for c in ids]  # round robin
    else:
        private = [c for c in ids for _ in range(per_chat)]  # chat by chat
    order: list[int] = []
    every = max(1, len(private) // max(group, 1))
    for i, chat in enumerate(private):
        order.append(chat)
        if group and i % every == every - 1 and order.count(STAFF_CHAT_ID) < group:
            order.append(STAFF_CHAT_ID)
    order += [STAFF_CHAT_ID] * (group - order.count(STAFF_CHAT_ID))
    return order


async def _drain(
    tmp: Path,
    order: list[int],
    *,
    poll_seconds: float,
    floods: int = 0,
    window: float | None = None,
) -> dict[str, Any]:
    """Queue `order` (one sendMessage per entry) and run the sender until all arrive (or
    `window` seconds pass)."""
    storage = await Storage.open(tmp)
    chats = sorted({c for c in order if c > 0})
    try:
        async with FakeTelegram() as fake:
            fake.add_user(STAFF_MEMBER, first_name="Staff", language_code="en")
            fake.add_group(STAFF_CHAT_ID, "IP team", members={STAFF_MEMBER: "administrator"})
            for chat in chats:
                fake.add_user(chat, first_name=f"C{chat}", language_code="en")
            arrivals = Arrivals(fake)
            async with storage.db.transaction() as conn:
                for i, chat in enumerate(order):
                    await queue(
                        conn,
                        storage,
                        Text(chat_id=chat, text=f"<b>Message {i}</b> for chat {chat}"),
                        key=f"bench:{i}",
                    )
            if floods:
                fake.flood("sendMessage", retry_after=1, times=floods)
            session = AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url))
            bot = Bot(fake.token, session=session)
            sender = OutboxSender(
                storage, AiogramTransport(bot, storage.files), poll_seconds=poll_seconds
            )
            logging.getLogger("bot.outbox.failures").setLevel(logging.CRITICAL)  # expected 429s
            started = time.perf_counter()
            task = asyncio.create_task(sender.run())
            try:
                deadline = started + (window if window is not None else 120.0)
                while time.perf_counter() < deadline:
                    if sum(arrivals.count(c) for c in {*order}) >= len(order):
                        break
                    await asyncio.sleep(0.02)
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
                await bot.session.close()
            elapsed = time.perf_counter() - started
            private_times = [t - started for c in chats for t, _ in arrivals.by_chat.get(c, [])]
            group_times = [t - started for t, _ in arrivals.by_chat.get(STAFF_CHAT_ID, [])]
            too_many = sum(1 for r in fake.requests if r.error_code == 429)
            calls = len(fake.calls("sendMessage"))
            delivered = len(private_times) + len(group_times)
            # a message shown twice would be a duplicate delivery
            texts = [m.text for m in fake.sent]
            duplicates = len(texts) - len(set(texts))
    finally:
        await storage.close()
    return {
        "queued": len(order),
        "delivered": delivered,
        "seconds": elapsed,
        "per_second": delivered / elapsed if elapsed else 0.0,
        "private_delivered": len(private_times),
        "private_last_s": max(private_times, default=None),
        "group_delivered": len(group_times),
        "group_last_s": max(group_times, default=None),
        "send_message_calls": calls,
        "http_429": too_many,
        "duplicates": duplicates,
        "private_arrival_s": summary(private_times),
    }


async def _run(quick: bool) -> Result:
    chats, per_chat, group = (6, 10, 20) if quick else (30, 10, 20)
    floods = 10
    rates = Rates()
    poll = Settings(_env_file=None).outbox_poll_seconds
    interleaved = _queue_order(chats, per_chat, group, interleaved=True)
    grouped = _queue_order(chats, per_chat, group, interleaved=False)
    load = {FIRST_CHAT + i: per_chat for i in range(chats)} | {STAFF_CHAT_ID: group}
    ideal = ideal_seconds(rates, load)
    with tempfile.TemporaryDirectory(prefix="bench-outbox-") as tmp:
        main = await _drain(Path(tmp) / "a", interleaved, poll_seconds=poll)
        flooded = await _drain(Path(tmp) / "b", interleaved, poll_seconds=poll, floods=floods)
        window = 4.0 if quick else 6.0
        hol = await _drain(Path(tmp) / "c", grouped, poll_seconds=poll, window=window)

    result = Result(
        "outbox",
        "outbox: OutboxSender → aiogram → fake Bot API, Telegram's Rates",
        {
            "private_messages": chats * per_chat,
            "private_chats": chats,
            "group_messages": group,
            "poll_seconds": poll,
            "injected_429": floods,
        },
    )
    result.row(
        "[round-robin queue]",
        f"{main['delivered']}/{main['queued']} delivered in {main['seconds']:.2f} s",
    )
    result.row("  messages per second achieved", f"{main['per_second']:.1f}")
    result.row("  least time the Rates allow", f"{ideal:.2f} s ({len(interleaved) / ideal:.1f}/s)")
    result.row("  last private message at", _seconds(main["private_last_s"]))
    result.row("  last group message at", _seconds(main["group_last_s"]))
    result.row(
        "[same + 10 injected 429s]",
        f"{flooded['delivered']}/{flooded['queued']} delivered in {flooded['seconds']:.2f} s",
    )
    result.row("  429 answers seen", f"{flooded['http_429']}")
    result.row("  messages per second achieved", f"{flooded['per_second']:.1f}")
    result.row(
        "  sendMessage calls / duplicates",
        f"{flooded['send_message_calls']} / {flooded['duplicates']}",
    )
    result.row(
        "[queued chat by chat, first " + f"{window:.0f} s]",
        f"{hol['delivered']}/{hol['queued']} delivered",
    )
    result.row("  messages per second achieved", f"{hol['per_second']:.1f}")
    group_bucket: dict[str, float] = {}
    for n in (20, 21, 60, DOSSIER_MESSAGES * 20):
        group_bucket[str(n)] = wait_for_nth(rates.bucket_for(STAFF_CHAT_ID), n)
    result.row(
        "group bucket: wait for the n-th at once",
        ", ".join(f"n={n}: {s:.0f} s" for n, s in group_bucket.items()),
    )
    result.notes.append(
        f"n={DOSSIER_MESSAGES * 20} is 20 complaints' staff dossiers ({DOSSIER_MESSAGES} group "
        "messages each) submitted together: the last card reaches the staff that much later"
    )
    result.data = {
        "round_robin": main,
        "with_429": flooded,
        "chat_by_chat_window": hol,
        "ideal_seconds": ideal,
        "group_bucket_wait_seconds": group_bucket,
    }
    return result


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def run(quick: bool) -> Result:
    return asyncio.run(_run(quick))
