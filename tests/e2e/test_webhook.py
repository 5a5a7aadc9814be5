"""Webhook mode: Telegram POSTs updates to the bot's own HTTP server (here on 127.0.0.1) with the
secret token; the bot answers through the Bot API as in polling mode. A POST without the secret
is refused and changes nothing."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from pydantic import SecretStr

from bot.serving.aiogram_app import AiogramApp
from bot.serving.ptb_app import PtbApp
from tests.e2e.conftest import CLAIMANT, settings_for
from tests.fake_telegram import FakeTelegram

SECRET = "webhook-secret-for-tests"
PUBLIC_URL = "https://intake.example.test"
REFUSED = {401, 403}  # aiogram answers 401, PTB (tornado) 403


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(params=[AiogramApp, PtbApp], ids=["aiogram", "ptb"])
async def webhook_bot(
    fake: FakeTelegram, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[str]:
    port = free_port()
    settings = settings_for(fake, tmp_path / "data").model_copy(
        update={
            "webhook_url": PUBLIC_URL,
            "webhook_host": "127.0.0.1",
            "webhook_port": port,
            "webhook_secret": SecretStr(SECRET),
        }
    )
    app = await request.param.create(settings)
    task = asyncio.create_task(app.run())
    await fake.wait_for_request("setWebhook", timeout=5)
    yield f"http://127.0.0.1:{port}{settings.webhook_path}"
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def post(url: str, update: dict, secret: str | None) -> int:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
    async with aiohttp.ClientSession() as http, http.post(url, json=update, headers=headers) as r:
        return r.status


async def test_updates_posted_to_the_webhook_are_answered(
    fake: FakeTelegram, webhook_bot: str
) -> None:
    registered = fake.calls("setWebhook")[-1].params
    assert registered["url"] == PUBLIC_URL + "/telegram"
    assert registered["secret_token"] == SECRET
    assert not fake.calls("getUpdates")  # no polling beside the webhook

    start = fake.user_sends_text(CLAIMANT, "/start")
    assert await post(webhook_bot, dict(start), SECRET) == 200
    welcome = await fake.wait_for_message(CLAIMANT, after=0)
    assert "A complaint about an infringement of exclusive rights" in (welcome.text or "")

    forged = fake.user_sends_text(CLAIMANT, "/help")
    assert await post(webhook_bot, dict(forged), "wrong-secret") in REFUSED
    assert await post(webhook_bot, dict(forged), None) in REFUSED
    await asyncio.sleep(0.3)  # give a wrongly accepted update time to be answered
    assert [m.message_id for m in fake.messages(CLAIMANT)] == [welcome.message_id]


async def test_a_press_is_answered_in_the_webhook_response_on_aiogram(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    """Issue 6 (the hot path): aiogram puts a press's answerCallbackQuery in the webhook's HTTP
    response, so a press costs one Bot API call fewer; the reply itself goes by the outbox."""
    port = free_port()
    settings = settings_for(fake, tmp_path / "data").model_copy(
        update={
            "webhook_url": PUBLIC_URL,
            "webhook_host": "127.0.0.1",
            "webhook_port": port,
            "webhook_secret": SecretStr(SECRET),
        }
    )
    app = await AiogramApp.create(settings)
    task = asyncio.create_task(app.run())
    url = f"http://127.0.0.1:{port}{settings.webhook_path}"
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    try:
        await fake.wait_for_request("setWebhook", timeout=5)
        assert await post(url, dict(fake.user_sends_text(CLAIMANT, "/start")), SECRET) == 200
        welcome = await fake.wait_for_message(CLAIMANT, lambda m: bool(m.buttons), after=0)
        press = fake.user_presses(CLAIMANT, welcome, text=welcome.button_texts[0])
        async with (
            aiohttp.ClientSession() as http,
            http.post(url, json=dict(press), headers=headers) as response,
        ):
            assert response.status == 200
            body = await response.read()
        assert b"answerCallbackQuery" in body
        assert press["callback_query"]["id"].encode() in body
        await fake.wait_for_message(CLAIMANT, lambda m: "Step 1 of 10" in (m.text or ""), after=0)
        assert not fake.calls("answerCallbackQuery")  # not a call of its own
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
