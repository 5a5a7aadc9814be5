"""What the outbox's tests share: the chats, a sender rate that does not hold private replies
back, a clock the test moves, and a transport that records calls and fails on cue."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.outbox.sender import Rates
from dialogs.model import utcnow

ANNA, BORIS = 1001, 1002
GROUP = -1001234567890
FAST_PRIVATE = Rates(private_per_second=1000, private_burst=1000)


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class ScriptedTransport:
    """Records every call; answers with the next scripted exception for a chat, if any."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.failures: dict[int, list[Exception]] = {}

    async def call(self, method: str, payload: dict[str, Any]) -> Any:
        self.calls.append((method, payload))
        queued = self.failures.get(payload["chat_id"])
        if queued:
            raise queued.pop(0)
        return {"message_id": len(self.calls), "chat": {"id": payload["chat_id"]}}

    def texts(self, chat_id: int) -> list[str]:
        return [p["text"] for _, p in self.calls if p["chat_id"] == chat_id]
