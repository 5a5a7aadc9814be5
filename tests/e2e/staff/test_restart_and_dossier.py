"""A notification committed but not yet sent survives a restart and is sent exactly once; the
dossier PDF and ZIP the staff group receives say what the claimant submitted."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from datetime import timedelta

from pypdf import PdfReader

from dialogs.model import utcnow
from tests.e2e.claimant import Complaint, pdf, png
from tests.e2e.conftest import CLAIMANT, STAFF_CHAT_ID, STAFF_MEMBER, RunningBot
from tests.e2e.staff.conftest import (
    case_of,
    file_complaint,
    outbox_drained,
    staff_presses,
)
from tests.fake_telegram import FakeTelegram

TAKEN = "is now being reviewed by the IP team"


async def test_a_notice_queued_before_a_restart_is_sent_once_after_it(
    fake: FakeTelegram, running_bot: RunningBot
) -> None:
    filed = await file_complaint(fake, running_bot, CLAIMANT)
    # Telegram floods the claimant's notice: it stays in the outbox, due in 30 s.
    fake.fail_next("sendMessage", error_code=429, retry_after=30)
    answer = await staff_presses(fake, STAFF_MEMBER, filed.card, "Take")
    assert "You took" in answer.get("text", "")
    await fake.wait_until(lambda: "· in review" in filed.card.content)  # not blocked
    flooded = await fake.wait_until(
        lambda: [r for r in fake.calls("sendMessage") if r.error_code == 429]
    )
    assert str(flooded[0].params["chat_id"]) == str(CLAIMANT)  # raw, as posted
    assert running_bot.app is not None
    outbox = running_bot.app.storage.outbox

    async def only_the_notice_left() -> bool:
        """The card edit marked sent, and the 429 recorded against the notice (the sender
        records it a moment after the fake has answered)."""
        if await outbox.pending_count() != 1:
            return False
        pending = await outbox.due(utcnow() + timedelta(seconds=31))
        return [(item.chat_id, item.attempts) for item in pending] == [(CLAIMANT, 1)]

    await fake.wait_until(only_the_notice_left)
    assert not any(TAKEN in m.content for m in fake.messages(CLAIMANT))

    # The bot stops before the retry is due; a new one starts on the same data dir.
    await running_bot.stop()
    await running_bot.start()
    assert running_bot.app is not None
    # The new sender respects the stored retry time ...
    assert await running_bot.app.outbox.deliver_due() == 0
    # ... and once it has passed (the sender's clock moved on), sends the notice.
    running_bot.app.outbox.clock = lambda: utcnow() + timedelta(seconds=31)
    running_bot.app.outbox.kick()
    await fake.wait_for_message(CLAIMANT, lambda m: TAKEN in m.content, after=filed.receipt)
    await outbox_drained(fake, running_bot)
    assert await running_bot.app.outbox.deliver_due() == 0
    assert sum(TAKEN in m.content for m in fake.messages(CLAIMANT)) == 1
    delivered = [r for r in fake.calls("sendMessage") if r.ok and TAKEN in r.params["text"]]
    assert len(delivered) == 1


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


async def test_the_dossier_pdf_and_zip_received_by_staff(
    fake: FakeTelegram, running_bot: RunningBot
) -> None:
    evidence = png(3)
    certificate = pdf("certificate 654321")
    authority = pdf("authority")
    complaint = Complaint(
        role="representative",
        evidence=(("photo", evidence),),
        rights_docs=(("certificate.pdf", certificate),),
        authority_docs=(("authority.pdf", authority),),
    )
    filed = await file_complaint(fake, running_bot, CLAIMANT, complaint)
    number = filed.number
    case = await case_of(running_bot, number)
    # The card is the PDF's caption; the originals come with "📎 Files" (issue 8).
    await staff_presses(fake, STAFF_MEMBER, filed.card, "Files")
    await outbox_drained(fake, running_bot)
    documents = {
        m.document.file_name: m.document
        for m in fake.messages(STAFF_CHAT_ID)
        if m.document is not None and m.document.file_name
    }
    pdf_doc = documents[f"{number}.pdf"]
    assert filed.card.document is not None and filed.card.document.file_name == f"{number}.pdf"
    assert pdf_doc.data is not None
    # The ZIP composed with it is stored for "📎 Files" (sent when the album would not do).
    assert running_bot.app is not None
    storage = running_bot.app.storage
    zip_sha256 = await storage.cases.dossier_zip(case.id)
    assert zip_sha256 is not None
    zip_data = await storage.files.read_async(zip_sha256)

    # The PDF: the case number, the listing, each confirmation's wording, each file's sha256.
    reader = PdfReader(io.BytesIO(pdf_doc.data))
    text = _squash("\n".join(page.extract_text() or "" for page in reader.pages))
    assert number in text
    for link in case.draft.links:
        assert _squash(link) in text, link
    assert case.draft.links == [complaint.link]
    assert len(case.draft.confirmations) >= 3
    for confirmation in case.draft.confirmations.values():
        assert _squash(confirmation.text) in text, confirmation.key
    sent = {hashlib.sha256(data).hexdigest() for data in (evidence, certificate, authority)}
    assert {f.sha256 for f in case.draft.files} == sent
    for sha in sent:
        assert sha in text, sha

    # The ZIP: the manifest's hashes are those of the files in it, and of what was sent.
    with zipfile.ZipFile(io.BytesIO(zip_data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["case_number"] == number
        assert (
            hashlib.sha256(archive.read("dossier.pdf")).hexdigest()
            == (manifest["dossier_pdf"]["sha256"])
        )
        listed = manifest["files"]
        for entry in listed:
            data = archive.read(entry["path"])
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
            assert len(data) == entry["size"]
        assert {entry["sha256"] for entry in listed} == sent
        names = set(archive.namelist())
        assert names == {"dossier.pdf", "manifest.json", *(e["path"] for e in listed)}
    # The originals the staff group got on demand are the same bytes.
    originals = {
        hashlib.sha256(d.data).hexdigest()
        for name, d in documents.items()
        if d.data is not None and not name.startswith(number)
    }
    assert originals == sent
