"""A claimant's file on python-telegram-bot: streamed from Telegram when the intake takes it."""

from __future__ import annotations

import asyncio
import datetime as dtm

import httpx
from telegram import Bot, Message
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from bot.claimant.uploads import DownloadFailed, OfferedFile, Sink, StreamDownload, offered_file_in

DOWNLOAD_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
CHUNK_BYTES = 64 * 1024


def offered_file(bot: Bot, message: Message) -> OfferedFile | None:
    def stream_of(file_id: str) -> StreamDownload:
        async def stream(sink: Sink) -> None:
            """getFile, then the file streamed into `sink` chunk by chunk. PTB's own
            `File.download_*` hold the whole body in memory (its request layer returns bytes),
            so the body is streamed with httpx, which PTB is built on."""
            try:
                file = await bot.get_file(file_id)
            except RetryAfter as flood:
                raise DownloadFailed(str(flood), retry_after=_seconds(flood.retry_after)) from flood
            except BadRequest as refusal:  # before NetworkError: a subclass of it
                raise DownloadFailed(str(refusal), transient=False) from refusal
            except NetworkError as failure:  # timeouts, 5xx, dropped connections
                raise DownloadFailed(str(failure)) from failure
            except TelegramError as refusal:
                raise DownloadFailed(str(refusal), transient=False) from refusal
            assert file.file_path is not None
            if not file.file_path.startswith(("http://", "https://")):
                # A local Bot API server (TELEGRAM_API_LOCAL): the file is on its disk.
                await asyncio.to_thread(_copy_local, file.file_path, sink)
                return
            await _stream_body(file.file_path, sink)

        return stream

    return offered_file_in(message, stream_of, quiet=False)


async def _stream_body(url: str, sink: Sink) -> None:
    try:
        async with (
            httpx.AsyncClient(timeout=DOWNLOAD_TIMEOUT) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code != httpx.codes.OK:
                status = response.status_code
                raise DownloadFailed(
                    f"HTTP {status}",
                    transient=status == 429 or status >= 500,
                    retry_after=_header_seconds(response.headers.get("Retry-After")),
                )
            async for chunk in response.aiter_bytes(CHUNK_BYTES):
                sink.write(chunk)
    except httpx.HTTPError as failure:  # timeouts, refused or dropped connections, cut bodies
        raise DownloadFailed(repr(failure)) from failure


def _copy_local(path: str, sink: Sink) -> None:
    try:
        with open(path, "rb") as source:
            for chunk in iter(lambda: source.read(CHUNK_BYTES), b""):
                sink.write(chunk)
    except OSError as failure:
        raise DownloadFailed(f"local file {failure.strerror}", transient=False) from failure


def _seconds(value: float | dtm.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


def _header_seconds(value: str | None) -> float | None:
    return float(value) if value and value.isdigit() else None
