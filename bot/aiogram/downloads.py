"""A claimant's file on aiogram: streamed from Telegram when the intake takes it."""

from __future__ import annotations

from typing import Any, BinaryIO, cast

import aiohttp
from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import Message

from bot.claimant.uploads import DownloadFailed, OfferedFile, Sink, StreamDownload, offered_file_in


def offered_file(bot: Bot, message: Message) -> OfferedFile | None:
    def stream_of(file_id: str) -> StreamDownload:
        async def stream(sink: Sink) -> None:
            """getFile, then the file streamed into `sink` chunk by chunk (never whole in
            memory); aiogram's and aiohttp's failures as `DownloadFailed`."""
            try:
                file = await bot.get_file(file_id)
                assert file.file_path is not None
                await bot.download_file(
                    file.file_path, destination=cast(BinaryIO, sink), seek=False
                )
            except TelegramRetryAfter as flood:
                raise DownloadFailed(flood.message, retry_after=flood.retry_after) from flood
            except (TelegramNetworkError, TelegramServerError) as failure:
                raise DownloadFailed(str(failure)) from failure
            except TelegramAPIError as refusal:
                raise DownloadFailed(str(refusal), transient=False) from refusal
            except aiohttp.ClientResponseError as failure:
                retry_after = _retry_after(failure.headers)
                transient = failure.status == 429 or failure.status >= 500
                raise DownloadFailed(
                    f"HTTP {failure.status}", transient=transient, retry_after=retry_after
                ) from failure
            except (aiohttp.ClientError, TimeoutError) as failure:
                raise DownloadFailed(repr(failure)) from failure

        return stream

    return offered_file_in(message, stream_of, quiet=False)


def _retry_after(headers: Any) -> float | None:
    value = headers.get("Retry-After") if headers else None
    return float(value) if value and str(value).isdigit() else None
