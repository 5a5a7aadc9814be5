"""TELEGRAM_API_LOCAL=true: with a local Bot API server, a file over 20 MB is read from the
server's disk (its path from getFile), not downloaded — in both runtimes."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.serving.aiogram_app import AiogramApp
from bot.serving.ptb_app import PtbApp
from tests.e2e.claimant import Claimant
from tests.e2e.conftest import CLAIMANT, RunningBot
from tests.fake_telegram import FakeTelegram

BIG = b"%PDF-1.4\n% a long catalogue\n" + b"0" * (25 * 1024 * 1024) + b"\n%%EOF\n"


@pytest.mark.parametrize("runtime", [AiogramApp, PtbApp])
async def test_a_25_mb_file_through_a_local_bot_api_server(
    fake: FakeTelegram, tmp_path: Path, runtime: type
) -> None:
    fake.local_dir = tmp_path / "telegram-bot-api"
    bot = RunningBot(fake, tmp_path / "data", runtime, telegram_api_local=True, max_file_mb=50)
    await bot.start()
    try:
        anna = Claimant(fake, CLAIMANT)
        await anna.reaches("evidence_files")
        sent = fake.user_sends_document(CLAIMANT, BIG, "catalogue.pdf", "application/pdf")
        await fake.wait_for_message(
            CLAIMANT, lambda m: "Received “catalogue.pdf”" in (m.text or ""), timeout=15
        )
        assert sent["message"]["document"]["file_id"] not in fake.downloads_started
        draft = await bot.app.storage.drafts.load(CLAIMANT)
        stored = draft.files[-1]
        assert (stored.name, stored.size) == ("catalogue.pdf", len(BIG))
        assert bot.app.storage.files.read(stored.sha256) == BIG
    finally:
        await bot.stop()
