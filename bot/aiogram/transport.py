"""The outbox's Bot API calls, performed through aiogram."""

from __future__ import annotations

from typing import Any

import aiogram.methods
from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramConflictError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import BufferedInputFile, InputMediaDocument
from pydantic import BaseModel

from bot.outbox.messages import Upload
from bot.outbox.send_errors import Answer, classify
from dialogs.filenames import transport_name
from storage import ContentStore

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
        except TelegramBadRequest as refusal:
            if NOT_MODIFIED in refusal.message:
                return {"not_modified": True}
            raise classify(answer_of(refusal)) from refusal
        except TelegramAPIError as failure:
            raise classify(answer_of(failure)) from failure
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


# aiogram keeps Telegram's status only as the exception's class (`check_response`).
_STATUS: tuple[tuple[type[TelegramAPIError], int], ...] = (
    (TelegramEntityTooLarge, 413),  # before TelegramNetworkError: a subclass of it
    (TelegramBadRequest, 400),
    (TelegramUnauthorizedError, 401),
    (TelegramForbiddenError, 403),
    (TelegramNotFound, 404),
    (TelegramConflictError, 409),
    (TelegramServerError, 500),
)


def answer_of(failure: TelegramAPIError) -> Answer:
    """aiogram's exception as Telegram's answer (`bot.outbox.send_errors`); no status: no answer."""
    if isinstance(failure, TelegramRetryAfter):
        return Answer(429, failure.message, retry_after=failure.retry_after)
    if isinstance(failure, TelegramMigrateToChat):
        return Answer(400, failure.message, migrate_to_chat_id=failure.migrate_to_chat_id)
    status = next((code for kind, code in _STATUS if isinstance(failure, kind)), None)
    if status is None and not isinstance(failure, TelegramNetworkError):
        status = 400  # another answer aiogram does not name: not worth retrying
    return Answer(status, failure.message)


def _jsonable(result: Any) -> Any:
    if isinstance(result, BaseModel):
        return result.model_dump(mode="json", exclude_none=True)
    if isinstance(result, list):
        return [_jsonable(item) for item in result]
    return result
