"""How a message reads on a phone: its lines wrapped at 38 characters (a 6-inch screen in
Telegram's default font), as a claimant scrolls through them."""

from __future__ import annotations

import html
import re
import textwrap

PHONE_COLUMNS = 38
ONE_SCREEN = 30  # lines a phone shows at once, below the chat's header and above the keyboard
_TAG = re.compile(r"<[^>]+>")


def phone_lines(markup: str, width: int = PHONE_COLUMNS) -> list[str]:
    """The message (Telegram HTML) as the lines a phone shows: tags gone, entities read,
    each paragraph line wrapped at `width` columns (words kept whole where they fit), an
    empty line kept as one."""
    text = html.unescape(_TAG.sub("", markup))
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(textwrap.wrap(paragraph, width, break_on_hyphens=False) or [""])
    return lines


def screens(markup: str) -> float:
    """How many phone screens the message fills."""
    return len(phone_lines(markup)) / ONE_SCREEN
