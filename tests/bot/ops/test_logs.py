"""The log of a whole complaint, as an operator collects it: one JSON object a line, with the
update id, case number, step and outcome; no names, emails, phones or texts; no font chatter."""

from __future__ import annotations

import asyncio
import json
import signal
from pathlib import Path

import pytest

from tests.e2e.claimant import Claimant
from tests.e2e.conftest import CLAIMANT, STAFF_CHAT_ID
from tests.e2e.test_restart import BotProcess
from tests.fake_telegram import FakeTelegram
from tests.samples import TEXT_ANSWERS


@pytest.mark.parametrize("runtime", ["aiogram", "ptb"])
async def test_json_log_of_a_complaint_holds_no_personal_data(
    fake: FakeTelegram, tmp_path: Path, runtime: str
) -> None:
    log = tmp_path / "bot.log"
    bot = BotProcess(
        fake, tmp_path / "data", log, runtime, log_format="json", throttle_updates="10000"
    )
    try:
        await bot.start()
        anna = Claimant(fake, CLAIMANT)
        await anna.reaches("review")
        await anna.presses("Submit", expect="Case number")
        await fake.wait_until(  # the dossier (PDF: fonts subset) reached the staff group
            lambda: any(m.document for m in fake.messages(STAFF_CHAT_ID)), 20
        )
        assert bot.proc is not None
        bot.proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(bot.proc.wait(), 10) == 0
    finally:
        await bot.kill()

    text = log.read_text(encoding="utf-8")
    entries = [json.loads(line) for line in text.splitlines()]  # every line is one JSON object
    handled = [e for e in entries if e.get("outcome") == "handled"]
    assert len(handled) >= 20 and all(isinstance(e["update_id"], int) for e in handled)
    assert any(e.get("step") == "contact_email" for e in handled)
    submitted = [e for e in entries if e.get("step") == "submitted"]
    assert submitted and submitted[0]["case"].startswith("IP-")
    for personal in (
        TEXT_ANSWERS["contact_name"],
        TEXT_ANSWERS["contact_email"],
        TEXT_ANSWERS["contact_phone"],
        TEXT_ANSWERS["infringement_description"],
        "Anna",
        fake.token,
    ):
        assert personal not in text
    assert not [e for e in entries if e["logger"].startswith(("fontTools", "httpx"))]
    assert len(entries) < 4 * len(handled)  # about one line per event, no chatter
