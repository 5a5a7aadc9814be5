"""Tests of the fake Telegram Bot API server, driven through the real aiogram and PTB clients."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramNetworkError, TelegramRetryAfter
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaDocument,
    Message,
)

from tests.fake_telegram import FakeTelegram, SentMessage
from tests.fake_telegram.html_entities import HtmlParseError, parse_html

USER = 1001
STAFF = -100555


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        server.add_user(USER, first_name="Ann", language_code="en")
        yield server


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url))
    bot = Bot(fake.token, session=session)
    yield bot
    # AiohttpSession.close() sleeps 250 ms for TLS shutdown; plain HTTP doesn't need it
    if bot.session._session is not None:
        await bot.session._session.close()


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=t, callback_data=d)] for t, d in pairs]
    )


async def raw_call(
    fake: FakeTelegram, method: str, *, token: str | None = None, **kwargs: Any
) -> tuple[int, dict[str, Any]]:
    """POST directly (json= or data=) to check what the HTTP layer accepts."""
    url = f"{fake.base_url}/bot{token or fake.token}/{method}"
    async with aiohttp.ClientSession() as session, session.post(url, **kwargs) as resp:
        return resp.status, await resp.json()


# ---- end to end with an aiogram Dispatcher ----------------------------------------------------


async def test_dispatcher_polls_echoes_and_handles_callbacks(fake: FakeTelegram, bot: Bot) -> None:
    dp = Dispatcher()

    @dp.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(
            f"<b>echo:</b> {message.text}", parse_mode="HTML", reply_markup=keyboard(("OK", "ok"))
        )

    @dp.callback_query(F.data == "ok")
    async def pressed(query: CallbackQuery) -> None:
        assert isinstance(query.message, Message)
        await query.message.edit_text("confirmed")
        await query.answer("done")

    polling = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, polling_timeout=1, close_bot_session=False)
    )
    try:
        fake.user_sends_text(USER, "hello")
        reply = await fake.wait_for_message(USER)
        assert reply.text == "echo: hello"
        assert reply.entities == [{"type": "bold", "offset": 0, "length": 5}]
        assert reply.buttons == [[("OK", "ok")]]
        assert reply.button_texts == ["OK"]

        update = fake.user_presses(USER, reply, text="OK")
        answer = await fake.wait_for_callback_answer(update)
        assert answer["text"] == "done"
        assert reply.text == "confirmed"
        assert reply.reply_markup is None  # editing text without markup drops the keyboard
        assert reply.edits[0]["text"] == "echo: hello"
    finally:
        await dp.stop_polling()
        await asyncio.wait_for(polling, 5)


# ---- validation surfaced through aiogram -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<i>x</b>", 'Unmatched end tag at byte offset 4, expected "</i>", found "</b>"'),
        ("<br>", 'Unsupported start tag "br"'),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler"'),
    ],
)
async def test_bad_html_is_rejected(bot: Bot, text: str, reason: str) -> None:
    with pytest.raises(TelegramBadRequest, match="can't parse entities") as exc_info:
        await bot.send_message(USER, text, parse_mode="HTML")
    assert reason in exc_info.value.message


@pytest.mark.parametrize("data", ["x" * 65, "я" * 33, ""])
async def test_callback_data_limit_is_in_bytes(bot: Bot, data: str) -> None:
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(USER, "pick", reply_markup=keyboard(("A", data)))


async def test_callback_data_of_64_bytes_is_fine(fake: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(USER, "pick", reply_markup=keyboard(("A", "я" * 32)))
    assert fake.last_message(USER) is not None
    assert fake.last_message(USER).callback_datas == ["я" * 32]  # type: ignore[union-attr]


async def test_button_needs_exactly_one_action(bot: Bot) -> None:
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="x", callback_data="a", url="https://e.x")]]
    )
    with pytest.raises(TelegramBadRequest, match="exactly one"):
        await bot.send_message(USER, "pick", reply_markup=markup)


async def test_text_length_counts_after_entity_parsing(fake: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(USER, "a" * 4097)
    await bot.send_message(USER, "<b>" + "&lt;" * 4096 + "</b>", parse_mode="HTML")
    assert fake.last_message(USER).text == "<" * 4096  # type: ignore[union-attr]
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(USER, "<b> </b>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.send_document(USER, BufferedInputFile(b"x", "a.txt"), caption="c" * 1025)


async def test_unknown_chat_and_missing_or_unknown_params(fake: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(999, "hi")
    status, body = await raw_call(fake, "sendMessage", data={"chat_id": USER, "txt": "hi"})
    assert (status, body["ok"]) == (400, False)
    assert 'unexpected parameter "txt"' in body["description"]
    status, body = await raw_call(fake, "sendMessage", json={"chat_id": USER})
    assert body == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: message text is empty",
    }
    status, body = await raw_call(
        fake, "sendMessage", json={"chat_id": USER, "text": "x", "disable_notification": "maybe"}
    )
    assert status == 400 and "Boolean" in body["description"]
    status, body = await raw_call(fake, "sendMessage", json={"chat_id": USER, "text": "hi"})
    assert status == 200 and body["result"]["text"] == "hi"


async def test_token_method_and_case(fake: FakeTelegram) -> None:
    assert await raw_call(fake, "getMe", token="1:bad") == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    status, body = await raw_call(fake, "noSuchMethod")
    assert (status, body["description"]) == (404, "Not Found")
    status, body = await raw_call(fake, "GETME")
    assert status == 200 and body["result"]["username"] == "intake_test_bot"
    assert body["result"]["id"] == 123456 and body["result"]["is_bot"] is True


async def test_fail_next_surfaces_as_retry_after(fake: FakeTelegram, bot: Bot) -> None:
    fake.fail_next("sendMessage", retry_after=3)
    with pytest.raises(TelegramRetryAfter) as exc_info:
        await bot.send_message(USER, "hi")
    assert exc_info.value.retry_after == 3
    assert fake.messages(USER) == []
    await bot.send_message(USER, "hi")
    assert [m.text for m in fake.messages(USER)] == ["hi"]
    assert [(r.ok, r.error_code) for r in fake.calls("sendMessage")] == [(False, 429), (True, None)]
    fake.flood("sendmessage", retry_after=1, times=2)
    for _ in range(2):
        with pytest.raises(TelegramRetryAfter):
            await bot.send_message(USER, "again")


# ---- files -------------------------------------------------------------------------------------


async def test_uploaded_document_is_stored_with_bytes(fake: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_document(
        USER,
        BufferedInputFile(b"%PDF-1.4 body", filename="claim.pdf"),
        caption="<i>your</i> claim",
        parse_mode="HTML",
    )
    assert sent.document is not None and sent.document.file_name == "claim.pdf"
    stored = fake.last_message(USER)
    assert stored is not None and stored.document is not None
    assert stored.document.data == b"%PDF-1.4 body"
    assert stored.document.mime_type == "application/pdf"
    assert stored.caption == "your claim"
    # the file_id can be reused, and the bytes come back from the file endpoint
    await bot.send_document(USER, sent.document.file_id)
    assert fake.last_message(USER).document.uploaded is False  # type: ignore[union-attr]
    buffer = await bot.download(sent.document.file_id)
    assert isinstance(buffer, io.BytesIO) and buffer.getvalue() == b"%PDF-1.4 body"


async def test_user_document_download_and_size_limit(fake: FakeTelegram, bot: Bot) -> None:
    update = fake.user_sends_document(USER, b"evidence", "proof.png", "image/png")
    file_id = update["message"]["document"]["file_id"]
    buffer = await bot.download(file_id)
    assert isinstance(buffer, io.BytesIO) and buffer.getvalue() == b"evidence"

    big = fake.user_sends_document(
        USER, b"tiny", "big.zip", "application/zip", declared_size=30 * 1024 * 1024
    )
    assert big["message"]["document"]["file_size"] == 30 * 1024 * 1024
    with pytest.raises(TelegramBadRequest, match="file is too big"):
        await bot.get_file(big["message"]["document"]["file_id"])


async def test_media_group_with_attach_references(fake: FakeTelegram, bot: Bot) -> None:
    messages = await bot.send_media_group(
        USER,
        [
            InputMediaDocument(media=BufferedInputFile(b"one", "1.txt"), caption="first"),
            InputMediaDocument(media=BufferedInputFile(b"two", "2.txt")),
        ],
    )
    assert [m.document.file_name for m in messages if m.document] == ["1.txt", "2.txt"]
    stored = fake.messages(USER)
    assert [m.document.data for m in stored if m.document] == [b"one", b"two"]
    assert stored[0].media_group_id == stored[1].media_group_id is not None
    assert stored[0].caption == "first"


# ---- edits, groups, updates --------------------------------------------------------------------


async def test_edit_rules(fake: FakeTelegram, bot: Bot) -> None:
    msg = await bot.send_message(USER, "same", reply_markup=keyboard(("A", "a")))
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "same", chat_id=USER, message_id=msg.message_id, reply_markup=keyboard(("A", "a"))
        )
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=USER, message_id=9999)
    await bot.edit_message_reply_markup(chat_id=USER, message_id=msg.message_id)
    assert fake.message(USER, msg.message_id).buttons == []
    await bot.delete_message(USER, msg.message_id)
    assert fake.last_message(USER) is None
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(USER, msg.message_id)


async def test_groups_topics_and_members(fake: FakeTelegram, bot: Bot) -> None:
    fake.add_user(7, first_name="Boss")
    fake.add_user(8, first_name="Staffer")
    fake.add_group(STAFF, "IP staff", is_forum=True, members={7: "creator", 8: "member"})
    assert (await bot.get_chat_member(STAFF, 7)).status == "creator"
    assert (await bot.get_chat_member(STAFF, 8)).status == "member"
    assert (await bot.get_chat_member(STAFF, USER)).status == "left"
    admins = await bot.get_chat_administrators(STAFF)
    assert {a.user.id for a in admins} == {7, fake.bot_id}
    chat = await bot.get_chat(STAFF)
    assert chat.is_forum and chat.title == "IP staff"

    topic = await bot.create_forum_topic(STAFF, "Case 1")
    sent = await bot.send_message(STAFF, "new case", message_thread_id=topic.message_thread_id)
    assert sent.message_thread_id == topic.message_thread_id
    update = fake.user_sends_in_group(STAFF, 8, "on it", reply_to_message_id=sent.message_id)
    assert update["message"]["message_thread_id"] == topic.message_thread_id
    assert update["message"]["reply_to_message"]["text"] == "new case"
    with pytest.raises(TelegramBadRequest, match="message thread not found"):
        await bot.send_message(STAFF, "x", message_thread_id=424242)


async def test_get_updates_long_poll_and_offset(fake: FakeTelegram, bot: Bot) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await bot.get_updates(timeout=0) == []
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    fake.user_sends_command(USER, "start")
    updates = await asyncio.wait_for(poll, 2)
    assert loop.time() - started < 2
    assert updates[0].message is not None and updates[0].message.text == "/start"
    assert updates[0].message.entities[0].type == "bot_command"  # type: ignore[index]
    fake.user_sends_sticker(USER)
    assert len(await bot.get_updates(offset=updates[0].update_id)) == 2
    assert len(await bot.get_updates(offset=updates[0].update_id + 1)) == 1
    assert len(fake.updates) == 1


# ---- python-telegram-bot -----------------------------------------------------------------------


async def test_python_telegram_bot_encoding_is_accepted(fake: FakeTelegram) -> None:
    import telegram

    upload = fake.user_sends_photo(USER, b"\xff\xd8jpeg")
    ptb = telegram.Bot(
        fake.token, base_url=f"{fake.base_url}/bot", base_file_url=f"{fake.base_url}/file/bot"
    )
    async with ptb:
        markup = telegram.InlineKeyboardMarkup(
            [[telegram.InlineKeyboardButton("Yes", callback_data="yes")]]
        )
        msg = await ptb.send_message(
            USER, "<b>Hi</b> there", parse_mode="HTML", reply_markup=markup
        )
        assert msg.text == "Hi there"
        await ptb.send_document(USER, document=b"report", filename="report.txt", caption="r")
        photo_id = upload["message"]["photo"][-1]["file_id"]
        tg_file = await ptb.get_file(photo_id)
        assert bytes(await tg_file.download_as_bytearray()) == b"\xff\xd8jpeg"
        with pytest.raises(telegram.error.BadRequest, match=r"(?i)button_data_invalid"):
            bad = telegram.InlineKeyboardMarkup(
                [[telegram.InlineKeyboardButton("No", callback_data="n" * 65)]]
            )
            await ptb.send_message(USER, "x", reply_markup=bad)
    first, second = fake.messages(USER)
    assert first.buttons == [[("Yes", "yes")]]
    assert second.document is not None and second.document.data == b"report"
    assert second.document.file_name == "report.txt"


# ---- HTML parser unit checks -------------------------------------------------------------------


def test_html_parser_entities_use_utf16_offsets() -> None:
    text, entities = parse_html(
        '😀 <b>bold</b> &lt;tag&gt; &amp; &#169; &nbsp; <a href="https://x.y">l</a>'
    )
    assert text == "😀 bold <tag> & © &nbsp; l"
    assert entities[0] == {"type": "bold", "offset": 3, "length": 4}
    assert entities[1]["type"] == "text_link" and entities[1]["url"] == "https://x.y"


def test_html_parser_pre_code_blockquote() -> None:
    text, entities = parse_html(
        '<pre><code class="language-python">x = 1</code></pre><blockquote expandable>q</blockquote>'
    )
    assert text == "x = 1q"
    assert {"type": "pre", "offset": 0, "length": 5, "language": "python"} in entities
    assert {"type": "expandable_blockquote", "offset": 5, "length": 1} in entities
    with pytest.raises(HtmlParseError):
        parse_html("<b><i>x</b></i>")


def test_sent_message_helpers() -> None:
    msg = SentMessage(
        chat_id=1,
        message_id=2,
        method="sendMessage",
        date=0,
        text="t",
        reply_markup=json.loads('{"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}'),
    )
    assert msg.find_button(callback_data="a")["text"] == "A"
    with pytest.raises(AssertionError, match="no button"):
        msg.find_button(text="B")


async def test_waiting_helpers(fake: FakeTelegram, bot: Bot) -> None:
    update = await fake.user_sends_text(USER, "awaitable too")
    assert update["message"]["text"] == "awaitable too"
    first = await bot.send_message(USER, "one")
    with pytest.raises(AssertionError, match=r"no new bot message[\s\S]*'one'"):
        await fake.wait_for_message(USER, timeout=0.1)
    waiter = asyncio.create_task(fake.wait_for_message(USER, lambda m: "two" in m.content))
    await bot.send_message(USER, "two")
    assert (await waiter).message_id > first.message_id
    found = await fake.wait_for_message(USER, after=first.message_id)
    assert found.text == "two"
    callback = fake.forge_callback(USER, USER, 12345, "tampered")
    assert callback["callback_query"]["message"]["date"] == 0  # InaccessibleMessage
    await bot.answer_callback_query(callback["callback_query"]["id"], text="stale")
    assert (await fake.wait_for_callback_answer(callback))["text"] == "stale"
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(callback["callback_query"]["id"])


# ---- the faults Telegram produces every day ----------------------------------------------------


async def test_drop_after_delivery_performs_the_call_but_loses_the_answer(
    fake: FakeTelegram, bot: Bot
) -> None:
    fake.drop_next("sendMessage")
    with pytest.raises(TelegramNetworkError):
        await bot.send_message(USER, "delivered, unconfirmed")
    assert [m.text for m in fake.messages(USER)] == ["delivered, unconfirmed"]
    await bot.send_message(USER, "next")  # the fault was for one call only
    assert [m.text for m in fake.messages(USER)][-1] == "next"


async def test_drop_before_delivery_performs_nothing(fake: FakeTelegram, bot: Bot) -> None:
    fake.drop_next("*", after_delivery=False, times=2)
    for _ in range(2):
        with pytest.raises(TelegramNetworkError):
            await bot.send_message(USER, "lost")
    assert fake.messages(USER) == []
    assert [r.ok for r in fake.calls("sendMessage")] == [False, False]


@pytest.mark.parametrize("status", [502, 429, 0])
async def test_download_failures(fake: FakeTelegram, bot: Bot, status: int) -> None:
    update = fake.user_sends_document(USER, b"x" * 4096, "proof.pdf", "application/pdf")
    file_id = update["message"]["document"]["file_id"]
    fake.fail_download(file_id, error_code=status)
    with pytest.raises((TelegramNetworkError, aiohttp.ClientError)):
        await bot.download(file_id)
    buffer = await bot.download(file_id)  # the next try succeeds
    assert isinstance(buffer, io.BytesIO) and buffer.getvalue() == b"x" * 4096


async def test_an_update_delivered_again_and_out_of_order(fake: FakeTelegram, bot: Bot) -> None:
    first = fake.user_sends_text(USER, "one")
    second = fake.user_sends_text(USER, "two")
    fake.reverse_pending()
    got = await bot.get_updates(timeout=0)
    assert [u.update_id for u in got] == [second["update_id"], first["update_id"]]
    confirmed = await bot.get_updates(offset=second["update_id"] + 1, timeout=0)
    assert confirmed == []
    fake.deliver_again(first)
    again = await bot.get_updates(offset=second["update_id"] + 1, timeout=0)
    assert [u.update_id for u in again] == [first["update_id"]]
    assert await bot.get_updates(offset=second["update_id"] + 1, timeout=0) == []


async def test_descriptions_are_kept_per_language_and_limited(fake: FakeTelegram, bot: Bot) -> None:
    assert await bot.set_my_description("Report an infringement.")
    assert await bot.set_my_short_description("IP complaints", language_code="ru")
    assert fake.descriptions == {"": "Report an infringement."}
    assert fake.short_descriptions == {"ru": "IP complaints"}
    assert (await bot.get_my_short_description(language_code="ru")).short_description == (
        "IP complaints"
    )
    with pytest.raises(TelegramBadRequest):
        await bot.set_my_short_description("x" * 121)
    with pytest.raises(TelegramBadRequest):
        await bot.set_my_description("x" * 513)
    assert await bot.set_my_description("")  # an empty text removes it
    assert fake.descriptions == {}
