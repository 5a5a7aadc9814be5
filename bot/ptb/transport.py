"""The outbox's Bot API calls, performed through python-telegram-bot's `Bot.do_api_request`.

Payloads are Bot API parameters (see `bot.outbox_messages.bot_call`); a file given as an
`Upload` is read from the file store and uploaded.
"""

from __future__ import annotations

import datetime as dtm
from typing import Any

from telegram import Bot, InputFile, InputMediaDocument
from telegram.error import (
    BadRequest,
    ChatMigrated,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)

from bot.outbox_messages import Upload
from bot.outbox_sender import RetryLater, Undeliverable
from dialogs.filenames import transport_name
from storage import ContentStore

NETWORK_RETRY_SECONDS = 1  # doubled by the sender for each further failure
# An edit to identical content: the state it was to show is already shown.
NOT_MODIFIED = "message is not modified"


class PtbTransport:
    def __init__(self, bot: Bot, files: ContentStore) -> None:
        self.bot = bot
        self.files = files

    async def call(self, method: str, payload: dict[str, Any]) -> Any:
        resolved = await self._resolve(method, payload)
        try:
            # Bot API method names are case-insensitive ("Making requests" in the Bot API
            # docs). Lower case, because `do_api_request` warns "Please use 'Bot.sendMessage'"
            # for a name that is also a typed method's alias, and the outbox calls methods by
            # name with Bot API parameters on purpose.
            return await self.bot.do_api_request(method.lower(), api_kwargs=resolved)
        except RetryAfter as flood:
            raise RetryLater(_seconds(flood.retry_after), str(flood)) from flood
        except BadRequest as refusal:  # before NetworkError: BadRequest is a subclass of it
            # PTB drops Telegram's "Bad Request: " prefix and capitalises what is left.
            if NOT_MODIFIED in refusal.message.lower():
                return {"not_modified": True}
            raise Undeliverable(refusal.message) from refusal
        except (Forbidden, InvalidToken, EndPointNotFound, ChatMigrated) as refusal:
            raise Undeliverable(str(refusal)) from refusal
        except NetworkError as failure:  # also TimedOut, 5xx answers and connection errors
            raise RetryLater(NETWORK_RETRY_SECONDS, str(failure), backoff=True) from failure

    async def _resolve(self, method: str, payload: dict[str, Any]) -> dict[str, Any]:
        resolved = {key: await self._file(value) for key, value in payload.items()}
        if method == "sendMediaGroup":
            resolved["media"] = [await self._media_item(item) for item in payload["media"]]
        return resolved

    async def _file(self, value: Any) -> Any:
        if isinstance(value, Upload):
            data = await self.files.read_async(value.sha256)
            return InputFile(data, filename=transport_name(value.filename or value.sha256))
        return value

    async def _media_item(self, item: dict[str, Any]) -> InputMediaDocument:
        if item.get("type", "document") != "document":
            raise Undeliverable(f"unsupported media type in outbox: {item.get('type')!r}")
        media = item["media"]
        filename = None
        if isinstance(media, Upload):
            filename = transport_name(media.filename or media.sha256)
            media = await self.files.read_async(media.sha256)  # bytes: attached on upload
        extra = {
            k: v for k, v in item.items() if k not in {"type", "media", "caption", "parse_mode"}
        }
        return InputMediaDocument(
            media=media,
            filename=filename,
            caption=item.get("caption"),
            parse_mode=item.get("parse_mode"),
            api_kwargs=extra or None,
        )


def _seconds(value: float | dtm.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)
