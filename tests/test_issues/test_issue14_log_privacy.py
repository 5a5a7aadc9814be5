"""Issue 14 §5: logs without personal data.

A complete complaint, with contact details in every field it can hold them (names, email, phones
in several forms, file names that name the claimant), is filed through `python -m bot` at
LOG_LEVEL=DEBUG on each runtime; the whole log is then searched for each of them and for the
claimant's Telegram id and username: none appears. The claimant is there as a pseudonym, the same
one a second process with the same token computes.
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import pytest

from bot.config.derived_keys import log_pseudonym_key
from bot.config.settings import Settings
from bot.telemetry import logs
from tests.e2e.claimant import Claimant, Complaint, pdf, png
from tests.e2e.conftest import STAFF_CHAT_ID
from tests.e2e.test_restart import BotProcess
from tests.fake_telegram import FakeTelegram

USER = 7394518263  # a real-looking Telegram id: found in the log only if logged
USERNAME = "zinaida_kv"
NAME = "Zinaida Kuznetsova-Volkova"
EMAIL = "zinaida.kv@example.org"
PHONES = ("+7 916 555-12-34", "8 (916) 555-12-34", "89165551234", "+79165551234", "916-555-12-34")
FILES = ("Kuznetsova_certificate.pdf", "Zinaida power of attorney.pdf", "kuznetsova-shot.png")
COMPLAINT = Complaint(
    holder=NAME,
    jurisdiction=f"Russia, ask {NAME}",  # one office (a ";" would split it in two)
    rights_number="654321",
    infringement=(
        f"Counterfeits of our bags. Call {PHONES[1]} or {PHONES[2]} or {PHONES[3]} or"
        f" {PHONES[4]}, write to {EMAIL} or zinaida (at) example (dot) org"
    ),
    evidence=((FILES[2], png(7)),),
    rights_docs=((FILES[0], pdf("certificate")),),
    authority_docs=((FILES[1], pdf("authority")),),
    name=NAME,
    org=f"Kuznetsova Patent Bureau, {EMAIL}",
    email=EMAIL,
    phone=PHONES[0],
)


@pytest.mark.parametrize("runtime", ["aiogram", "ptb"])
async def test_a_whole_complaint_leaves_no_personal_data_in_a_debug_log(
    fake: FakeTelegram, tmp_path: Path, runtime: str
) -> None:
    fake.add_user(USER, first_name="Zinaida", last_name="Kuznetsova", username=USERNAME)
    log = tmp_path / "bot.log"
    bot = BotProcess(fake, tmp_path / "data", log, runtime, log_level="DEBUG")
    try:
        await bot.start()
        claimant = Claimant(fake, USER)
        claimant.timeout = 15.0  # a process at DEBUG on a loaded machine
        await claimant.reaches("review", COMPLAINT)
        await claimant.presses("Submit", expect="Case number")
        await fake.wait_until(  # the dossier reached the staff group
            lambda: any(m.document for m in fake.messages(STAFF_CHAT_ID)), 30
        )
        assert bot.proc is not None
        bot.proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(bot.proc.wait(), 15) == 0
    finally:
        await bot.kill()

    text = log.read_text(encoding="utf-8")
    assert " DEBUG " in text or " INFO " in text  # the log was written, verbosely
    lowered = text.lower()
    needles = [
        str(USER),
        USERNAME,
        NAME,
        "Zinaida",
        "Kuznetsova",
        EMAIL,
        "zinaida (at) example",
        *PHONES,
        "9165551234",
        *FILES,
        fake.token,
    ]
    found = [needle for needle in needles if needle.lower() in lowered]
    assert not found, f"personal data in the log: {found}"

    # The claimant is there as a pseudonym, the one any process with this token computes.
    logs.set_pseudonym_key(log_pseudonym_key(Settings(bot_token=fake.token, _env_file=None)))
    try:
        assert f"case submitted by {logs.pseudonym(USER)}" in text
    finally:
        logs.set_pseudonym_key(None)


@pytest.mark.parametrize(
    "written",
    [
        "+7 916 555-12-34",
        "8 (916) 555-12-34",
        "89165551234",
        "+79165551234",
        "916-555-12-34",
        "(495) 123-45-67",
        "+44 20 7946 0958",
        "+1-202-555-0143",
        "555 12 34 56",  # no operator code: the digits fallback
        "007 916 5551234",
    ],
)
def test_every_phone_form_is_masked(written: str) -> None:
    masked = logs.mask(f"call {written} today")
    assert masked.startswith("call [phone") and masked.endswith(" today"), masked
    assert not any(ch.isdigit() for ch in masked), masked


@pytest.mark.parametrize(
    "written",
    [
        "anna@example.com",
        "Anna.Smirnova+ip@mail.example.co.uk",
        "anna (at) example (dot) com",
        "anna[at]example.com",
        "anna%40example.com",
        "анна@пример.рф",
    ],
)
def test_every_email_form_is_masked(written: str) -> None:
    assert logs.mask(f"mail {written} now") == "mail [email] now"


def test_what_is_no_contact_stays_readable() -> None:
    for line in (
        "case IP-2026-000123 submitted by u-3f9a2c1b7d04",
        "outbox item 42: retry at 2026-12-04 18:06:29.123456+00:00 (3s)",
        "handling update 123456789 left over from the last run",
        "update handled in 1234 ms",
    ):
        assert logs.mask(line) == line


def test_pseudonyms_are_stable_per_key_and_hide_the_id() -> None:
    logs.set_pseudonym_key(b"key one")
    try:
        first = logs.pseudonym(USER)
        assert first == logs.pseudonym(USER) and str(USER) not in first
        assert first != logs.pseudonym(USER + 1)
        logs.set_pseudonym_key(b"key two")
        assert logs.pseudonym(USER) != first
    finally:
        logs.set_pseudonym_key(None)
