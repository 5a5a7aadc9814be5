"""SIGTERM mid-conversation: the bot takes no new update, finishes the one in hand, closes the
database and exits 0 within seconds; nothing is lost and nothing is handled twice."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import pytest

from tests.e2e.claimant import PROMPTS, Claimant, pdf
from tests.e2e.conftest import CLAIMANT
from tests.e2e.test_restart import BotProcess
from tests.fake_telegram import FakeTelegram

pytestmark = pytest.mark.parametrize(
    ("runtime", "stop"),
    [("aiogram", signal.SIGTERM), ("ptb", signal.SIGTERM), ("aiogram", signal.SIGINT)],
)
RECEIVED = "Received “slow.pdf”"
HELP = "I collect an intellectual-property complaint step by step"


async def test_a_stop_signal_finishes_the_update_in_hand_and_exits_0(
    fake: FakeTelegram, tmp_path: Path, runtime: str, stop: signal.Signals
) -> None:
    log = tmp_path / "bot.log"
    first = BotProcess(fake, tmp_path / "data", log, runtime)
    second = BotProcess(fake, tmp_path / "data", log, runtime)
    try:
        await first.start()
        assert first.proc is not None
        anna = Claimant(fake, CLAIMANT)
        await anna.reaches("evidence_files")
        baseline = anna._baseline()
        sent = fake.user_sends_document(CLAIMANT, pdf("slow"), "slow.pdf", "application/pdf")
        file_id = sent["message"]["document"]["file_id"]
        release = fake.held_downloads[file_id] = asyncio.Event()
        await fake.wait_until(lambda: file_id in fake.downloads_started, 10)

        first.proc.send_signal(stop)
        await asyncio.sleep(0.5)
        fake.user_sends_text(CLAIMANT, "/help")  # after the signal: not taken by this process
        await asyncio.sleep(0.3)
        loop = asyncio.get_running_loop()
        released_at = loop.time()
        release.set()
        code = await asyncio.wait_for(first.proc.wait(), 10)
        assert code == 0, log.read_text()
        assert loop.time() - released_at < 5
        # The update in hand was finished: the file is acknowledged, the step drawn again.
        await fake.wait_for_message(
            CLAIMANT, lambda m: RECEIVED in (m.text or ""), after=baseline, timeout=1
        )
        assert not [m for m in fake.messages(CLAIMANT) if HELP in (m.text or "")]
        # The database was closed cleanly: SQLite folded its write-ahead log back in.
        assert not (tmp_path / "data" / "intake.sqlite3-wal").exists()
        assert "stopped" in log.read_text()

        # The next start handles what came after the signal, and the file is kept, once.
        await second.start()
        await fake.wait_for_message(CLAIMANT, lambda m: HELP in (m.text or ""), timeout=10)
        await anna.presses("Done", expect=PROMPTS["evidence_note"])
        received = [m for m in fake.messages(CLAIMANT) if RECEIVED in (m.text or "")]
        assert len(received) == 1
        assert "Traceback" not in log.read_text()
    finally:
        await first.kill()
        await second.kill()
