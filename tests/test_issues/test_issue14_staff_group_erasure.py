"""Issue 14 §4: erasing a case clears the staff group of it, within what Telegram allows.

The fake Bot API enforces Telegram's rule: a message sent 48 hours ago or more cannot be deleted
(400 "message can't be deleted"). Two cases are erased by the operator (`python -m bot erase`)
while the bot runs, on each runtime, with Telegram failing meanwhile (429 and 502): the fresh
case's messages are deleted; the old case's card becomes a neutral note without buttons and
names nobody, and the staff group is told, with a link to each, which messages to delete by
hand. Before, the bot asked Telegram to delete the old ones and gave up on the 400.
"""

from __future__ import annotations

from datetime import timedelta

from bot.ops.erasure import erase_user
from dialogs.model import utcnow
from storage.database import to_iso
from tests.bot.ops.cases import CLAIMANT_EMAIL, CLAIMANT_NAME, file_case
from tests.bot.ops.cli import bot_env, run_cli
from tests.e2e.conftest import STAFF_CHAT_ID, RunningBot
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.models import SentMessage

OLD, FRESH = 7301, 7302
TWO_DAYS = 49 * 3600


async def dossier_sent(fake: FakeTelegram, number: str) -> list[SentMessage]:
    def about() -> list[SentMessage]:
        return [m for m in fake.messages(STAFF_CHAT_ID) if number in m.content.split("\n", 1)[0]]

    await fake.wait_until(lambda: any(m.reply_markup for m in about()), 15, dump_chat=STAFF_CHAT_ID)
    return about()


async def test_erasing_a_case_clears_the_staff_group_or_says_what_to_delete_by_hand(
    fake: FakeTelegram, either_bot: RunningBot
) -> None:
    app = either_bot.app
    old = await file_case(app.storage, app.settings, OLD, seed=1, shared=False)
    fresh = await file_case(app.storage, app.settings, FRESH, seed=2, shared=False)
    app.outbox.kick()
    old_messages = await dossier_sent(fake, old.number)
    fresh_messages = await dossier_sent(fake, fresh.number)
    # Two days pass for the old case's messages, in Telegram and in the bot's records.
    old_ids = {m.message_id for m in old_messages}
    for m in old_messages:
        m.date -= TWO_DAYS
    async with app.storage.db.transaction() as conn:
        await conn.execute(
            "UPDATE outbox SET sent_at = ? WHERE case_id = ? AND chat_id = ?",
            (to_iso(utcnow() - timedelta(seconds=TWO_DAYS)), old.id, STAFF_CHAT_ID),
        )
    card = next(m for m in old_messages if m.reply_markup)
    assert any(CLAIMANT_NAME in m.content or CLAIMANT_EMAIL in m.content for m in old_messages)

    # Telegram fails meanwhile: a flood wait on the edit, a bad gateway on the report.
    fake.fail_next("editMessageText", error_code=429, retry_after=1)
    fake.fail_next("editMessageCaption", error_code=429, retry_after=1)
    fake.fail_next("sendMessage", error_code=502)
    fake.fail_next("deleteMessages", error_code=502)
    env = bot_env(fake, either_bot.data_dir)
    for number in (old.number, fresh.number):
        result = await run_cli("erase", "--case", number, env=env)
        assert result.code == 0, result.out + result.err
        if number == old.number:
            assert "cannot be deleted by the bot" in result.out
    app.outbox.kick()

    # The fresh case: every message deleted.
    await fake.wait_until(
        lambda: all(m.deleted for m in fresh_messages), 15, dump_chat=STAFF_CHAT_ID
    )

    # The old case: nothing it was too late to delete was asked for; the card is neutral.
    def report() -> list[SentMessage]:
        return [
            m
            for m in fake.messages(STAFF_CHAT_ID)
            if "delete" in m.content and old.number in m.content and m.message_id not in old_ids
        ]

    await fake.wait_until(report, 15, dump_chat=STAFF_CHAT_ID)
    await fake.wait_until(lambda: card.edits, 15, dump_chat=STAFF_CHAT_ID)
    assert not any(m.deleted for m in old_messages)
    refused = [c for c in fake.requests if not c.ok and "can't be deleted" in (c.description or "")]
    assert refused == []
    assert "erased" in card.content and old.number in card.content
    assert not card.reply_markup or not card.reply_markup.get("inline_keyboard")
    for personal in (CLAIMANT_NAME, CLAIMANT_EMAIL, str(OLD)):
        assert personal not in card.content
    (told,) = report()
    # A link to each message left, in the supergroup (-100…): t.me/c/<id>/<message>.
    internal = str(STAFF_CHAT_ID)[4:]
    links = {e["url"] for e in told.entities if e.get("type") == "text_link"}
    assert {f"https://t.me/c/{internal}/{i}" for i in old_ids} <= links, told.raw_text
    assert CLAIMANT_NAME not in told.content and CLAIMANT_EMAIL not in told.content

    # Erased again (the retention job, say): nothing more is queued or said.
    again = await erase_user(app.storage, app.settings, OLD, by="test")
    assert again.cases == [] and again.by_hand == {}


async def test_a_deletion_telegram_refuses_as_too_old_falls_back_to_the_same(
    fake: FakeTelegram, either_bot: RunningBot
) -> None:
    """The bot's records say the messages are fresh, Telegram says they are 48 hours old (the
    deletion waited in the outbox while the bot was down, say): refused with a 400, given up,
    and then the card is neutralised and the group told, as above."""
    app = either_bot.app
    case = await file_case(app.storage, app.settings, OLD, seed=3, shared=False)
    app.outbox.kick()
    messages = await dossier_sent(fake, case.number)
    ids = {m.message_id for m in messages}
    for m in messages:
        m.date -= TWO_DAYS  # in Telegram only
    card = next(m for m in messages if m.reply_markup)
    fake.fail_next("deleteMessages", error_code=502)  # a bad gateway first: tried again

    result = await run_cli("erase", "--case", case.number, env=bot_env(fake, either_bot.data_dir))
    assert result.code == 0, result.out + result.err
    app.outbox.kick()
    await fake.wait_until(
        lambda: any(
            not c.ok and "can't be deleted" in (c.description or "") for c in fake.requests
        ),
        15,
    )

    def report() -> list[SentMessage]:
        return [
            m
            for m in fake.messages(STAFF_CHAT_ID)
            if "delete" in m.content and case.number in m.content and m.message_id not in ids
        ]

    await fake.wait_until(report, 15, dump_chat=STAFF_CHAT_ID)
    await fake.wait_until(lambda: "erased" in card.content, 15, dump_chat=STAFF_CHAT_ID)
    assert not any(m.deleted for m in messages)
    assert CLAIMANT_NAME not in card.content and CLAIMANT_EMAIL not in card.content
    (told,) = report()
    internal = str(STAFF_CHAT_ID)[4:]
    links = {e["url"] for e in told.entities if e.get("type") == "text_link"}
    assert {f"https://t.me/c/{internal}/{i}" for i in ids} <= links
    assert len(fake.calls("deleteMessages")) == 2  # the 502, then the refusal: not retried
