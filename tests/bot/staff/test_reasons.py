"""The statement of reasons with a rejection, for every reason in both languages."""

from __future__ import annotations

import pytest

from bot.outbox.text_limits import MESSAGE_LIMIT, visible_length
from bot.staff.decision_protocol import OTHER_REASON, REJECT_REASONS
from bot.staff.reasons import rejection_notice
from dialogs.i18n import LANGS, texts
from tests.dialogs.test_engine import assert_telegram_html

COURTS = {"en": "in court", "ru": "в суде"}
FILE_AGAIN = {"en": "/start", "ru": "/start"}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("reason", [*REJECT_REASONS, OTHER_REASON])
def test_reason_and_what_next(lang: str, reason: str) -> None:
    t = texts(lang)  # type: ignore[arg-type]
    note = "Send the <licence> & the invoice" if reason == OTHER_REASON else ""
    text = rejection_notice(t, "IP-2026-000042", reason, note)
    assert "IP-2026-000042" in text
    assert t.plain(f"reject-reason-{reason}") in text
    assert t(f"reject-redress-{reason}") in text  # what to fix for this reason
    assert COURTS[lang] in text and FILE_AGAIN[lang] in text
    if note:
        assert "Send the &lt;licence&gt; &amp; the invoice" in text
    assert_telegram_html(text)
    assert visible_length(text) <= MESSAGE_LIMIT
