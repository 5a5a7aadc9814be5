"""A list of listing links sent as a file (.txt or .csv, one link per line) at the links step:
read as if its text had been pasted, with one verdict per link."""

from __future__ import annotations

import io

from bot.claimant.uploads import ERR_FILE_NOT_FETCHED, DownloadFailed, OfferedFile
from dialogs.inputs import Input, LinkList, UploadRefused
from dialogs.model import Draft
from dialogs.progress import current_step
from dialogs.steps import Kind
from dialogs.validators import invalid

LINK_FILE_SUFFIXES = (".txt", ".csv")
MAX_LINK_FILE_BYTES = 256 * 1024
ERR_LINK_FILE = "err-link-file"  # params: limit_kb


def is_link_file(draft: Draft | None, offered: OfferedFile) -> bool:
    """A .txt or .csv document sent while the links step is asked."""
    return (
        draft is not None
        and current_step(draft).kind is Kind.LINKS
        and offered.name.lower().endswith(LINK_FILE_SUFFIXES)
    )


async def read_link_file(offered: OfferedFile) -> Input:
    """The file's text as a list of links, or why it cannot be read (too big, not text)."""
    limit_kb = MAX_LINK_FILE_BYTES // 1024
    if offered.declared_size is not None and offered.declared_size > MAX_LINK_FILE_BYTES:
        return UploadRefused(invalid(ERR_LINK_FILE, limit_kb=limit_kb))
    try:
        data = await _bytes_of(offered)
    except DownloadFailed:
        return UploadRefused(invalid(ERR_FILE_NOT_FETCHED, name=offered.name))
    if len(data) > MAX_LINK_FILE_BYTES:
        return UploadRefused(invalid(ERR_LINK_FILE, limit_kb=limit_kb))
    for encoding in ("utf-8-sig", "cp1251"):  # Excel in Russia saves CSV as Windows-1251
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return LinkList(text, offered.name)
    return UploadRefused(invalid(ERR_LINK_FILE, limit_kb=limit_kb))


async def _bytes_of(offered: OfferedFile) -> bytes:
    """The whole (small) file: streamed from Telegram, or read at once (the terminal)."""
    if offered.stream is not None:
        buffer = io.BytesIO()
        await offered.stream(buffer)
        return buffer.getvalue()
    assert offered.download is not None
    return await offered.download()
