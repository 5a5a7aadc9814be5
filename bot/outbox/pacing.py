"""Keeping within Telegram's rates: ~30 messages/s per bot, 1/s per private chat (a burst of a
few), 20/min per group; and a chat Telegram told to wait (429, a network failure) left alone
until then. Edits and deletions change messages already counted: only new ones count against a
chat's rate."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from bot.config.settings import Settings
from bot.outbox.messages import CardButtons, CardEdit, Delete, DeleteMessages, DeleteTopic

EDITS = (CardEdit, CardButtons, Delete, DeleteMessages, DeleteTopic)


@dataclass
class Bucket:
    """A token bucket: `capacity` messages at once, refilled at `rate` per second."""

    capacity: float
    rate: float
    tokens: float = field(init=False)
    stamp: float = 0.0

    def __post_init__(self) -> None:
        self.tokens = self.capacity

    def ready(self, now: float) -> bool:
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return self.tokens >= 1

    def take(self, now: float) -> bool:
        if self.ready(now):
            self.tokens -= 1
            return True
        return False


@dataclass(frozen=True)
class Rates:
    """Telegram's published limits: ~30 messages/s per bot, 1/s per chat, 20/min per group."""

    global_per_second: float = 30
    private_per_second: float = 1
    private_burst: float = 3
    group_per_minute: float = 20

    @classmethod
    def of(cls, settings: Settings) -> Rates:
        return cls(
            global_per_second=settings.outbox_global_per_second,
            group_per_minute=settings.outbox_group_per_minute,
            private_per_second=settings.outbox_private_per_second,
            private_burst=settings.outbox_private_burst,
        )

    def bucket_for(self, chat_id: int) -> Bucket:
        if chat_id < 0:
            return Bucket(self.group_per_minute, self.group_per_minute / 60)
        return Bucket(self.private_burst, self.private_per_second)


class Admission(Enum):
    GO = "go"  # the message may go now (its tokens are taken)
    CHAT_WAITS = "chat_waits"  # this chat's rate is spent: its later messages wait too
    ROUND_OVER = "round_over"  # the bot-wide rate is spent: nothing more this round


class Pacing:
    """The rate buckets (one per chat, one for the bot) on the loop's clock, and the chats told
    to wait until a time of the sender's clock."""

    def __init__(self, rates: Rates, clock: Callable[[], datetime]) -> None:
        self.rates = rates
        self._clock = clock
        self._buckets: dict[int, Bucket] = {}
        self._global = Bucket(rates.global_per_second, rates.global_per_second)
        self._paused_until: dict[int, datetime] = {}

    def pause(self, chat_id: int, until: datetime) -> None:
        self._paused_until[chat_id] = until

    def paused(self, chat_id: int) -> bool:
        until = self._paused_until.get(chat_id)
        return until is not None and until > self._clock()

    def admit(self, chat_id: int, *, edit: bool) -> Admission:
        """Whether a message to the chat may go now; `edit`: it changes a message already
        counted, so only the bot-wide rate applies."""
        loop_now = asyncio.get_running_loop().time()
        bucket = self._buckets.setdefault(chat_id, self.rates.bucket_for(chat_id))
        if not self._global.ready(loop_now):
            return Admission.ROUND_OVER
        if not edit and not bucket.take(loop_now):
            return Admission.CHAT_WAITS
        self._global.take(loop_now)
        return Admission.GO
