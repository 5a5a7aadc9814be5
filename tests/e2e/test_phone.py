"""What a filer on a phone expects, through both runtimes against the fake Bot API: a button
that shares the phone number, …"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tests.e2e.claimant import Claimant
from tests.e2e.conftest import CLAIMANT, RunningBot
from tests.fake_telegram import FakeTelegram

StartBot = Callable[..., Awaitable[RunningBot]]


async def test_the_phone_step_offers_to_share_the_number(
    fake: FakeTelegram, start_either_runtime: StartBot
) -> None:
    running = await start_either_runtime()
    anna = Claimant(fake, CLAIMANT)
    await anna.reaches("contact_phone")
    offer = await fake.wait_for_message(
        CLAIMANT, lambda m: "keyboard" in (m.reply_markup or {}), after=0
    )
    [button], *others = offer.reply_markup["keyboard"]  # type: ignore[index]
    assert button == {"text": "📱 Share my phone number", "request_contact": True}
    # The question itself carries the keyboard (issue 15: one message a step); Skip (the phone
    # is optional, issue 15 §4) and Back below.
    assert "Your phone number" in (offer.text or "")
    assert others == [[{"text": "Skip"}], [{"text": "⬅️ Back"}]]
    assert offer.reply_markup.get("one_time_keyboard") is True  # type: ignore[union-attr]

    baseline = anna._baseline()
    fake.user_sends_contact(CLAIMANT, "447911123456")  # Telegram may omit the "+"
    saved = await fake.wait_for_message(
        CLAIMANT, lambda m: "Phone saved" in (m.text or ""), after=baseline
    )
    assert saved.text == "☎️ Phone saved: +44 7911 123456"
    assert saved.reply_markup == {"remove_keyboard": True}  # the keyboard goes again
    await fake.wait_for_message(
        CLAIMANT, lambda m: "may redirect your request" in (m.text or ""), after=saved
    )
    draft = await running.app.storage.drafts.load(CLAIMANT)
    assert draft.answers["contact_phone"] == "+447911123456"


async def test_a_deep_link_from_the_listing_page_fills_it_in(
    fake: FakeTelegram, start_either_runtime: StartBot
) -> None:
    running = await start_either_runtime()
    baseline = 0
    fake.user_sends_command(CLAIMANT, "start", "item_1005001234567890")
    asked = await fake.wait_for_message(
        CLAIMANT, lambda m: "What is your complaint about?" in (m.text or ""), after=baseline
    )
    assert any(
        "The listing https://aliexpress.ru/item/1005001234567890.html is added" in (m.text or "")
        for m in fake.messages(CLAIMANT)
    )
    assert "a:screen_matter:infringement" in asked.callback_datas
    draft = await running.app.storage.drafts.load(CLAIMANT)
    assert draft.links == ["https://aliexpress.ru/item/1005001234567890.html"]
    assert draft.answers == {"screen_listing": "yes"}

    # A payload that is no listing: the plain welcome, nothing filled in.
    fake.user_sends_command(CLAIMANT + 1, "start", "promo2026")
    await fake.wait_for_message(
        CLAIMANT + 1, lambda m: "A complaint about an infringement" in (m.text or ""), after=0
    )
    other = await running.app.storage.drafts.load(CLAIMANT + 1)
    assert other.links == [] and other.step == "welcome"


async def test_the_empty_chat_and_shared_links_describe_the_bot_in_both_languages(
    fake: FakeTelegram, start_either_runtime: StartBot
) -> None:
    await start_either_runtime()
    assert set(fake.descriptions) == {"", "ru"}
    assert "trademark, patent or copyright on AliExpress" in fake.descriptions[""]
    assert "товарный знак" in fake.descriptions["ru"]
    assert set(fake.short_descriptions) == {"", "ru"}
    assert all(len(text) <= 120 for text in fake.short_descriptions.values())
    # The command menus, per language, list /status and /case too.
    for key, commands in fake.commands.items():
        assert {"start", "status", "case"} <= {c["command"] for c in commands}, key
    assert len(fake.commands) == 2


async def test_links_sent_as_a_csv_file(fake: FakeTelegram, start_either_runtime: StartBot) -> None:
    running = await start_either_runtime()
    anna = Claimant(fake, CLAIMANT)
    await anna.reaches("links")
    table = (
        "url;comment\r\n"
        "https://aliexpress.ru/item/1005000000000001.html;сумка\r\n"
        "https://aliexpress.ru/wholesale?SearchText=bag;поиск\r\n"
        "https://aliexpress.ru/item/1005000000000002.html;кошелёк\r\n"
    ).encode("cp1251")  # as Excel saves it in Russia
    report = await anna.sends_document(table, "links.csv", "text/csv", expect="Links saved: 2")
    text = report.text or ""
    assert "✅ https://aliexpress.ru/item/1005000000000001.html" in text
    assert "❌ https://aliexpress.ru/wholesale?SearchText=bag — this is a search page" in text
    draft = await running.app.storage.drafts.load(CLAIMANT)
    assert draft.links == [
        "https://aliexpress.ru/item/1005000000000001.html",
        "https://aliexpress.ru/item/1005000000000002.html",
    ]
    assert draft.files == []  # read, not attached as evidence
    refused = await anna.sends_document(b"\x00\x01" * 10, "links.txt", "text/plain", expect="⚠️")
    assert "cannot be read as a list of links" in (refused.text or "")
