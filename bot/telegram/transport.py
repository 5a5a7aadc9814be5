"""The outbox's Bot API calls, performed through aiogram."""

from __future__ import annotations

from typing import Any

import aiogram.methods
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import BufferedInputFile, InputMediaDocument
from pydantic import BaseModel

from bot.outbox_messages import Upload
from bot.outbox_sender import RetryLater, Undeliverable
from dialogs.filenames import transport_name
from storage import ContentStore

NETWORK_RETRY_SECONDS = 1  # doubled by the sender for each further failure
# An edit to identical content: the state it was to show is already shown.
NOT_MODIFIED = "message is not modified"


class AiogramTransport:
    def __init__(self, bot: Bot, files: ContentStore) -> None:
        self.bot = bot
        self.files = files

    async def call(self, method: str, payload: dict[str, Any]) -> Any:
        resolved = await self._resolve(method, payload)
        telegram_method = getattr(aiogram.methods, method[0].upper() + method[1:])
        try:
            result = await self.bot(telegram_method(**resolved))
        except TelegramRetryAfter as flood:
            raise RetryLater(flood.retry_after, flood.message) from flood
        except (TelegramNetworkError, TelegramServerError) as failure:
            raise RetryLater(NETWORK_RETRY_SECONDS, str(failure), backoff=True) from failure
        except TelegramBadRequest as refusal:
            if NOT_MODIFIED in refusal.message:
                return {"not_modified": True}
            raise Undeliverable(refusal.message) from refusal
        except (TelegramForbiddenError, TelegramNotFound) as refusal:
            raise Undeliverable(refusal.message) from refusal
        return _jsonable(result)

    async def _resolve(self, method: str, payload: dict[str, Any]) -> dict[str, Any]:
        resolved = {key: await self._file(value) for key, value in payload.items()}
        if method == "sendMediaGroup":
            resolved["media"] = [
                InputMediaDocument(**{**item, "media": await self._file(item["media"])})
                for item in payload["media"]
            ]
        return resolved

    async def _file(self, value: Any) -> Any:
        if isinstance(value, Upload):
            data = await self.files.read_async(value.sha256)
            return BufferedInputFile(data, filename=transport_name(value.filename or value.sha256))
        return value


def _jsonable(result: Any) -> Any:
    if isinstance(result, BaseModel):
        return result.model_dump(mode="json", exclude_none=True)
    if isinstance(result, list):
        return [_jsonable(item) for item in result]
    return result
