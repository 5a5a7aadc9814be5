"""The outbox's Bot API calls, performed through python-telegram-bot's `Bot.do_api_request`.

Payloads are Bot API parameters (see `bot.outbox.messages.bot_call`); a file given as an
`Upload` is read from the file store and uploaded.
"""

from __future__ import annotations

import datetime as dtm
from typing import Any

from telegram import Bot, InputFile, InputMediaDocument
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.outbox.messages import Upload
from bot.outbox.send_errors import Answer, Undeliverable, classify
from dialogs.filenames import transport_name
from storage import ContentStore

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
        except BadRequest as refusal:
            # PTB drops Telegram's "Bad Request: " prefix and capitalises what is left.
            if NOT_MODIFIED in refusal.message.lower():
                return {"not_modified": True}
            raise classify(answer_of(refusal)) from refusal
        except TelegramError as failure:
            raise classify(answer_of(failure)) from failure

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


# PTB keeps Telegram's status only as the exception's class (`BaseRequest._request_wrapper`);
# any status it does not name is a NetworkError with Telegram's description, as for 413.
_STATUS: tuple[tuple[type[TelegramError], int], ...] = (
    (BadRequest, 400),  # before NetworkError: a subclass of it
    (InvalidToken, 401),  # PTB's name for 401 and 404 alike: told apart by the description
    (Forbidden, 403),
    (EndPointNotFound, 404),
    (Conflict, 409),
)
TOO_LARGE = "request entity too large"  # Telegram's description of a 413


def answer_of(failure: TelegramError) -> Answer:
    """PTB's exception as Telegram's answer (`bot.outbox.send_errors`); no status: no answer."""
    if isinstance(failure, RetryAfter):
        return Answer(429, failure.message, retry_after=_seconds(failure.retry_after))
    if isinstance(failure, ChatMigrated):
        return Answer(400, failure.message, migrate_to_chat_id=failure.new_chat_id)
    if isinstance(failure, EndPointNotFound) and isinstance(failure.__cause__, InvalidToken):
        failure = failure.__cause__  # what `do_api_request` makes of 401 (and 404) answers
    status = next((code for kind, code in _STATUS if isinstance(failure, kind)), None)
    if isinstance(failure, InvalidToken) and "not found" in failure.message.lower():
        status = 404
    if isinstance(failure, NetworkError) and not isinstance(failure, BadRequest | TimedOut):
        if TOO_LARGE in failure.message.lower() or "(413)" in failure.message:
            status = 413
    elif status is None:
        status = 400  # another answer PTB does not name: not worth retrying
    return Answer(status, failure.message)


def _seconds(value: float | dtm.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)
