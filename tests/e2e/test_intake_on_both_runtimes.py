"""The claimant's intake on both runtimes (aiogram, and python-telegram-bot through its real HTTP
client, httpx), against the fake Bot API: the same conversation drawn by each runtime."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
from typing import Any

from storage.backends.sqlite import DB_FILENAME
from tests.e2e.claimant import PROMPTS, Claimant, Complaint, pdf, png
from tests.e2e.conftest import CLAIMANT, STAFF_CHAT_ID, STAFF_MEMBER, RunningBot, StartBot
from tests.e2e.staff.conftest import staff_presses
from tests.fake_telegram import FakeTelegram

SETTLE = 0.3  # album_settle_seconds in the e2e settings

COPYRIGHT = Complaint(
    role="holder",
    right="copyright",
    work="Photo series “Autumn <Moscow>”, 2023",
    holder="Anna Smirnova",
    infringement="The sellers use my photos in their listings",
    evidence=(("photo", png(1)), ("test-purchase.pdf", pdf("purchase"))),
    rights_docs=(("original.png", png(2)), ("licence.pdf", pdf("licence"))),
    authority_docs=(("register.pdf", pdf("register")),),
)


def stored_draft(bot: RunningBot) -> tuple[dict[str, Any], int] | None:
    """The claimant's live draft and its revision, read from the SQLite file itself."""
    with contextlib.closing(sqlite3.connect(bot.data_dir / DB_FILENAME)) as db:
        row = db.execute(
            "SELECT data, revision FROM drafts WHERE user_id = ? AND data IS NOT NULL",
            (CLAIMANT,),
        ).fetchone()
    return None if row is None else (json.loads(row[0]), row[1])


async def test_holder_files_a_copyright_complaint(
    fake: FakeTelegram, start_either_runtime: StartBot
) -> None:
    running_bot = await start_either_runtime()
    anna = Claimant(fake, CLAIMANT)
    await anna.reaches("contact_phone", COPYRIGHT)
    # The phone shared as a contact is taken as the typed number.
    baseline = fake.messages(CLAIMANT)[-1]
    fake.user_sends_contact(CLAIMANT, "+79161234567")
    await fake.wait_for_message(
        CLAIMANT, lambda m: PROMPTS["disclosure"] in (m.text or ""), after=baseline
    )
    review = await anna.reaches_from("disclosure", "review", COPYRIGHT)
    assert "Autumn <Moscow>" in (review.text or "")
    assert "Phone: +7 916 123-45-67" in (review.text or "")
    receipt = await anna.presses("Submit", expect="Case number")
    assert "IP-" in (receipt.text or "")
    assert stored_draft(running_bot) is None

    # Every press was answered; no call was spent removing the buttons of an answered question
    # (issue 6: a press on them later is answered as out of date).
    assert fake.callback_answers
    assert all(r.ok for r in fake.calls("answerCallbackQuery"))
    assert not [r for r in fake.calls("editMessageReplyMarkup") if r.params["chat_id"] == CLAIMANT]

    # The staff group: the card (the dossier PDF's caption) with its buttons, and on demand
    # every file the claimant sent.
    card = await fake.wait_for_message(
        STAFF_CHAT_ID, lambda m: "IP-" in m.content and bool(m.buttons), after=0, timeout=10
    )
    assert "Anna Smirnova" in card.content
    sent_names = {"test-purchase.pdf", "original.png", "licence.pdf", "register.pdf"}
    await staff_presses(fake, STAFF_MEMBER, card, "Files")
    await fake.wait_until(
        lambda: len([m for m in fake.messages(STAFF_CHAT_ID) if m.document]) >= 6, 10
    )
    documents = [m.document for m in fake.messages(STAFF_CHAT_ID) if m.document]
    names = [d.file_name for d in documents]
    assert sent_names <= set(names)
    assert len([n for n in names if n and n.startswith("photo_")]) == 1
    uploaded = {d.data for d in documents}
    for data in (png(1), pdf("purchase"), png(2), pdf("licence"), pdf("register")):
        assert data in uploaded
    # Both upload shapes went through PTB's multipart encoding.
    assert [r for r in fake.calls("sendMediaGroup") if r.ok]
    assert [r for r in fake.calls("sendDocument") if r.ok]
    assert all(r.ok for r in fake.requests), fake.dump()


async def test_a_sticker_at_the_links_step_is_explained(
    fake: FakeTelegram, start_either_runtime: StartBot
) -> None:
    running_bot = await start_either_runtime()
    anna = Claimant(fake, CLAIMANT)
    await anna.reaches("links", COPYRIGHT)
    before = stored_draft(running_bot)
    assert before is not None and before[0]["step"] == "links"

    answer = await anna.sends_sticker()
    assert "Please send the listing link(s) as text" in (answer.text or "")
    await asyncio.sleep(SETTLE)
    assert stored_draft(running_bot) == before
    assert not fake.calls("getFile")  # nothing downloaded for a message no step takes

    await anna.says(COPYRIGHT.link, expect="Links saved: 1")
    after = stored_draft(running_bot)
    assert after is not None and after[1] > before[1] and after[0]["links"]


async def test_an_album_of_three_photos_is_answered_once(
    fake: FakeTelegram, start_either_runtime: StartBot
) -> None:
    running_bot = await start_either_runtime()
    anna = Claimant(fake, CLAIMANT)
    prompt = await anna.reaches("evidence_files", COPYRIGHT)

    answer = await anna.sends_album([("photo", png(i), None, None) for i in (11, 12, 13)])
    assert "Received 3 files from the album" in (answer.text or "")
    redrawn = await anna.until_button("Done", after=answer.message_id)
    await asyncio.sleep(SETTLE * 3)  # no late answer for any single item of the album
    after_prompt = [m for m in fake.messages(CLAIMANT) if m.message_id > prompt.message_id]
    assert [m.message_id for m in after_prompt] == [answer.message_id, redrawn.message_id]
    assert len(fake.calls("getFile")) == 3

    draft = stored_draft(running_bot)
    assert draft is not None
    assert len([f for f in draft[0]["files"] if f["section"] == "evidence"]) == 3
