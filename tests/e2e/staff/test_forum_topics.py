"""A staff group that is a forum gets a topic per case (STAFF_TOPICS): the card (the dossier
PDF's caption) and the files on demand in it, and the claimant's answers under the card, in the
same topic."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.claimant import pdf
from tests.e2e.conftest import CLAIMANT, STAFF_CHAT_ID, STAFF_MEMBER, RunningBot
from tests.e2e.staff.conftest import file_complaint, staff_presses, staff_replies
from tests.fake_telegram import FakeTelegram


@pytest.fixture
async def forum_bot(fake: FakeTelegram, tmp_path: Path) -> AsyncIterator[RunningBot]:
    fake.chats[STAFF_CHAT_ID].is_forum = True
    bot = RunningBot(fake, tmp_path / "data", staff_topics=True)
    await bot.start()
    yield bot
    await bot.stop()


async def test_each_case_has_a_topic_with_everything_in_it(
    fake: FakeTelegram, forum_bot: RunningBot
) -> None:
    filed = await file_complaint(fake, forum_bot, CLAIMANT)
    topics = fake.calls("createForumTopic")
    assert len(topics) == 1 and topics[0].params["name"].startswith(filed.number)
    thread = topics[0].result["message_thread_id"]
    case_messages = [m for m in fake.messages(STAFF_CHAT_ID) if m.message_thread_id == thread]
    assert filed.card in case_messages
    # One message: the card is the caption of the dossier PDF (issue 8).
    assert case_messages == [filed.card]
    assert filed.card.document is not None
    assert filed.card.document.file_name == f"{filed.number}.pdf"
    outside = [
        m for m in fake.messages(STAFF_CHAT_ID) if m.message_thread_id != thread and not m.deleted
    ]
    assert not [m for m in outside if filed.number in m.content]

    # The files on demand come into the topic, under the card.
    await staff_presses(fake, STAFF_MEMBER, filed.card, "Files")
    album = await fake.wait_for_message(
        STAFF_CHAT_ID, lambda m: m.document is not None and m is not filed.card, after=0
    )
    assert album.message_thread_id == thread

    # The question and the answer stay in the case's topic.
    sent = await staff_replies(fake, STAFF_MEMBER, filed.card, "Please send the certificate again.")
    assert sent.message_thread_id == thread
    await filed.claimant.presses("Answer", expect="Send your answer")
    await filed.claimant.sends_document(
        pdf("again"), "again.pdf", "application/pdf", expect="Added to your answer"
    )
    posted = await fake.wait_for_message(
        STAFF_CHAT_ID,
        lambda m: m.document is not None and m.document.file_name == "again.pdf",
        after=0,
    )
    assert posted.reply_to_message_id == filed.card.message_id
    assert posted.message_thread_id == thread
