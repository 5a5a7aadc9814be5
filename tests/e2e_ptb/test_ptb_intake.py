"""The claimant's intake on python-telegram-bot, through its real HTTP client (httpx)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
from typing import Any

from storage.database import DB_FILENAME
from tests.e2e.claimant import Claimant, pdf, png
from tests.e2e.conftest import CLAIMANT, STAFF_CHAT_ID
from tests.e2e_ptb.conftest import RunningPtbBot
from tests.fake_telegram import FakeTelegram

SETTLE = 0.3  # album_settle_seconds in the e2e settings


def stored_draft(bot: RunningPtbBot) -> tuple[dict[str, Any], int] | None:
    """The claimant's live draft and its revision, read from the SQLite file itself."""
    with contextlib.closing(sqlite3.connect(bot.data_dir / DB_FILENAME)) as db:
        row = db.execute(
            "SELECT data, revision FROM drafts WHERE user_id = ? AND data IS NOT NULL",
            (CLAIMANT,),
        ).fetchone()
    return None if row is None else (json.loads(row[0]), row[1])


async def reach_links_step(anna: Claimant) -> None:
    """A copyright complaint by the right holder, up to the listing links."""
    await anna.says("/start", expect="Report an intellectual-property infringement")
    await anna.presses("Start", expect="Step 1 of 10")
    await anna.presses("Yes, I have the listing", expect="What is your complaint about?")
    await anna.presses("used without permission", expect="Step 2 of 10")
    await anna.presses("I am the right holder", expect="Step 3 of 10")
    await anna.presses("Copyright", expect="Describe the work")
    await anna.says("Photo series “Autumn <Moscow>”, 2023", expect="right holder")
    await anna.says("Anna Smirnova", expect="Describe the infringement")
    await anna.says("The sellers use my photos in their listings", expect="What do you ask")
    await anna.presses("Remove the infringing listings", expect="Step 5 of 10")


async def test_holder_files_a_copyright_complaint(
    fake: FakeTelegram, running_bot: RunningPtbBot
) -> None:
    anna = Claimant(fake, CLAIMANT)
    await reach_links_step(anna)
    await anna.says(
        "https://aliexpress.ru/item/1005001234567890.html", expect="Links saved: 1"
    )
    await anna.presses("Done", expect="Step 6 of 10")
    # Each upload is answered twice ("Received", then the step with its Done button): wait for
    # the second, or "Done" would be pressed on the previous prompt.
    await anna.sends_photo(png(1), expect="Step 6 of 10")
    await anna.sends_document(pdf("purchase"), "test-purchase.pdf", "application/pdf",
                              expect="Step 6 of 10")
    await anna.presses("Done", expect="explain the evidence")
    await anna.says("Photo 1 is the listing, the PDF is the test purchase", expect="Step 7 of 10")
    prompt = fake.messages(CLAIMANT)[-1].text or ""
    assert "copyright" in prompt and "certificate of deposit" in prompt
    await anna.sends_document(png(2), "original.png", "image/png", expect="Step 7 of 10")
    await anna.sends_document(pdf("licence"), "licence.pdf", "application/pdf", expect="Step 7 of 10")
    await anna.presses("Done", expect="Step 8 of 10")
    await anna.sends_document(pdf("register"), "register.pdf", "application/pdf", expect="Step 8 of 10")
    await anna.presses("Done", expect="full name")
    await anna.says("Anna Smirnova", expect="organisation")
    await anna.presses("Skip", expect="email")
    await anna.says("anna@example.com", expect="phone number")
    fake.user_sends_contact(CLAIMANT, "+79161234567")
    await fake.wait_for_message(
        CLAIMANT, lambda m: "may redirect your request to the seller" in (m.text or "")
    )
    await anna.presses("I understand", expect="Confirmation 1 of 3")
    await anna.presses("I confirm", expect="Confirmation 2 of 3")
    await anna.presses("I confirm", expect="Confirmation 3 of 3")
    review = await anna.presses("I confirm", expect="Review your complaint")
    assert "Autumn <Moscow>" in (review.text or "")
    receipt = await anna.presses("Submit", expect="Case number")
    assert "IP-" in (receipt.text or "")
    assert stored_draft(running_bot) is None

    # Every press was answered, and an answered question lost its buttons.
    presses = fake.calls("answerCallbackQuery")
    assert presses and all(r.ok for r in presses)
    assert fake.calls("editMessageReplyMarkup")
    assert not any(m.buttons for m in fake.messages(CLAIMANT)[:-3] if m.edits)

    card = await fake.wait_for_message(
        STAFF_CHAT_ID, lambda m: "Case IP-" in (m.text or ""), after=0
    )
    assert "Anna Smirnova" in (card.text or "")
    assert card.buttons  # the staff's actions on the case
    await fake.wait_until(
        lambda: len([m for m in fake.messages(STAFF_CHAT_ID) if m.document]) >= 5, 10
    )
    uploaded = [m.document for m in fake.messages(STAFF_CHAT_ID) if m.document]
    names = sorted(d.file_name for d in uploaded if d)
    photo_name = next(n for n in names if n.startswith("photo_"))
    assert names == sorted(
        [photo_name, "test-purchase.pdf", "original.png", "licence.pdf", "register.pdf"]
    )
    assert {d.data for d in uploaded if d} >= {png(1), png(2), pdf("register")}
    assert fake.calls("sendMediaGroup") and fake.calls("sendDocument")
    assert all(r.ok for r in fake.requests), fake.dump()


async def test_a_sticker_at_the_links_step_is_explained(
    fake: FakeTelegram, running_bot: RunningPtbBot
) -> None:
    anna = Claimant(fake, CLAIMANT)
    await reach_links_step(anna)
    before = stored_draft(running_bot)
    assert before is not None and before[0]["step"] == "links"

    baseline = fake.messages(CLAIMANT)[-1]
    fake.user_sends_sticker(CLAIMANT)
    answer = await fake.wait_for_message(CLAIMANT, after=baseline)
    assert "Please send the listing link(s) as text" in (answer.text or "")
    await asyncio.sleep(SETTLE)
    assert stored_draft(running_bot) == before

    await anna.says("https://aliexpress.ru/item/1005001234567890.html", expect="Links saved: 1")
    after = stored_draft(running_bot)
    assert after is not None and after[1] > before[1]


async def test_an_album_of_three_photos_is_answered_once(
    fake: FakeTelegram, running_bot: RunningPtbBot
) -> None:
    anna = Claimant(fake, CLAIMANT)
    await reach_links_step(anna)
    await anna.says("https://aliexpress.ru/item/1005001234567890.html", expect="Links saved: 1")
    await anna.presses("Done", expect="Step 6 of 10")

    baseline = fake.messages(CLAIMANT)[-1]
    fake.user_sends_album(CLAIMANT, [("photo", png(i), None, None) for i in (1, 2, 3)])
    answer = await fake.wait_for_message(CLAIMANT, after=baseline)
    assert "Received 3 files from the album" in (answer.text or "")
    await asyncio.sleep(SETTLE * 3)
    assert [m.message_id for m in fake.messages(CLAIMANT)][-1] == answer.message_id
    assert fake.calls("getFile") and len(fake.calls("getFile")) == 3

    draft = stored_draft(running_bot)
    assert draft is not None
    assert len([f for f in draft[0]["files"] if f["section"] == "evidence"]) == 3
