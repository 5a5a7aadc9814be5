"""A stop lets the outbox sender finish the call in flight (never cut: it could be sent twice),
then sends nothing more; what is left is sent after the next start."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from bot.outbox.messages import Text
from bot.outbox.queue import queue
from bot.outbox.sender import OutboxSender
from dialogs.model import utcnow
from storage import Storage


class SlowTransport:
    def __init__(self) -> None:
        self.started: list[str] = []
        self.finished: list[str] = []
        self.release = asyncio.Event()

    async def call(self, method: str, payload: dict[str, Any]) -> Any:
        self.started.append(payload["text"])
        await self.release.wait()
        self.finished.append(payload["text"])
        return {"message_id": len(self.finished)}


async def test_a_stop_waits_for_the_call_in_flight_and_sends_no_more(tmp_path: Path) -> None:
    storage = await Storage.open(tmp_path / "data")
    try:
        async with storage.db.transaction() as conn:
            for i, chat in enumerate((11, 12, 13)):
                await queue(conn, storage, Text(chat_id=chat, text=f"m{i}"), key=f"m{i}")
        transport = SlowTransport()
        sender = OutboxSender(storage, transport, poll_seconds=0.05)
        async with sender.running():
            while not transport.started:
                await asyncio.sleep(0.01)
            asyncio.get_running_loop().call_later(0.3, transport.release.set)
        # The block ended (a stop) while calls were in flight (chats are served side by side):
        # they were finished and recorded, and none was started after the stop…
        in_flight = list(transport.started)
        assert in_flight and sorted(transport.finished) == sorted(in_flight)
        pending = await storage.outbox.due(utcnow())
        assert [item.payload["text"] for item in pending] == [
            text for text in ("m0", "m1", "m2") if text not in in_flight
        ]

        # …and the rest goes after the next start.
        again = OutboxSender(storage, transport, poll_seconds=0.05)
        async with again.running():
            while len(transport.finished) < 3:
                await asyncio.sleep(0.01)
        assert sorted(transport.finished) == ["m0", "m1", "m2"]
    finally:
        await storage.close()


async def test_a_stop_finishes_the_call_in_flight_in_each_lane(tmp_path: Path) -> None:
    """Typed messages: private chats and groups are served side by side, so a stop may find a
    call in flight in both lanes; each is finished and recorded, nothing more is sent."""
    storage = await Storage.open(tmp_path / "data")
    try:
        async with storage.db.transaction() as conn:
            for i, chat in enumerate((21, -1002, 22, -1003)):
                message = Text(chat_id=chat, text=f"t{i}")
                await queue(conn, storage, message, key=f"t{i}")
        transport = SlowTransport()
        sender = OutboxSender(storage, transport, poll_seconds=0.05)
        async with sender.running():
            while len(transport.started) < 2:
                await asyncio.sleep(0.01)
            asyncio.get_running_loop().call_later(0.3, transport.release.set)
        in_flight = sorted(transport.started)
        assert sorted(transport.finished) == in_flight
        assert {"t0", "t1"} <= set(in_flight)  # one in each lane at least
        pending = await storage.outbox.due(utcnow())
        assert [item.payload["text"] for item in pending] == [
            text for text in ("t0", "t1", "t2", "t3") if text not in in_flight
        ]
    finally:
        await storage.close()


async def test_at_a_stop_the_replies_of_the_updates_in_hand_get_a_moment_to_go(
    tmp_path: Path,
) -> None:
    """The update in hand finished and queued its reply just as the stop came: the reply goes
    before the sender stops (the claimant is not left without the answer until a restart)."""
    storage = await Storage.open(tmp_path / "data")
    try:
        transport = SlowTransport()
        transport.release.set()
        sender = OutboxSender(storage, transport, poll_seconds=5)
        async with sender.running():
            async with storage.db.transaction() as conn:
                await queue(conn, storage, Text(chat_id=31, text="received"), key="r")
            await sender.replies_delivered(timeout=3)
        assert transport.finished == ["received"]
        assert await storage.outbox.due(utcnow()) == []
    finally:
        await storage.close()
