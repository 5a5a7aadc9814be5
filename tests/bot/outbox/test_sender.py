"""The outbox sender: 429 `retry_after` honoured, order per chat kept, nothing lost or sent
twice across a restart, undeliverable items given up, the group rate kept.

Time is a fake clock (the sender's `clock`); the rate buckets run on the loop's clock, and are
only checked within one `deliver_due()` round, which takes milliseconds."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot

from bot.aiogram.transport import AiogramTransport
from bot.outbox.messages import Text
from bot.outbox.queue import queue
from bot.outbox.sender import OutboxSender, RetryLater
from storage import Storage
from tests.bot.outbox.sending import ANNA, BORIS, FAST_PRIVATE, GROUP, Clock, ScriptedTransport
from tests.fake_telegram import FakeTelegram


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    opened = await Storage.open(tmp_path / "data")
    yield opened
    await opened.close()


async def enqueue(storage: Storage, *messages: tuple[int, str]) -> list[int]:
    """Queue messages in one committed transaction; returns the outbox ids."""
    ids = []
    async with storage.db.transaction() as conn:
        for chat_id, text in messages:
            item = await queue(
                conn, storage, Text(chat_id=chat_id, text=text), key=f"test:{chat_id}:{text}"
            )
            assert item is not None
            ids.append(item)
    return ids


def texts(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [m.text or "" for m in fake.messages(chat_id)]


async def test_a_429_storm_is_waited_out_and_each_item_sent_once_in_order(
    storage: Storage, fake: FakeTelegram, bot: Bot
) -> None:
    anna = [f"anna {i}" for i in range(4)]
    boris = [f"boris {i}" for i in range(2)]
    await enqueue(storage, *[(ANNA, t) for t in anna], *[(BORIS, t) for t in boris])
    clock = Clock()
    sender = OutboxSender(
        storage, AiogramTransport(bot, storage.files), rates=FAST_PRIVATE, clock=clock
    )
    fake.flood("sendMessage", retry_after=5, times=3)

    rounds = waited = 0
    while await storage.outbox.pending_count():
        await sender.deliver_due()
        rounds += 1
        assert rounds < 20, fake.dump()
        flooded = sum(not r.ok for r in fake.calls("sendMessage"))
        if flooded > waited:
            # A chat was told to wait: nothing is tried before retry_after has passed ...
            waited = flooded
            calls = len(fake.calls("sendMessage"))
            clock.advance(4.9)
            assert await sender.deliver_due() == 0
            assert len(fake.calls("sendMessage")) == calls
            clock.advance(0.2)  # ... and once it has, it is.
    assert texts(fake, ANNA) == anna
    assert texts(fake, BORIS) == boris
    failed = [r for r in fake.calls("sendMessage") if not r.ok]
    assert [r.error_code for r in failed] == [429, 429, 429]


async def test_a_flooded_chat_waits_while_other_chats_go_on_in_order(storage: Storage) -> None:
    await enqueue(storage, (ANNA, "a1"), (BORIS, "b1"), (ANNA, "a2"), (BORIS, "b2"))
    transport = ScriptedTransport()
    transport.failures[ANNA] = [RetryLater(30, "Too Many Requests")]
    clock = Clock()
    sender = OutboxSender(storage, transport, rates=FAST_PRIVATE, clock=clock)

    assert await sender.deliver_due() == 2
    assert transport.texts(BORIS) == ["b1", "b2"]
    assert transport.texts(ANNA) == ["a1"]  # tried once; "a2" not sent ahead of it
    clock.advance(29)
    assert await sender.deliver_due() == 0
    assert transport.texts(ANNA) == ["a1"]
    clock.advance(1)
    assert await sender.deliver_due() == 2
    assert transport.texts(ANNA) == ["a1", "a1", "a2"]
    assert await storage.outbox.pending_count() == 0


async def test_a_crash_between_commit_and_send_loses_nothing_and_repeats_nothing(
    tmp_path: Path, fake: FakeTelegram, bot: Bot
) -> None:
    data_dir = tmp_path / "crash"
    before = await Storage.open(data_dir)
    await enqueue(before, (ANNA, "your case is being reviewed"))
    await before.close()  # the process dies before any sender ran

    for _ in range(2):  # two restarts in a row: the second finds nothing to send
        after = await Storage.open(data_dir)
        try:
            sender = OutboxSender(after, AiogramTransport(bot, after.files), rates=FAST_PRIVATE)
            await sender.deliver_due()
            assert await after.outbox.pending_count() == 0
        finally:
            await after.close()
    assert texts(fake, ANNA) == ["your case is being reviewed"]
    assert len(fake.calls("sendMessage")) == 1


async def test_an_undeliverable_item_is_given_up_and_does_not_block_the_next(
    storage: Storage, fake: FakeTelegram, bot: Bot
) -> None:
    bad, good = await enqueue(storage, (ANNA, "refused"), (ANNA, "accepted"))
    fake.fail_next("sendMessage", error_code=400)
    sender = OutboxSender(storage, AiogramTransport(bot, storage.files), rates=FAST_PRIVATE)
    assert await sender.deliver_due() == 2
    assert texts(fake, ANNA) == ["accepted"]
    given_up = await storage.outbox.get(bad)
    assert given_up is not None and given_up.gave_up_at is not None and given_up.sent_at is None
    sent = await storage.outbox.get(good)
    assert sent is not None and sent.sent_at is not None
    assert await sender.deliver_due() == 0
    assert len(fake.calls("sendMessage")) == 2


async def test_a_user_who_blocked_the_bot_is_given_up(
    storage: Storage, fake: FakeTelegram, bot: Bot
) -> None:
    fake.user_blocks_bot(BORIS)
    (item,) = await enqueue(storage, (BORIS, "hello"))
    sender = OutboxSender(storage, AiogramTransport(bot, storage.files), rates=FAST_PRIVATE)
    await sender.deliver_due()
    stored = await storage.outbox.get(item)
    assert stored is not None and stored.gave_up_at is not None
    assert "blocked" in (stored.last_error or "")
    assert await storage.outbox.pending_count() == 0


async def test_the_group_rate_stops_a_burst_of_25_after_20(storage: Storage) -> None:
    await enqueue(storage, *[(GROUP, f"g{i:02d}") for i in range(25)], (ANNA, "private"))
    transport = ScriptedTransport()
    clock = Clock()
    sender = OutboxSender(storage, transport, clock=clock)

    assert await sender.deliver_due() == 21  # 20 to the group, and the private one
    assert transport.texts(GROUP) == [f"g{i:02d}" for i in range(20)]
    assert transport.texts(ANNA) == ["private"]
    assert await sender.deliver_due() == 0  # the bucket is empty: no call at all
    assert len(transport.calls) == 21
    assert await storage.outbox.pending_count() == 5


async def test_private_chats_get_a_burst_of_3(storage: Storage) -> None:
    await enqueue(storage, *[(ANNA, f"a{i}") for i in range(5)])
    transport = ScriptedTransport()
    sender = OutboxSender(storage, transport)
    assert await sender.deliver_due() == 3
    assert transport.texts(ANNA) == ["a0", "a1", "a2"]


async def test_one_broken_item_does_not_stop_the_rest(storage: Storage) -> None:
    await enqueue(storage, (ANNA, "broken"), (BORIS, "fine"))
    transport = ScriptedTransport()
    transport.failures[ANNA] = [ValueError("cannot build the request")] * 20
    sender = OutboxSender(storage, transport, rates=FAST_PRIVATE)
    for _ in range(3):
        with contextlib.suppress(ValueError):
            await sender.deliver_due()
    assert transport.texts(BORIS) == ["fine"]


async def test_a_rate_limited_group_does_not_starve_private_chats(storage: Storage) -> None:
    """Regression (found by `make bench`): 60 staff-group messages queued first filled the
    sender's window once the group's 20/min were spent, and receipts behind them waited."""
    await enqueue(storage, *((GROUP, f"g{i}") for i in range(60)))
    await enqueue(storage, *((ANNA, f"receipt{i}") for i in range(3)))
    transport = ScriptedTransport()
    sender = OutboxSender(storage, transport, rates=FAST_PRIVATE)
    assert await sender.deliver_due() == 23
    assert transport.texts(ANNA) == ["receipt0", "receipt1", "receipt2"]
    assert len(transport.texts(GROUP)) == 20
    assert await storage.outbox.pending_count() == 40


async def test_a_reply_does_not_wait_behind_a_slow_upload_to_the_group(storage: Storage) -> None:
    """Issue 6: private chats and groups are delivered in lanes side by side."""

    class SlowGroup(ScriptedTransport):
        def __init__(self) -> None:
            super().__init__()
            self.release = asyncio.Event()

        async def call(self, method: str, payload: dict[str, Any]) -> Any:
            if payload["chat_id"] < 0:
                await self.release.wait()  # a big dossier upload
            return await super().call(method, payload)

    transport = SlowGroup()
    sender = OutboxSender(storage, transport, rates=FAST_PRIVATE, poll_seconds=0.05)
    async with sender.running():
        await enqueue(storage, (GROUP, "dossier"))
        await asyncio.sleep(0.1)  # the group's upload is under way
        await enqueue(storage, (ANNA, "next question"))
        sender.kick()
        for _ in range(100):
            if transport.texts(ANNA):
                break
            await asyncio.sleep(0.01)
        assert transport.texts(ANNA) == ["next question"]
        assert transport.texts(GROUP) == []
        transport.release.set()
        for _ in range(100):
            if transport.texts(GROUP):
                break
            await asyncio.sleep(0.01)
    assert transport.texts(GROUP) == ["dossier"]


class CountedTransactions:
    """Counts the transactions opened on a storage's database."""

    def __init__(self, storage: Storage) -> None:
        self.count = 0
        begin = storage.db.transaction

        @contextlib.asynccontextmanager
        async def counted() -> AsyncIterator[Any]:
            self.count += 1
            async with begin() as conn:
                yield conn

        storage.db.transaction = counted  # type: ignore[method-assign]


async def test_a_window_of_sends_is_marked_sent_in_one_commit(storage: Storage) -> None:
    await enqueue(storage, *[(chat, f"m{i}") for i in range(5) for chat in (ANNA, BORIS)])
    transport = ScriptedTransport()
    sender = OutboxSender(storage, transport, rates=FAST_PRIVATE)
    commits = CountedTransactions(storage)

    assert await sender.deliver_due() == 10
    assert commits.count == 1  # not one per message
    assert await storage.outbox.pending_count() == 0
    assert transport.texts(ANNA) == [f"m{i}" for i in range(5)]


async def test_a_crash_mid_window_resends_only_the_unmarked_messages(
    storage: Storage,
) -> None:
    """Sent marks wait for the window's end: a crash before it re-sends that window's sent
    messages after the restart, and nothing marked before."""
    await enqueue(storage, (ANNA, "a1"), (ANNA, "a2"))
    transport = ScriptedTransport()
    await OutboxSender(storage, transport, rates=FAST_PRIVATE).deliver_due()
    await enqueue(storage, (ANNA, "a3"), (ANNA, "a4"))

    class Crash(BaseException):
        pass

    class CrashingTransport(ScriptedTransport):
        async def call(self, method: str, payload: dict[str, Any]) -> Any:
            if payload["text"] == "a4":
                raise Crash  # the process dies: nothing after this runs
            return await super().call(method, payload)

    crashing = CrashingTransport()
    sender = OutboxSender(storage, crashing, rates=FAST_PRIVATE)
    sender._mark_sent = _no_marks  # type: ignore[method-assign]  # a dead process commits nothing
    with pytest.raises(Crash):
        await sender.deliver_due()
    assert crashing.texts(ANNA) == ["a3"]

    restarted = ScriptedTransport()
    await OutboxSender(storage, restarted, rates=FAST_PRIVATE).deliver_due()
    assert restarted.texts(ANNA) == ["a3", "a4"]  # a3 again (unmarked), a1 and a2 not
    assert await storage.outbox.pending_count() == 0


async def _no_marks(sent: list[tuple[int, dict[str, Any]]]) -> None:
    return None
