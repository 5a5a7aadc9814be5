"""Staff command answers, without Telegram: parsing, and long lists cut to one message."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.outbox.text_limits import MESSAGE_LIMIT, visible_length
from bot.staff.commands import case_list, parse_command
from dialogs.i18n import texts
from dialogs.model import Case, Draft


def many_cases(count: int) -> list[Case]:
    return [
        Case(
            id=i,
            number=f"IP-2026-{i:06d}",
            user_id=7,
            chat_id=7,
            lang="en",
            submitted_at=datetime(2026, 11, 1, tzinfo=UTC),
            draft=Draft(user_id=7, chat_id=7, answers={"rights_holder": "<Acme & Co> " * 5}),
        )
        for i in range(1, count + 1)
    ]


def test_commands_are_recognised_with_or_without_the_bots_name() -> None:
    assert parse_command("/find@ip_bot  Acme LLC ") == ("find", "Acme LLC")
    assert parse_command("/STATS 7") == ("stats", "7")
    assert parse_command("/mine") == ("mine", "")
    assert parse_command("/reject no") is None and parse_command("find x") is None


def test_a_long_list_fits_one_message_and_says_how_many_more() -> None:
    t = texts("en")
    text = case_list(t("staff-find-title", query="acme", count=300), many_cases(300), t)
    assert visible_length(text) <= MESSAGE_LIMIT
    shown = text.count("IP-2026-")
    assert 10 < shown < 300
    assert text.rstrip().endswith(f"… and {300 - shown} more.")
    assert "&lt;Acme &amp; Co&gt;" in text and "<Acme" not in text


def test_a_short_list_is_whole() -> None:
    t = texts("ru")
    text = case_list(t("staff-mine-title", count=2), many_cases(2), t)
    assert text.count("IP-2026-") == 2 and "ещё" not in text
