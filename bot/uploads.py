"""Receiving a file: size checked before download, type checked by content, then stored by hash."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from dialogs.model import FileSection, StoredFile
from dialogs.validators import Invalid
from dialogs.validators.filetypes import check_upload
from storage import Storage

Download = Callable[[], Awaitable[bytes]]


@dataclass(frozen=True)
class OfferedFile:
    """A file the claimant sent, before it is downloaded."""

    name: str
    declared_mime: str | None
    declared_size: int | None
    download: Download
    telegram_file_id: str | None = None
    quiet: bool = False  # one of an album: answered once for the whole album


def offered_file_in(
    message: Any, download_of: Callable[[str], Download], *, quiet: bool
) -> OfferedFile | None:
    """The file in a message (document, photo, video), as the intake takes it. aiogram's and
    PTB's messages name these fields alike; each runtime supplies its own download."""
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
        download=download_of(file_id),
        telegram_file_id=file_id,
        quiet=quiet,
    )


async def receive_file(
    storage: Storage, offered: OfferedFile, section: FileSection, *, limit_bytes: int
) -> StoredFile | Invalid:
    """Nothing over the limit is downloaded; nothing whose content is not allowed is stored."""
    declared = offered.declared_size or 0
    if declared > limit_bytes:
        refusal = check_upload(
            b"?", offered.name, offered.declared_mime, declared, section, max_bytes=limit_bytes
        )
        assert isinstance(refusal, Invalid)
        return refusal
    data = await offered.download()
    checked = check_upload(
        data, offered.name, offered.declared_mime, len(data), section, max_bytes=limit_bytes
    )
    if isinstance(checked, Invalid):
        return checked
    sha256 = await storage.files.put_async(data)
    async with storage.db.transaction() as conn:
        await storage.files.record(conn, sha256, size=len(data), mime=checked.value)
    return StoredFile(
        sha256=sha256,
        name=offered.name,
        mime=checked.value,
        size=len(data),
        section=section,
        telegram_file_id=offered.telegram_file_id,
    )
