"""What a runtime supplies to the sender: one Bot API call. The outbox knows nothing of aiogram
or python-telegram-bot."""

from __future__ import annotations

from typing import Any, Protocol


class Transport(Protocol):
    async def call(self, method: str, payload: dict[str, Any]) -> Any:
        """Perform one Bot API call; return its result as JSON-able data. Files to upload
        are `bot.outbox.messages.Upload` values in the payload.

        Raises `bot.outbox.send_errors.SendFailed` (classified) for Telegram's answers that are not
        a success."""
        ...
