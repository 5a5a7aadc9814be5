"""Issue 6, observation 6: a document whose name held a newline or NUL kept its whole album of
originals (innocent files included) out of the staff group: the HTTP client refused the
header. Staff were not told.

Now names are sanitised for transport (the name as sent stays in the record), so the album
arrives whole; and a message of files Telegram refuses for good is named on the card: "N files
are only in the ZIP". Both runtimes, over HTTP against the fake Bot API."""

from __future__ import annotations

import io
import zipfile

from dialogs.filenames import shown_name, transport_name
from dialogs.model import FileSection
from tests.e2e.claimant import Complaint, pdf, png
from tests.e2e.conftest import CLAIMANT, STAFF_CHAT_ID, STAFF_MEMBER, RunningBot
from tests.e2e.staff.conftest import case_of, file_complaint, outbox_drained, staff_presses
from tests.fake_telegram import FakeTelegram

HOSTILE = "bad\nname\x00\u202e\u200bfdp.exe.pdf"
EVIDENCE = (
    (HOSTILE, pdf("hostile")),
    ("photo", png(7)),
    ("innocent.pdf", pdf("innocent")),
)


def staff_documents(fake: FakeTelegram) -> list[tuple[str, str]]:
    """(file name, caption) of every document in the staff group."""
    return [
        (m.document.file_name or "", m.caption or "")
        for m in fake.messages(STAFF_CHAT_ID)
        if m.document is not None
    ]


async def test_a_hostile_name_no_longer_keeps_the_album_from_staff(
    fake: FakeTelegram, either_bot: RunningBot
) -> None:
    filed = await file_complaint(fake, either_bot, CLAIMANT, Complaint(evidence=EVIDENCE))
    case = await case_of(either_bot, filed.number)
    evidence = case.draft.files_in(FileSection.EVIDENCE)
    assert evidence[0].name == HOSTILE  # the record keeps the name as sent
    await staff_presses(fake, STAFF_MEMBER, filed.card, "Files")  # issue 8: files on demand
    await fake.wait_until(lambda: len(staff_documents(fake)) == 1 + len(EVIDENCE) + 2)
    documents = staff_documents(fake)
    names = [name for name, _ in documents]
    assert "bad namefdp.exe.pdf" in names and "innocent.pdf" in names
    for name, caption in documents:
        assert not any(c in name for c in "\n\x00\u202e\u200b"), name
        assert not any(c in caption for c in "\x00\u202e\u200b"), caption
    hostile_caption = next(c for n, c in documents if n == "bad namefdp.exe.pdf")
    assert "bad namefdp.exe.pdf" in hostile_caption
    assert fake.calls("sendMediaGroup") and all(r.ok for r in fake.calls("sendMediaGroup"))
    assert "only in the ZIP" not in filed.card.content


async def test_files_telegram_refuses_are_named_on_the_card(
    fake: FakeTelegram, either_bot: RunningBot
) -> None:
    fake.fail_next("sendMediaGroup", error_code=400, description="Bad Request: file refused")
    filed = await file_complaint(fake, either_bot, CLAIMANT, Complaint(evidence=EVIDENCE))
    card = filed.card
    await staff_presses(fake, STAFF_MEMBER, card, "Files")  # issue 8: files on demand
    await fake.wait_until(
        lambda: "only in the ZIP" in card.content, 10, message=fake.dump(STAFF_CHAT_ID)
    )
    await outbox_drained(fake, either_bot)
    text = card.content or ""
    assert "5 files are only in the ZIP, not posted here:" in text  # the one album: all five
    assert "bad namefdp.exe.pdf" in text and "innocent.pdf" in text
    assert "\u202e" not in text
    # The buttons are still there; pressed again, "Files" sends the ZIP, which holds them.
    assert card.reply_markup and card.reply_markup["inline_keyboard"]
    await staff_presses(fake, STAFF_MEMBER, card, "Files")
    await fake.wait_until(lambda: any(n.endswith(".zip") for n, _ in staff_documents(fake)))
    archive = next(
        m.document
        for m in fake.messages(STAFF_CHAT_ID)
        if m.document is not None and (m.document.file_name or "").endswith(".zip")
    )
    with zipfile.ZipFile(io.BytesIO(archive.data)) as dossier:
        listed = " ".join(dossier.namelist())
    assert "innocent.pdf" in listed and "bad namefdp.exe.pdf" in listed


def test_transport_names() -> None:
    assert transport_name("a\r\nb\x00c.pdf") == "a bc.pdf"
    assert transport_name("\u202egnp.pdf") == "gnp.pdf"
    assert transport_name("../../etc/passwd") == "_.._etc_passwd"
    assert transport_name("..\\x.pdf") == "_x.pdf"
    assert transport_name("\u200b\u200d") == "file"
    long = transport_name("x" * 500 + ".pdf")
    assert len(long) <= 120 and long.endswith(".pdf")
    assert shown_name("Свидетельство №1.pdf") == "Свидетельство №1.pdf"
