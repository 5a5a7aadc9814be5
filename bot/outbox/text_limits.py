"""Telegram's limits on text, applied to our HTML: split long messages where the markup allows."""

from __future__ import annotations

import html
import re

from dialogs.replies import Reply

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
_TAG = re.compile(r"<[^>]+>")


def visible_length(markup: str) -> int:
    """Characters Telegram counts: the text after tags are removed and entities decoded."""
    return len(html.unescape(_TAG.sub("", markup)))


def split_message(markup: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut HTML into messages of at most `limit` visible characters, at line breaks.

    Our markup never spans lines with a tag, so any line boundary is a safe cut. A single line
    longer than the limit loses its markup and is cut as plain text.
    """
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in markup.split("\n"):
        for piece in _fit(line, limit):
            length = visible_length(piece)
            if current and size + 1 + length > limit:
                chunks.append("\n".join(current))
                current, size = [], 0
            size += length + (1 if current else 0)
            current.append(piece)
    if current:
        chunks.append("\n".join(current))
    return [chunk for chunk in chunks if chunk.strip()] or [markup[:limit]]


def _fit(line: str, limit: int) -> list[str]:
    if visible_length(line) <= limit:
        return [line]
    plain = html.unescape(_TAG.sub("", line))
    return [html.escape(plain[i : i + limit], quote=False) for i in range(0, len(plain), limit)]


def truncate_caption(markup: str, limit: int = CAPTION_LIMIT) -> str:
    if visible_length(markup) <= limit:
        return markup
    plain = html.unescape(_TAG.sub("", markup))
    return html.escape(plain[: limit - 1] + "…", quote=False)


def reply_parts(reply: Reply) -> list[tuple[str, bool]]:
    """A reply as the messages to send: (HTML text, whether the keyboard goes under it)."""
    chunks = split_message(reply.text)
    return [(chunk, i == len(chunks) - 1 and reply.has_markup) for i, chunk in enumerate(chunks)]
