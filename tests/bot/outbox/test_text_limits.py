"""Telegram refuses messages over 4096 characters: long replies are cut where the markup allows."""

from __future__ import annotations

import html

from bot.outbox.text_limits import (
    CAPTION_LIMIT,
    MESSAGE_LIMIT,
    split_message,
    truncate_caption,
    visible_length,
)


def test_a_long_summary_is_cut_at_line_breaks_with_its_markup_whole() -> None:
    lines = ["<b>5. Infringing listings</b>"] + [
        f"{i}. https://aliexpress.ru/item/{1005000000000000 + i}.html" for i in range(300)
    ]
    chunks = split_message("\n".join(lines))
    assert len(chunks) > 1
    assert all(visible_length(c) <= MESSAGE_LIMIT for c in chunks)
    assert "\n".join(chunks) == "\n".join(lines)  # nothing lost, nothing reordered
    assert chunks[0].startswith("<b>5. Infringing listings</b>")


def test_escaped_user_text_is_measured_as_telegram_counts_it() -> None:
    text = html.escape("<&>" * 1300)  # 3900 visible characters, 15600 raw
    assert split_message(text) == [text]


def test_one_line_longer_than_a_message_is_cut_as_plain_text() -> None:
    line = "<i>" + html.escape("Ж&" * 3000) + "</i>"
    chunks = split_message(line)
    assert all(visible_length(c) <= MESSAGE_LIMIT for c in chunks)
    assert "".join(html.unescape(c) for c in chunks) == "Ж&" * 3000


def test_a_caption_over_the_limit_is_shortened_visibly() -> None:
    caption = truncate_caption("<b>name</b> " + "x" * 2000)
    assert visible_length(caption) == CAPTION_LIMIT and caption.endswith("…")
    assert truncate_caption("<b>short</b>") == "<b>short</b>"
