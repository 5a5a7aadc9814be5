"""Issue 14, section 2: Telegram's error classes, each handled as it means, alike on aiogram and
python-telegram-bot (`bot/outbox/send_errors.py` is the table).

Before: a 413 was retried for ever (aiogram's TelegramEntityTooLarge is a network error; PTB
raises NetworkError); a 401 gave receipts and cards up after three tries; a staff group
upgraded to a supergroup lost its cards; a claimant who blocked the bot was only a log line.
Each test here goes through the real framework over HTTP to the fake Bot API."""

from __future__ import annotations

import asyncio
import io
import logging
import random
import zipfile
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr

from bot.outbox.messages import Document, Text, bot_call
from bot.outbox.queue import queue
from bot.outbox.send_errors import ErrorClass, SendFailed
from bot.staff import files_on_demand
from bot.staff.routing import migrated_staff_groups
from storage.chat_states import ChatStates
from tests.bot.ops.test_metrics import free_port, scrape, value
from tests.e2e.claimant import Claimant, Complaint, pdf, png
from tests.e2e.conftest import CLAIMANT, STAFF_CHAT_ID, STAFF_MEMBER, RunningBot
from tests.e2e.staff.conftest import (
    NUMBER,
    button_text,
    case_of,
    file_complaint,
    outbox_drained,
    staff_presses,
)
from tests.fake_telegram import FakeTelegram

StartBot = Callable[..., Awaitable[RunningBot]]

NEW_TOKEN = "123456:ROTATED"
BASIC_GROUP = -4001  # a basic group: Telegram upgrades it to a supergroup with a new id
SUPERGROUP = -1004001
BORIS = 1002


def blob(seed: int, size: int) -> bytes:
    """A PDF-looking file of `size` incompressible bytes (a ZIP does not shrink it)."""
    return pdf(f"exhibit {seed}") + random.Random(seed).randbytes(size)


def app_of(bot: RunningBot) -> Any:
    assert bot.app is not None
    return bot.app


async def outbox_rows(bot: RunningBot) -> list[dict[str, Any]]:
    async with app_of(bot).storage.db.read() as conn:
        rows = await conn.execute_fetchall(
            "SELECT id, chat_id, attempts, sent_at, gave_up_at FROM outbox ORDER BY id"
        )
    return [dict(row) for row in rows]


def calls_to(fake: FakeTelegram, chat_id: int) -> list[Any]:
    return [r for r in fake.requests if r.params.get("chat_id") == chat_id]


# --- the table, row by row: each runtime's transport classifies alike ---------------------------


async def test_each_answer_of_telegram_falls_in_its_class_on_both_runtimes(
    fake: FakeTelegram, start_either_runtime: StartBot
) -> None:
    bot = await start_either_runtime()
    transport = app_of(bot).outbox.transport
    files = app_of(bot).storage.files
    text = {"chat_id": CLAIMANT, "text": "hello", "parse_mode": "HTML"}
    fake.add_group(BASIC_GROUP, "Old staff", members={STAFF_MEMBER: "administrator"})
    fake.add_group(-1009, "Gone", members={fake.bot_id: "kicked"})
    big = Document(chat_id=STAFF_CHAT_ID, sha256=await files.put_async(b"x" * 4096), filename="a")
    upload = bot_call(big)

    async def answer(method: str, params: dict[str, Any]) -> SendFailed:
        with pytest.raises(SendFailed) as failed:
            await transport.call(method, params)
        return failed.value

    fake.flood("sendMessage", retry_after=7)
    flood = await answer("sendMessage", text)
    assert (flood.error_class, flood.seconds) == (ErrorClass.FLOOD, 7)
    fake.fail_next("sendMessage", error_code=502)
    assert (await answer("sendMessage", text)).error_class is ErrorClass.UNREACHABLE
    fake.drop_next("sendMessage", after_delivery=False)
    assert (await answer("sendMessage", text)).error_class is ErrorClass.UNREACHABLE
    fake.max_upload_size = 1024
    assert (await answer(upload.method, upload.params)).error_class is ErrorClass.TOO_LARGE
    fake.fail_next("sendMessage", error_code=401)
    assert (await answer("sendMessage", text)).error_class is ErrorClass.UNAUTHORIZED
    fake.migrate_group(BASIC_GROUP, SUPERGROUP)
    moved = await answer("sendMessage", {**text, "chat_id": BASIC_GROUP})
    assert (moved.error_class, moved.migrate_to_chat_id) == (ErrorClass.MIGRATED, SUPERGROUP)
    fake.user_blocks_bot(CLAIMANT)
    assert (await answer("sendMessage", text)).error_class is ErrorClass.BLOCKED
    kicked = await answer("sendMessage", {**text, "chat_id": -1009})
    assert kicked.error_class is ErrorClass.REFUSED  # a 403 that is not a blocking claimant
    fake.user_blocks_bot(CLAIMANT, blocked=False)
    refused = await answer("sendMessage", {**text, "text": "<b>unclosed"})
    assert refused.error_class is ErrorClass.REFUSED
    assert (await transport.call("sendMessage", text))["text"] == "hello"


# --- 401: stop, keep everything, say so; a restart with a valid token delivers it once ---------


async def test_a_revoked_token_stops_sending_keeps_the_queue_and_resumes_after_a_restart(
    fake: FakeTelegram, start_either_runtime: StartBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    port = free_port()
    bot = await start_either_runtime(metrics_port=port)
    storage = app_of(bot).storage
    fake.rotate_token(NEW_TOKEN)  # revoked in @BotFather while the bot runs
    chats = [CLAIMANT, STAFF_MEMBER, STAFF_CHAT_ID]
    async with storage.db.transaction() as conn:
        for i, chat in enumerate(chats):
            await queue(conn, storage, Text(chat_id=chat, text=f"kept {i}"), key=f"kept:{i}")
    app_of(bot).outbox.kick()

    def refused_sends() -> list[Any]:
        return [r for r in fake.requests if r.method == "sendMessage" and r.error_code == 401]

    await fake.wait_until(refused_sends, 5, message="no send refused with 401")
    await asyncio.sleep(1.5)  # several poll rounds: nothing more is tried
    tried = len(refused_sends())
    assert 1 <= tried <= len(chats)
    await asyncio.sleep(1.0)
    assert len(refused_sends()) == tried
    rows = [r for r in await outbox_rows(bot) if r["sent_at"] is None]
    assert len(rows) == 3
    assert all(r["gave_up_at"] is None and r["attempts"] == 0 for r in rows)
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{port}/healthz") as response,
    ):
        assert response.status == 503
        assert "refused the bot token" in await response.text()
    assert value(await scrape(port), "ipintake_token_refused") == 1
    said = [r for r in caplog.records if "refused the bot token" in r.getMessage()]
    assert len(said) == 1 and said[0].levelno == logging.CRITICAL

    await bot.stop()
    restarted = await start_either_runtime(bot_token=SecretStr(NEW_TOKEN), metrics_port=port)
    await outbox_drained(fake, restarted)
    for i, chat in enumerate(chats):
        assert [m.text for m in fake.messages(chat) if m.text == f"kept {i}"] == [f"kept {i}"]
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{port}/healthz") as response,
    ):
        assert response.status == 200
    assert value(await scrape(port), "ipintake_token_refused") == 0


# --- 400 migrate_to_chat_id: the staff group's new id, recorded and followed --------------------


async def test_a_staff_group_upgraded_to_a_supergroup_gets_its_cards_at_the_new_id(
    fake: FakeTelegram, start_either_runtime: StartBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    fake.add_group(BASIC_GROUP, "IP team", members={STAFF_MEMBER: "administrator"})
    fake.add_user(BORIS, first_name="Boris", language_code="en")
    bot = await start_either_runtime(staff_chat_id=BASIC_GROUP)
    fake.migrate_group(BASIC_GROUP, SUPERGROUP)  # an admin turned on a supergroup feature

    first = await submit(fake, CLAIMANT)
    card = await fake.wait_for_message(
        SUPERGROUP, lambda m: f"Case {first}" in m.content, after=0, timeout=10
    )
    await outbox_drained(fake, bot)
    old = calls_to(fake, BASIC_GROUP)
    assert len(old) == 1 and old[0].error_code == 400  # tried once, then followed
    assert fake.messages(BASIC_GROUP) == []
    app = app_of(bot)
    assert await migrated_staff_groups(app.storage, app.settings) == {BASIC_GROUP: SUPERGROUP}
    told = [r.getMessage() for r in caplog.records if "is now the supergroup" in r.getMessage()]
    assert len(told) == 1 and str(SUPERGROUP) in told[0]

    # The next case goes to the new id directly; staff act on cards there.
    second = await submit(fake, BORIS)
    await fake.wait_for_message(
        SUPERGROUP, lambda m: f"Case {second}" in m.content, after=0, timeout=10
    )
    await outbox_drained(fake, bot)
    assert len(calls_to(fake, BASIC_GROUP)) == 1
    update = fake.user_presses_in_group(
        SUPERGROUP, STAFF_MEMBER, card, text=button_text(card, "Take")
    )
    answer = await fake.wait_for_callback_answer(update)
    assert f"You took {first}" in answer.get("text", "")
    await fake.wait_until(lambda: "Assigned to: Sergey" in card.content)

    # Recorded for good: a restart sends there without asking the old id again.
    await bot.stop()
    bot = await start_either_runtime(staff_chat_id=BASIC_GROUP)
    await staff_presses_in(fake, SUPERGROUP, card, "Files")
    await outbox_drained(fake, bot)
    assert len(calls_to(fake, BASIC_GROUP)) == 1


async def submit(fake: FakeTelegram, user_id: int) -> str:
    claimant = Claimant(fake, user_id)
    await claimant.reaches("review")
    receipt = await claimant.presses("Submit", expect="Case number")
    found = NUMBER.search(receipt.text or "")
    assert found, receipt.text
    return found.group()


async def staff_presses_in(fake: FakeTelegram, chat_id: int, card: Any, label: str) -> None:
    update = fake.user_presses_in_group(chat_id, STAFF_MEMBER, card, text=button_text(card, label))
    await fake.wait_for_callback_answer(update)


# --- 403 blocked by the user: unreachable, on the card, no retry ---------------------------------


async def test_a_claimant_who_blocked_the_bot_is_shown_on_the_card_and_not_retried(
    fake: FakeTelegram, start_either_runtime: StartBot
) -> None:
    bot = await start_either_runtime()
    filed = await file_complaint(fake, bot, CLAIMANT)
    assert "blocked the bot" not in filed.card.content
    fake.user_blocks_bot(CLAIMANT)
    await staff_presses(fake, STAFF_MEMBER, filed.card, "Take")  # the claimant would be told
    await fake.wait_until(lambda: "blocked the bot" in filed.card.content, timeout=10)
    await outbox_drained(fake, bot)
    await asyncio.sleep(1.0)  # retries, had there been any, would come within this
    blocked = [r for r in calls_to(fake, CLAIMANT) if r.error_code == 403]
    assert len(blocked) == 1
    storage = app_of(bot).storage
    assert await ChatStates(storage.db).is_unreachable(CLAIMANT)
    given_up = [r for r in await outbox_rows(bot) if r["gave_up_at"] is not None]
    assert [(r["chat_id"], r["attempts"]) for r in given_up] == [(CLAIMANT, 1)]

    # Unblocked: the next message gets through and the mark is lifted.
    fake.user_blocks_bot(CLAIMANT, blocked=False)
    await Claimant(fake, CLAIMANT).says("/status", expect=filed.number)
    await fake.wait_until(
        lambda: _reachable(storage, CLAIMANT), 5, message="still marked unreachable"
    )


async def _reachable(storage: Any, chat_id: int) -> bool:
    return not await ChatStates(storage.db).is_unreachable(chat_id)


# --- 413: the ZIP in parts under the limit; what still cannot go, named, never retried ---------


async def test_a_zip_over_the_upload_limit_comes_in_parts_each_under_it(
    fake: FakeTelegram, start_either_runtime: StartBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = await start_either_runtime()
    evidence = tuple((f"exhibit{i}.pdf", blob(i, 30_000)) for i in range(9))
    filed = await file_complaint(fake, bot, CLAIMANT, Complaint(evidence=evidence))
    storage = app_of(bot).storage
    case = await case_of(bot, filed.number)
    assert len(case.draft.files) == 11  # more than an album: the ZIP
    zip_sha = await storage.cases.dossier_zip(case.id)
    whole = await storage.files.read_async(zip_sha)
    with zipfile.ZipFile(io.BytesIO(whole)) as archive:
        largest = max(i.compress_size for i in archive.infolist())
        original = {i.filename: archive.read(i) for i in archive.infolist()}
    limit = max(largest + 2_000, len(whole) // 3 + 1)
    assert len(whole) > limit
    fake.max_upload_size = limit  # Telegram's limit, scaled down with the bot's parts
    monkeypatch.setattr(files_on_demand, "ZIP_PART_BYTES", limit)

    await staff_presses(fake, STAFF_MEMBER, filed.card, "Files")
    await outbox_drained(fake, bot, timeout=15)
    parts = [
        m
        for m in fake.messages(STAFF_CHAT_ID)
        if m.document and ".part" in (m.document.file_name or "")
    ]
    assert len(parts) >= 3
    assert all(p.document and p.document.file_size <= limit for p in parts)
    assert all(p.reply_to_message_id == filed.card.message_id for p in parts)
    assert f"part 1 of {len(parts)}" in parts[0].content
    unpacked: dict[str, bytes] = {}
    for part in parts:
        assert part.document and part.document.data
        with zipfile.ZipFile(io.BytesIO(part.document.data)) as archive:
            unpacked.update({i.filename: archive.read(i) for i in archive.infolist()})
    assert unpacked == original  # unpacked together: the whole dossier, byte for byte
    assert [r for r in fake.requests if r.error_code == 413] == []


async def test_what_telegram_still_finds_too_large_is_named_once_and_never_sent_again(
    fake: FakeTelegram, start_either_runtime: StartBot
) -> None:
    bot = await start_either_runtime()
    complaint = Complaint(evidence=(("photo", png(1)), ("big.pdf", blob(1, 200_000))))
    filed = await file_complaint(fake, bot, CLAIMANT, complaint)
    fake.max_upload_size = 150_000  # the big file, and any ZIP holding it, are over it

    # The album: 413, given up at once; staff told what and how to get it.
    await staff_presses(fake, STAFF_MEMBER, filed.card, "Files")
    notice = await fake.wait_for_message(
        STAFF_CHAT_ID, lambda m: "would not take" in m.content, timeout=10
    )
    assert "big.pdf" in notice.content and f"python -m bot export {filed.number}" in notice.content
    assert notice.reply_to_message_id == filed.card.message_id
    await fake.wait_until(lambda: "only in the ZIP" in filed.card.content)

    # Pressed again: the ZIP (it holds what was refused) is too large too: named, not retried.
    await staff_presses(fake, STAFF_MEMBER, filed.card, "Files")
    second = await fake.wait_for_message(
        STAFF_CHAT_ID, lambda m: f"{filed.number}.zip" in m.content, after=notice, timeout=10
    )
    assert f"python -m bot export {filed.number}" in second.content
    await outbox_drained(fake, bot)
    await asyncio.sleep(1.0)  # a retry, had there been one, would come within this
    too_large = [r for r in fake.requests if r.error_code == 413]
    assert [r.method for r in too_large] == ["sendMediaGroup", "sendDocument"]
    given_up = [r for r in await outbox_rows(bot) if r["gave_up_at"] is not None]
    assert [r["attempts"] for r in given_up] == [1, 1]


async def test_a_card_whose_dossier_pdf_is_too_large_comes_as_text_with_the_notice(
    fake: FakeTelegram, start_either_runtime: StartBot
) -> None:
    bot = await start_either_runtime()
    fake.max_upload_size = 1_000  # less than any dossier PDF
    filed = await file_complaint(fake, bot, CLAIMANT)
    card = filed.card
    assert card.document is None and card.text is not None  # the card, as a text
    assert "🙋 Take" in card.button_texts
    notice = await fake.wait_for_message(
        STAFF_CHAT_ID, lambda m: "would not take" in m.content, after=0, timeout=10
    )
    assert f"{filed.number}.pdf" in notice.content
    assert notice.reply_to_message_id == card.message_id
    await outbox_drained(fake, bot)
    assert [r.method for r in fake.requests if r.error_code == 413] == ["sendDocument"]
    answer = await staff_presses(fake, STAFF_MEMBER, card, "Take")  # staff act on it as ever
    assert f"You took {filed.number}" in answer.get("text", "")
