"""Receiving a file: size checked before download, type checked by content, then stored by hash."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

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
