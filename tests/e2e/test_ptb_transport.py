"""python-telegram-bot's outbox transport (`bot.ptb.transport.PtbTransport`) against the fake
Bot API: how it maps Telegram's answers (429, 5xx, blocked, bad HTML, not modified). A test of a
PTB module, so it runs on PTB only; the conversations on both runtimes are in
`test_intake_on_both_runtimes.py`."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.outbox.sender import RetryLater, Undeliverable
from bot.ptb.transport import PtbTransport
from bot.serving.ptb_app import PtbApp
from tests.e2e.conftest import CLAIMANT, RunningBot
from tests.fake_telegram import FakeTelegram


async def test_the_outbox_transport_maps_telegrams_answers(
    fake: FakeTelegram, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    running_bot = RunningBot(fake, tmp_path / "data", PtbApp)
    await running_bot.start()
    try:
        await transport_maps_answers(fake, running_bot, monkeypatch)
    finally:
        await running_bot.stop()


async def transport_maps_answers(
    fake: FakeTelegram, running_bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PTB 22's opt-in to `RetryAfter.retry_after` as a timedelta (an int is deprecated).
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    assert running_bot.app is not None
    transport = PtbTransport(running_bot.app.bot, running_bot.app.storage.files)
    message = {"chat_id": CLAIMANT, "text": "<b>Case</b> IP-1", "parse_mode": "HTML"}

    sent = await transport.call("sendMessage", message)
    assert sent["message_id"] and fake.last_message(CLAIMANT).text == "Case IP-1"
    fake.flood("sendMessage", retry_after=7)
    with pytest.raises(RetryLater) as flood:
        await transport.call("sendMessage", message)
    assert flood.value.seconds == 7
    fake.fail_next("sendMessage", error_code=502)
    with pytest.raises(RetryLater):
        await transport.call("sendMessage", message)
    fake.user_blocks_bot(CLAIMANT)
    with pytest.raises(Undeliverable, match="blocked"):
        await transport.call("sendMessage", message)
    fake.user_blocks_bot(CLAIMANT, blocked=False)
    with pytest.raises(Undeliverable, match="Can't parse entities"):
        await transport.call("sendMessage", {**message, "text": "<b>unclosed"})
    # An edit to what the message already shows: done, not an error.
    edit = {**message, "message_id": sent["message_id"]}
    assert await transport.call("editMessageText", edit) == {"not_modified": True}
