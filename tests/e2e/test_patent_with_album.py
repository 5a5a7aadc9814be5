"""A utility-model patent complaint by the right holder, the evidence sent as one album."""

from __future__ import annotations

import hashlib

from tests.e2e.claimant import Claimant, pdf, png
from tests.e2e.conftest import CLAIMANT, STAFF_CHAT_ID, STAFF_MEMBER, RunningBot
from tests.e2e.staff.conftest import staff_presses
from tests.fake_telegram import FakeTelegram


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def test_holder_files_a_utility_model_patent_with_an_album_of_evidence(
    fake: FakeTelegram, running_bot: RunningBot
) -> None:
    anna = Claimant(fake, CLAIMANT)
    await anna.reaches("right_type")
    await anna.presses("Patent", expect="What is the patent for?")
    await anna.presses("A utility model", expect="Send the patent number")
    await anna.says("RU 123 456", expect="registered?")
    await anna.says("Russia, Rospatent", expect="right holder")
    await anna.says("Romashka LLC", expect="Describe the infringement")
    await anna.says("Copies of our patented folding stand", expect="What should the platform do")
    await anna.presses("Remove the infringing", expect="Step 5 of 10")
    await anna.says("https://aliexpress.ru/item/1005001234567890.html", expect="Links saved: 1")
    await anna.presses("Done", expect="Send the evidence of the infringement")

    photos = [png(10), png(11), png(12)]
    report = pdf("test purchase report")
    album = [("photo", data, None, None) for data in photos]
    album.append(("document", report, "test-purchase.pdf", "application/pdf"))
    before = len(fake.messages(CLAIMANT))
    answer = await anna.sends_album(album, expect="from the album")
    assert "Received 4 files from the album" in (answer.text or "")
    prompt = await anna.until_button("Done", after=answer.message_id)
    assert "4 files" in (prompt.text or "")
    assert "test-purchase.pdf" in (prompt.text or "")

    # One answer for the whole album: no per-file "Received" notes.
    replies = fake.messages(CLAIMANT)[before:]
    assert [m.text for m in replies if "Received" in (m.text or "")] == [answer.text]
    assert len(replies) == 2, fake.dump(CLAIMANT)

    # All four are in the draft and in the file store, byte for byte.
    assert running_bot.app is not None
    storage = running_bot.app.storage
    draft = await storage.drafts.load(CLAIMANT)
    assert draft is not None and draft.step == "evidence_files"
    sent = [*photos, report]
    assert [f.sha256 for f in draft.files] == [sha256(data) for data in sent]
    assert {f.section.value for f in draft.files} == {"evidence"}
    for data in sent:
        assert await storage.files.read_async(sha256(data)) == data

    await anna.presses("Done", expect="explain the evidence")
    await anna.presses("Skip", expect="Send the patent for the utility model")
    patent = pdf("utility model patent")
    ack = await anna.attaches(patent, "patent.pdf")
    assert "Received “patent.pdf”." in (ack.text or "")
    await anna.presses("Done", expect="Send a document proving that you are the right holder")
    excerpt = pdf("company register excerpt")
    await anna.attaches(excerpt, "excerpt.pdf")
    await anna.presses("Done", expect="Your full name")
    await anna.says("Anna Smirnova", expect="Your organisation")
    await anna.presses("Skip", expect="Your email")
    await anna.says("anna@example.com", expect="Your phone number")
    await anna.says("+7 916 123-45-67", expect="may redirect your request")
    await anna.presses("I understand", expect="What the seller sees")
    await anna.presses("Done", expect="Confirmation 1 of 3")  # name and email, as they are
    await anna.presses("I confirm", expect="Confirmation 2 of 3")
    await anna.presses("I confirm", expect="Confirmation 3 of 3")
    review = await anna.presses("I confirm", expect="Review your complaint")
    text = review.text or ""
    assert "Patent for: utility model" in text
    assert "Registration / patent numbers: RU 123 456" in text
    assert "Evidence: 4 files" in text
    receipt = await anna.presses("Submit", expect="Case number")
    assert "IP-" in (receipt.text or "")

    number = (receipt.text or "").split("Case number: ")[1].split()[0]
    expected = [*sent, patent, excerpt]
    want = sorted(sha256(data) for data in expected)

    def evidence_received() -> list[str]:
        """sha256 of the bytes of every claimant file the fake received in the staff chat (the
        dossier PDF and ZIP, named after the case, aside)."""
        return sorted(
            sha256(m.document.data)
            for m in fake.messages(STAFF_CHAT_ID)
            if m.document is not None
            and m.document.data is not None
            and not m.document.file_name.startswith(number)
        )

    card = await fake.wait_for_message(STAFF_CHAT_ID, lambda m: bool(m.button_texts), after=0)
    await staff_presses(fake, STAFF_MEMBER, card, "Files")  # the files come on demand
    await fake.wait_until(
        lambda: len(evidence_received()) >= len(want), 10, dump_chat=STAFF_CHAT_ID
    )
    assert evidence_received() == want  # each file once, byte for byte
    staff = fake.messages(STAFF_CHAT_ID)
    assert "Romashka LLC" in card.content
    names = [m.document.file_name for m in staff if m.document]
    assert {"test-purchase.pdf", "patent.pdf", "excerpt.pdf"} <= set(names)
    # The staff see every file's hash in its caption, to verify what they got.
    captions = "\n".join(m.caption or "" for m in staff if m.document)
    for digest in want:
        assert digest in captions
