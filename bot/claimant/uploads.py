"""Receiving a file: size checked before download, streamed to disk while hashed, type checked
by content, then kept by hash.

A download is retried with backoff when Telegram says "later" (429: its `retry_after` is
honoured), fails on its side (5xx), times out or drops the connection (a body cut short); after
the last try the claimant is told which file could not be fetched. Nothing is saved then: the
draft is as it was. The runtimes only map their framework's errors to :class:`DownloadFailed`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from dialogs.model import FileSection, StoredFile
from dialogs.validators import Invalid, invalid
from dialogs.validators.filetypes import check_upload
from storage import Storage
from storage.files import Incoming

log = logging.getLogger(__name__)

ERR_FILE_NOT_FETCHED = "err-file-not-fetched"  # params: name
# Pauses between tries (4 tries in all); a 429's retry_after is waited instead when longer.
DOWNLOAD_RETRY_DELAYS: tuple[float, ...] = (0.5, 1.0, 2.0)
MAX_RETRY_AFTER_SECONDS = 30.0  # a longer wait is not worth holding the claimant for


class Sink(Protocol):
    """Where a download writes its chunks as they come (a file being received)."""

    def write(self, chunk: bytes) -> Any: ...

    def flush(self) -> Any: ...


Download = Callable[[], Awaitable[bytes]]  # the whole file (the terminal's local files)
StreamDownload = Callable[[Sink], Awaitable[None]]  # chunk by chunk (the Telegram runtimes)


class DownloadFailed(Exception):
    """A download did not complete. `transient`: worth trying again (429, 5xx, a timeout, a
    dropped connection); `retry_after`: how long Telegram asked us to wait."""

    def __init__(
        self, reason: str, *, transient: bool = True, retry_after: float | None = None
    ) -> None:
        super().__init__(reason)
        self.transient = transient
        self.retry_after = retry_after


@dataclass(frozen=True)
class OfferedFile:
    """A file the claimant sent, before it is downloaded."""

    name: str
    declared_mime: str | None
    declared_size: int | None
    download: Download | None = None
    telegram_file_id: str | None = None
    quiet: bool = False  # one of an album: answered once for the whole album
    stream: StreamDownload | None = None


def offered_file_in(
    message: Any, stream_of: Callable[[str], StreamDownload], *, quiet: bool
) -> OfferedFile | None:
    """The file in a message (document, photo, video), as the intake takes it. aiogram's and
    PTB's messages name these fields alike; each runtime supplies its own streamed download."""
    if message.document:
        doc = message.document
        file_id, name, mime, size = doc.file_id, doc.file_name, doc.mime_type, doc.file_size
    elif message.photo:
        photo = message.photo[-1]  # the largest size Telegram made
        file_id, mime, size = photo.file_id, "image/jpeg", photo.file_size
        name = f"photo_{photo.file_unique_id}.jpg"
    elif message.video:
        video = message.video
        file_id, name, mime, size = video.file_id, video.file_name, video.mime_type, video.file_size
    else:
        return None
    return OfferedFile(
        name=name or f"file_{file_id[-8:]}",
        declared_mime=mime,
        declared_size=size,
        telegram_file_id=file_id,
        quiet=quiet,
        stream=stream_of(file_id),
    )


async def _fetch_once(offered: OfferedFile, incoming: Incoming) -> None:
    if offered.stream is not None:
        await offered.stream(incoming)
    else:
        assert offered.download is not None
        incoming.write(await offered.download())
    declared = offered.declared_size
    if declared and incoming.size < declared:
        raise DownloadFailed(f"cut short: {incoming.size} of {declared} bytes")


async def fetch(
    offered: OfferedFile,
    incoming: Incoming,
    *,
    delays: Sequence[float] = DOWNLOAD_RETRY_DELAYS,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> bool:
    """Download into `incoming`, trying again on transient failures; False when it never
    completed (`incoming` then holds nothing usable)."""
    for attempt in range(len(delays) + 1):
        incoming.rewind()
        try:
            await _fetch_once(offered, incoming)
            return True
        except DownloadFailed as failure:
            last = attempt == len(delays) or not failure.transient
            log.warning(
                "download of %s failed (try %d): %s%s",
                offered.telegram_file_id or "a file",  # never its name: it may name a person
                attempt + 1,
                failure,
                "" if last else "; retrying",
            )
            if last:
                return False
            wait = max(delays[attempt], min(failure.retry_after or 0, MAX_RETRY_AFTER_SECONDS))
            await sleep(wait)
    return False


async def receive_file(
    storage: Storage,
    offered: OfferedFile,
    section: FileSection,
    *,
    limit_bytes: int,
    retry_delays: Sequence[float] = DOWNLOAD_RETRY_DELAYS,
) -> StoredFile | Invalid:
    """Nothing over the limit is downloaded; nothing whose content is not allowed is stored;
    a file that could not be fetched is named in the refusal."""
    declared = offered.declared_size or 0
    if declared > limit_bytes:
        refusal = check_upload(
            b"?", offered.name, offered.declared_mime, declared, section, max_bytes=limit_bytes
        )
        assert isinstance(refusal, Invalid)
        return refusal
    with storage.files.incoming() as incoming:
        if not await fetch(offered, incoming, delays=retry_delays):
            return invalid(ERR_FILE_NOT_FETCHED, name=offered.name)
        await asyncio.to_thread(incoming.finish)
        checked = await asyncio.to_thread(
            check_upload,
            incoming.head,
            offered.name,
            offered.declared_mime,
            incoming.size,
            section,
            max_bytes=limit_bytes,
            source=incoming.path,
        )
        if isinstance(checked, Invalid):
            return checked
        sha256 = await asyncio.to_thread(incoming.keep)
    async with storage.db.transaction() as conn:
        await storage.files.record(conn, sha256, size=incoming.size, mime=checked.value)
    return StoredFile(
        sha256=sha256,
        name=offered.name,
        mime=checked.value,
        size=incoming.size,
        section=section,
        telegram_file_id=offered.telegram_file_id,
    )
