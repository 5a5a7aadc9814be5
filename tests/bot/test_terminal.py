"""The terminal runtime, driven by a script of typed lines against a real SQLite DATA_DIR.

Button numbers follow the order `dialogs.render` draws them in: a choice's options first, then
Keep/Skip/Back; at a files or links step with something saved, [1] is "Done".
"""

from __future__ import annotations

import io
import os
import re
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from bot.config.settings import Settings
from bot.terminal import run_terminal
from dialogs.i18n import texts
from storage import Storage

FAREWELL = texts("en").plain("terminal-farewell")
ROOT = Path(__file__).resolve().parents[2]
CASE_NUMBER = re.compile(r"IP-\d{4}-\d{6}")


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "en_US.UTF-8")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data", staff_chat_id=None)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """Small real files: sniffed by content, as the service does."""
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr
    png += struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    contents = {
        "listing.png": png,
        "certificate.pdf": b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n",
        "power of attorney.pdf": b"%PDF-1.4\n% power of attorney\n%%EOF\n",
        "invoice.pdf": b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64,
    }
    paths = {}
    for name, data in contents.items():
        paths[name] = tmp_path / name
        paths[name].write_bytes(data)
    return paths


async def run(settings: Settings, *lines: str) -> str:
    output = io.StringIO()
    await run_terminal(
        settings, input_stream=io.StringIO("".join(f"{x}\n" for x in lines)), output=output
    )
    return output.getvalue()


def answer_to(output: str, line: str, nth: int = 0) -> str:
    """What the terminal printed in answer to the nth time `line` was typed."""
    segments = [s for s in output.split("\n> ") if s.split("\n", 1)[0] == line]
    return segments[nth].split("\n", 1)[1]


def start_trademark_by_representative() -> list[str]:
    return [
        "1",  # welcome: [1] Start
        "1",  # a particular listing? [1] Yes
        "1",  # what about? [1] my trademark, patent or copyright is used without permission
        "2",  # who are you? [2] I represent the right holder
        "1",  # which right? [1] Trademark
        "RU 123456",  # trademark registration number
        "Russia — Rospatent",  # where registered
    ]


def up_to_evidence() -> list[str]:
    return [
        *start_trademark_by_representative(),
        "Acme Toys LLC",  # right holder
        "The listing sells counterfeit toys with our logo",  # the infringement
        "1",  # what do you ask? [1] Remove the infringing listings
        "https://aliexpress.ru/item/1005001234567890.html",  # the listing link
        "1",  # [1] Done with links
    ]


def after_evidence(files: dict[str, Path]) -> list[str]:
    return [
        f"file: {files['listing.png']}",  # evidence: a screenshot
        "1",  # [1] Done
        "Screenshot of the listing page",  # optional explanation of the evidence
        f"/file {files['certificate.pdf']}",  # rights: the trademark certificate
        "1",  # [1] Done
        str(files["power of attorney.pdf"]),  # authority: a bare path works at a files step
        "1",  # [1] Done
        "Ivan Petrov",  # contact name
        "Petrov & Partners",  # organisation (optional)
        "ivan.petrov@example.com",  # email
        "+7 916 123-45-67",  # phone
        "1",  # disclosure: [1] I understand
        "5",  # the contacts the seller may see: [5] Done (name and email, as they are)
        "1",  # confirmation 1: [1] I confirm
        "1",  # confirmation 2: [1] I confirm
        "1",  # confirmation 3: [1] I confirm
    ]


async def test_full_trademark_complaint_by_a_representative(
    settings: Settings, files: dict[str, Path]
) -> None:
    out = await run(
        settings,
        *up_to_evidence(),
        *after_evidence(files),
        "1",  # review: [1] Submit the complaint
        "/quit",
    )

    assert "[1] Start  [2] Русский" in out
    assert "Received “listing.png”" in out
    receipt = answer_to(out, "1", -1)
    assert "Your complaint is filed." in receipt
    assert "Organisation: Petrov & Partners" in out  # in the review; entities unescaped
    assert "Organisation:" not in receipt  # the receipt does not repeat it all (issue 15)
    number = CASE_NUMBER.search(receipt)
    assert number is not None
    assert out.rstrip().endswith(FAREWELL)
    assert "<b>" not in out and "&amp;" not in out

    storage = await Storage.open(settings.data_dir)
    try:
        case = await storage.cases.get_by_number(number[0])
        assert case is not None
        assert case.draft.answers["role"] == "representative"
        assert case.draft.answers["contact_org"] == "Petrov & Partners"
        assert case.draft.links == ["https://aliexpress.ru/item/1005001234567890.html"]
        assert {(f.name, f.mime) for f in case.draft.files} == {
            ("listing.png", "image/png"),
            ("certificate.pdf", "application/pdf"),
            ("power of attorney.pdf", "application/pdf"),
        }
        assert await storage.drafts.load(1) is None
        assert await storage.outbox.pending_count() == 0  # the receipt was delivered here
    finally:
        await storage.close()


async def test_no_particular_listing_is_rejected_with_the_reason(settings: Settings) -> None:
    out = await run(
        settings,
        "1",  # welcome: [1] Start
        "2",  # a particular listing? [2] No
        "1",  # [1] Start again
    )

    rejection = answer_to(out, "2")
    assert "We cannot take this complaint." in rejection
    assert "a link to a particular infringement" in rejection
    assert "[1] Start again" in rejection
    assert "Do you have a direct link" in answer_to(out, "1", 1)


async def test_quitting_midway_and_running_again_continues_at_the_same_step(
    settings: Settings,
) -> None:
    first = await run(settings, *start_trademark_by_representative(), "/quit")
    assert "Who is the **right holder**?" in answer_to(first, "Russia — Rospatent")
    assert first.rstrip().endswith(FAREWELL)

    second = await run(
        settings,
        "1",  # [1] Continue where I stopped
        "/back",  # the previous answer is still there
    )
    assert "You have an unfinished complaint (now at “Rights and the claim”)" in second
    assert "Who is the **right holder**?" in answer_to(second, "1")
    assert "Saved answer: Russia — Rospatent" in answer_to(second, "/back")

    storage = await Storage.open(settings.data_dir)
    try:
        draft = await storage.drafts.load(1)
    finally:
        await storage.close()
    assert draft is not None
    assert draft.answers == {
        "screen_listing": "yes",
        "screen_matter": "infringement",
        "role": "representative",
        "right_type": "trademark",
        "rights_number": "RU 123456",
        "rights_jurisdiction": "Russia — Rospatent",
    }


async def test_bad_input_is_explained_and_the_same_step_asked_again(
    settings: Settings, files: dict[str, Path]
) -> None:
    evidence_prompt = "Send the **evidence of the infringement**"
    out = await run(
        settings,
        *up_to_evidence(),
        "here is my evidence",  # text at a files step
        f"file: {files['invoice.pdf']}",  # a .pdf that is really an EXE
        f"file: {files['listing.png']}",
        "1",  # [1] Done
        "/skip",  # an unknown command
        "1",  # [1] Skip the explanation
        f"file: {files['certificate.pdf']}",
        "1",  # [1] Done
        f"file: {files['power of attorney.pdf']}",
        "1",  # [1] Done
        "Ivan Petrov",
        "1",  # [1] Skip the organisation
        "ivan.petrov@",  # a bad email
        "ivan.petrov@example.com",
        "/quit",
    )

    text_at_files = answer_to(out, "here is my evidence")
    # A line of explanation; the question is still on the screen, not printed again.
    assert text_at_files.strip() == "⚠️ Please send files here (photos or documents)."
    assert evidence_prompt not in text_at_files

    exe = answer_to(out, f"file: {files['invoice.pdf']}")
    assert "This file's content is EXE, which is not accepted here." in exe
    assert evidence_prompt not in exe

    assert "I do not know that command." in answer_to(out, "/skip")

    bad_email = answer_to(out, "ivan.petrov@")
    assert "This does not look like an email address" in bad_email
    assert "Your **email**." not in bad_email
    assert "phone number" not in bad_email
    assert "Your **phone number**" in answer_to(out, "ivan.petrov@example.com")

    storage = await Storage.open(settings.data_dir)
    try:
        draft = await storage.drafts.load(1)
    finally:
        await storage.close()
    assert draft is not None
    assert [f.name for f in draft.files] == [
        "listing.png",
        "certificate.pdf",
        "power of attorney.pdf",
    ]
    assert draft.answers["contact_email"] == "ivan.petrov@example.com"


async def test_several_files_in_one_line(settings: Settings, files: dict[str, Path]) -> None:
    out = await run(
        settings,
        *up_to_evidence(),
        f"{files['listing.png']}; {files['certificate.pdf']}",  # two files, like an album
        "/quit",
    )
    answer = answer_to(out, f"{files['listing.png']}; {files['certificate.pdf']}")
    assert "2 files: listing.png, certificate.pdf" in answer


async def test_russian_from_lang(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "ru_RU.UTF-8")
    out = await run(settings, "/quit")
    assert "[1] " in out and "[2] English" in out


@pytest.mark.skipif(not (ROOT / "bot" / "__main__.py").exists(), reason="bot/__main__.py missing")
def test_python_m_bot_without_token_runs_the_terminal(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "STAFF_CHAT_ID")}
    env.update(DATA_DIR=str(tmp_path / "data"), LANG="en_US.UTF-8", PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "bot"],
        input="/help\n1\n/quit\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,  # no .env here
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "infringement of exclusive rights in AliExpress listings" in done.stdout
    assert "Do you have a direct link" in done.stdout
    assert FAREWELL in done.stdout


async def test_status_and_case_work_in_the_terminal(
    settings: Settings, files: dict[str, Path]
) -> None:
    out = await run(
        settings,
        "/status",  # nothing filed yet
        *up_to_evidence(),
        *after_evidence(files),
        "1",  # review: [1] Submit the complaint
        "/status",
        "/case IP-2026-999999",
        "/quit",
    )
    assert "type a button's number" in out and "/quit" in out  # how to use it, on start
    number = CASE_NUMBER.search(answer_to(out, "1", -1))
    assert number is not None
    status = answer_to(out, "/status", 1)
    assert number[0] in status
    assert "not one of your cases" in answer_to(out, "/case IP-2026-999999").lower() or (
        number[0] not in answer_to(out, "/case IP-2026-999999")
    )
    shown = await run(settings, f"/case {number[0]}", "/quit")
    case = answer_to(shown, f"/case {number[0]}")
    assert number[0] in case and "Acme Toys LLC" in case


async def test_the_chosen_language_is_kept_for_the_next_complaint(
    settings: Settings, files: dict[str, Path]
) -> None:
    """/language, then a whole complaint: the receipt says when to expect an answer, and the
    next complaint starts in the language chosen, not the terminal's (English)."""
    out = await run(
        settings,
        "/language",
        "2",  # [2] Русский
        *up_to_evidence(),
        *after_evidence(files),
        "1",  # review: [1] Отправить жалобу
        "/quit",
    )
    receipt = answer_to(out, "1", -1)
    assert "Жалоба подана." in receipt and "в течение 10 рабочих дней" in receipt
    again = await run(settings, "/quit")
    assert "Жалоба на нарушение исключительных прав" in again
    assert "A complaint about an infringement of exclusive rights" not in again


async def test_the_receipt_promises_the_configured_answer_time(
    settings: Settings, files: dict[str, Path]
) -> None:
    quick = settings.model_copy(update={"answer_within_days": 3})
    out = await run(quick, *up_to_evidence(), *after_evidence(files), "1", "/quit")
    assert "Expect an answer within 3 working days" in answer_to(out, "1", -1)
