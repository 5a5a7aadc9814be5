"""The bot killed with SIGKILL mid-complaint forgets nothing: the draft is the conversation, in
SQLite, and buttons drawn before the restart still work (or say they are out of date)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from tests.e2e.claimant import PROMPTS, Claimant, pdf, png
from tests.e2e.conftest import CLAIMANT, STAFF_CHAT_ID, STAFF_MEMBER, RunningBot
from tests.e2e.staff.conftest import staff_presses
from tests.fake_telegram import FakeTelegram

REPO = Path(__file__).resolve().parents[2]


class BotProcess:
    """`python -m bot` as a child process, against the fake, with its log in a file."""

    def __init__(
        self,
        fake: FakeTelegram,
        data_dir: Path,
        log: Path,
        runtime: str = "aiogram",
        **settings: str,
    ) -> None:
        self.settings = {key.upper(): value for key, value in settings.items()}
        self.fake = fake
        self.data_dir = data_dir
        self.log = log
        self.runtime = runtime
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        env = {
            **{k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")},
            "BOT_TOKEN": self.fake.token,
            "TELEGRAM_API_URL": self.fake.base_url,
            "STAFF_CHAT_ID": str(STAFF_CHAT_ID),
            "DATA_DIR": str(self.data_dir),
            "ALBUM_SETTLE_SECONDS": "0.3",
            "OUTBOX_POLL_SECONDS": "0.1",
            "OUTBOX_PRIVATE_PER_SECOND": "1000",
            "OUTBOX_PRIVATE_BURST": "1000",
            "THROTTLE_UPDATES": "10000",  # as in tests/e2e/conftest.py: scripted claimants
            "PYTHONUNBUFFERED": "1",
            "RUNTIME": self.runtime,
            **self.settings,
        }
        polls = len(self.fake.calls("getUpdates"))
        with self.log.open("ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", cwd=REPO, env=env, stdout=log, stderr=log
            )
        await self.fake.wait_until(
            lambda: len(self.fake.calls("getUpdates")) > polls or self.exited(),
            20,
            message="the bot process did not start polling",
        )
        assert not self.exited(), self.log.read_text()

    def exited(self) -> bool:
        return self.proc is not None and self.proc.returncode is not None

    async def kill(self) -> None:
        """SIGKILL: no shutdown, no flushing, no goodbye."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()


async def test_sigkill_after_a_file_loses_nothing(fake: FakeTelegram, tmp_path: Path) -> None:
    log = tmp_path / "bot.log"
    first = BotProcess(fake, tmp_path / "data", log)
    second = BotProcess(fake, tmp_path / "data", log)
    try:
        await first.start()
        anna = Claimant(fake, CLAIMANT)
        prompt = await anna.reaches("evidence_files")
        assert "Send the evidence of the infringement" in (prompt.text or "")
        await anna.attaches(png(21))
        drawn = fake.messages(CLAIMANT)[-1]  # the step with "Done", from before the restart
        done = next(d for d in drawn.callback_datas if d.startswith("d:"))

        baseline = anna._baseline()
        fake.user_sends_document(CLAIMANT, pdf("order"), "order.pdf", "application/pdf")
        await fake.wait_for_message(
            CLAIMANT,
            lambda m: "Received “order.pdf”." in (m.text or ""),
            after=baseline,
        )
        await first.kill()  # right after the acknowledgement

        await second.start()
        # The button drawn before the restart is for the current step: it works.
        fake.user_presses(CLAIMANT, drawn, callback_data=done)
        await fake.wait_for_message(CLAIMANT, lambda m: "explain the evidence" in (m.text or ""))
        # Pressed again, it is out of date: said so, and the step is drawn again.
        # (The replies go by the outbox, side by side with the press's answer: the baseline
        # is taken before the press.)
        before_stale = anna._baseline()
        stale = fake.forge_callback(CLAIMANT, CLAIMANT, drawn.message_id, done)
        answer = await fake.wait_for_callback_answer(stale)
        assert answer.get("text") == "That button is out of date."
        notice = await fake.wait_for_message(
            CLAIMANT,
            lambda m: "belongs to an earlier message" in (m.text or ""),
            after=before_stale,
        )
        await fake.wait_for_message(
            CLAIMANT, lambda m: PROMPTS["evidence_note"] in (m.text or ""), after=notice
        )

        # /start with a draft in progress offers to continue or to start over.
        offer = await anna.says("/start", expect="You have an unfinished complaint")
        assert "Evidence of the infringement" in (offer.text or "")
        await anna.until_button("Discard and start over", after=offer.message_id - 1)
        assert offer.button_texts == ["Continue where I stopped", "Discard and start over"]
        await anna.presses("Continue where I stopped", expect=PROMPTS["evidence_note"])

        review = await anna.reaches_from("evidence_note", "review")
        text = review.text or ""
        assert "Evidence: 2 files:" in text and "order.pdf" in text
        await anna.presses("Submit", expect="Case number")
        card = await fake.wait_for_message(
            STAFF_CHAT_ID, lambda m: "Case IP-" in m.content, after=0, timeout=10
        )
        await staff_presses(fake, STAFF_MEMBER, card, "Files")  # the originals, on demand
        await fake.wait_until(
            lambda: any(
                m.document and m.document.file_name == "order.pdf"
                for m in fake.messages(STAFF_CHAT_ID)
            ),
            10,
            dump_chat=STAFF_CHAT_ID,
        )
        assert "Traceback" not in log.read_text()
    finally:
        await first.kill()
        await second.kill()


async def test_start_with_a_draft_offers_continue_or_discard(
    fake: FakeTelegram, running_bot: RunningBot
) -> None:
    anna = Claimant(fake, CLAIMANT)
    await anna.reaches("contact_name")
    assert running_bot.app is not None
    drafts = running_bot.app.storage.drafts
    before = await drafts.load(CLAIMANT)

    await anna.says("/start", expect="You have an unfinished complaint (now at “Contact details”)")
    again = await anna.presses("Continue where I stopped", expect=PROMPTS["contact_name"])
    assert "Step 9 of 10" in (again.text or "")
    kept = await drafts.load(CLAIMANT)
    assert before is not None and kept is not None
    assert kept.model_dump() == before.model_dump()

    await anna.says("/start", expect="You have an unfinished complaint")
    discarded = await anna.presses("Discard and start over", expect="Your draft was discarded.")
    welcome = await fake.wait_for_message(
        CLAIMANT, lambda m: PROMPTS["welcome"] in (m.text or ""), after=discarded
    )
    assert "Start" in welcome.button_texts
    fresh = await drafts.load(CLAIMANT)
    assert fresh is not None
    assert (fresh.step, fresh.answers, fresh.links, fresh.files) == ("welcome", {}, [], [])
    # The new complaint goes on normally.
    await anna.presses("Start", expect="Step 1 of 10")


@pytest.mark.parametrize("runtime", ["aiogram", "ptb"])
async def test_sigkill_while_a_file_is_being_received_loses_nothing(
    fake: FakeTelegram, tmp_path: Path, runtime: str
) -> None:
    """Killed in the middle of handling an update (its file half downloaded): the update was
    kept in the inbox before Telegram was told, so after the restart it is handled, once."""
    log = tmp_path / "bot.log"
    first = BotProcess(fake, tmp_path / "data", log, runtime)
    second = BotProcess(fake, tmp_path / "data", log, runtime)
    try:
        await first.start()
        anna = Claimant(fake, CLAIMANT)
        await anna.reaches("evidence_files")
        baseline = anna._baseline()
        sent = fake.user_sends_document(CLAIMANT, pdf("slow"), "slow.pdf", "application/pdf")
        file_id = sent["message"]["document"]["file_id"]
        release = fake.held_downloads[file_id] = asyncio.Event()
        await fake.wait_until(lambda: file_id in fake.downloads_started, 10)
        await asyncio.sleep(0.3)  # the bot polls again meanwhile: that must not confirm it
        await first.kill()
        release.set()

        await second.start()
        await fake.wait_for_message(
            CLAIMANT,
            lambda m: "Received “slow.pdf”." in (m.text or ""),
            after=baseline,
            timeout=10,
        )
        await anna.presses("Done", expect="explain the evidence")
        received = [m for m in fake.messages(CLAIMANT) if "“slow.pdf”" in (m.text or "")]
        assert len(received) == 1
        assert "Traceback" not in log.read_text()
    finally:
        await first.kill()
        await second.kill()
