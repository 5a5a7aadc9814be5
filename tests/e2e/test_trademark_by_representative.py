"""A complete trademark complaint by a representative, through the real aiogram client."""

from __future__ import annotations

from tests.e2e.claimant import Claimant, pdf, png
from tests.e2e.conftest import CLAIMANT, STAFF_CHAT_ID, STAFF_MEMBER, RunningBot
from tests.e2e.staff.conftest import staff_presses
from tests.fake_telegram import FakeTelegram


async def test_representative_files_a_trademark_complaint(
    fake: FakeTelegram, running_bot: RunningBot
) -> None:
    anna = Claimant(fake, CLAIMANT)
    await anna.says("/start", expect="Report an intellectual-property infringement")
    await anna.presses("Start", expect="Step 1 of 10")
    await anna.presses("Yes, I have the link", expect="What is your complaint about?")
    await anna.presses("My IP right is infringed", expect="Step 2 of 10")
    await anna.presses("I represent the right holder", expect="Step 3 of 10")
    await anna.presses("Trademark", expect="trademark registration number")
    await anna.says("№ 654321", expect="registered?")
    await anna.says("Russia, Rospatent", expect="right holder")
    await anna.says("Romashka LLC <Best>", expect="Describe the infringement")
    await anna.says("Counterfeit bags with our logo", expect="What should the platform do")
    await anna.presses("Remove the infringing", expect="Step 5 of 10")
    await anna.says(
        "https://m.aliexpress.ru/item/1005001234567890.html?spm=a2g0o\n"
        "https://aliexpress.ru/wholesale?SearchText=bag",
        expect="Links saved: 1",
    )
    # The verdicts and where the step stands come in one message, not the question again.
    verdicts = fake.messages(CLAIMANT)[-1].text or ""
    assert "search page" in verdicts and "Send the direct link" not in verdicts
    await anna.presses("Done", expect="Step 6 of 10")
    await anna.sends_photo(png(1), expect="1 file")
    await anna.presses("Done", expect="explain the evidence")
    await anna.presses("Skip", expect="Step 7 of 10")
    await anna.sends_document(pdf(), "certificate.pdf", "application/pdf", expect="Received")
    await anna.presses("Done", expect="power of attorney")
    prompt = fake.messages(CLAIMANT)[-1].text or ""
    assert "letter of consent" in prompt and "not" in prompt
    await anna.sends_document(pdf("poa"), "poa.pdf", "application/pdf", expect="Received")
    await anna.presses("Done", expect="full name")
    await anna.says("Anna Smirnova", expect="organisation")
    await anna.says("Smirnova & Partners", expect="email")
    await anna.says("anna@example", expect="does not look like an email")
    await anna.says("anna@example.com", expect="phone number")
    await anna.says("+7 916 123-45-67", expect="may redirect your request to the seller")
    await anna.presses("I understand", expect="What the seller sees")
    await anna.presses("Done", expect="Confirmation 1 of 3")  # name and email, as they are
    await anna.presses("I confirm", expect="Confirmation 2 of 3")
    await anna.presses("I confirm", expect="Confirmation 3 of 3")
    review = await anna.presses("I confirm", expect="Review your complaint")
    assert "Romashka LLC <Best>" in (review.text or "")
    assert "https://aliexpress.ru/item/1005001234567890.html" in (review.text or "")
    receipt = await anna.presses("Submit", expect="Case number")
    assert "IP-" in (receipt.text or "")

    # One message: the dossier PDF whose caption is the card; the files on demand.
    card = await fake.wait_for_message(
        STAFF_CHAT_ID, lambda m: "Case IP-" in m.content, after=0, timeout=10
    )
    assert "Holder: Romashka LLC &lt;Best&gt;" in (card.raw_text or "")  # escaped as sent
    assert "Romashka LLC <Best>" in card.content
    assert "Telegram id 1001" in card.content
    assert [t for row in card.buttons for t, _ in row] == [
        "🙋 Take",
        "❓ Ask the claimant",
        "✅ Accept",
        "⛔ Reject",
        "📎 Files",
    ]
    await staff_presses(fake, STAFF_MEMBER, card, "Files")
    await fake.wait_until(
        lambda: len([m for m in fake.messages(STAFF_CHAT_ID) if m.document]) >= 4, 10
    )
    uploaded = [
        m.document
        for m in fake.messages(STAFF_CHAT_ID)
        if m.document and not m.document.file_name.startswith("IP-")
    ]
    assert sorted(d.file_name for d in uploaded if d) == sorted(
        [
            next(d.file_name for d in uploaded if d and d.file_name.startswith("photo_")),
            "certificate.pdf",
            "poa.pdf",
        ]
    )
