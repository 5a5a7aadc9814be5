"""What the bot's requests did to each chat, stamped the moment the fake applied them.

A *reply* is a message the claimant sees arrive: a new message, or an existing one whose text or
caption was edited (a bot may answer by editing in place). An *effect* is any change: replies and
also edits of the buttons alone. Counting both lets a claimant wait for an answer however the
bot's send path delivers it.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from typing import Any

from tests.fake_telegram import FakeTelegram, SentMessage

REPLY_EDITS = frozenset({"editMessageText", "editMessageCaption"})
CASE_NUMBER = re.compile(r"IP-\d{4}-\d{6}")


class Arrivals:
    """Per chat: replies as (perf_counter, message) and the times of every effect."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.by_chat: dict[int, list[tuple[float, SentMessage]]] = {}
        self.effects: dict[int, list[float]] = {}
        self._changed: dict[int, asyncio.Event] = {}
        store = fake._store_sent
        snapshot = fake._snapshot

        def stored(msg: SentMessage) -> SentMessage:
            self._arrived(msg, reply=True)
            return store(msg)

        def edited(msg: SentMessage, method: str) -> dict[str, Any]:
            # Called just before the edit is applied, in the same synchronous step.
            self._arrived(msg, reply=method in REPLY_EDITS)
            return snapshot(msg, method)

        fake._store_sent = stored  # type: ignore[method-assign]
        fake._snapshot = edited  # type: ignore[method-assign]

    def _arrived(self, msg: SentMessage, *, reply: bool) -> None:
        now = time.perf_counter()
        if reply:
            self.by_chat.setdefault(msg.chat_id, []).append((now, msg))
        self.effects.setdefault(msg.chat_id, []).append(now)
        self.event(msg.chat_id).set()

    def event(self, chat_id: int) -> asyncio.Event:
        return self._changed.setdefault(chat_id, asyncio.Event())

    def count(self, chat_id: int) -> int:
        """Replies so far in the chat."""
        return len(self.by_chat.get(chat_id, ()))

    def effect_count(self, chat_id: int) -> int:
        return len(self.effects.get(chat_id, ()))

    async def wait_for(self, chat_id: int, done: Any, timeout: float, what: str) -> None:
        """Until `done()` is true, re-checked whenever something reaches the chat."""
        deadline = time.perf_counter() + timeout
        while not done():
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"chat {chat_id}: {what}")
            flag = self.event(chat_id)
            flag.clear()
            # asyncio.timeout, not wait_for: 3.11's wait_for can swallow a cancellation that
            # comes as the flag is set, and a claimant cancelled at the end would run on.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(remaining):
                    await flag.wait()

    async def wait_count(self, chat_id: int, count: int, timeout: float) -> None:
        await self.wait_for(
            chat_id,
            lambda: self.count(chat_id) >= count,
            timeout,
            f"{self.count(chat_id)} of {count} messages",
        )

    def with_button(self, chat_id: int, data: str) -> SentMessage:
        for _, msg in reversed(self.by_chat.get(chat_id, [])):
            if data in msg.callback_datas:
                return msg
        raise LookupError(f"chat {chat_id}: no message with button {data!r}")

    def receipt_time(self, chat_id: int, after: int) -> float | None:
        """When the first reply from index `after` on that carries a case number arrived."""
        for stamp, msg in self.by_chat.get(chat_id, [])[after:]:
            if CASE_NUMBER.search(msg.content):
                return stamp
        return None
