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

from bot.ptb import PtbApp
from bot.telegram.app import TelegramApp
from tests.e2e.conftest import CLAIMANT, settings_for
from tests.fake_telegram import FakeTelegram

SECRET = "webhook-secret-for-tests"
PUBLIC_URL = "https://intake.example.test"
REFUSED = {401, 403}  # aiogram answers 401, PTB (tornado) 403


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(params=[TelegramApp, PtbApp], ids=["aiogram", "ptb"])
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
    assert "Report an intellectual-property infringement" in (welcome.text or "")

    forged = fake.user_sends_text(CLAIMANT, "/help")
    assert await post(webhook_bot, dict(forged), "wrong-secret") in REFUSED
    assert await post(webhook_bot, dict(forged), None) in REFUSED
    await asyncio.sleep(0.3)  # give a wrongly accepted update time to be answered
    assert [m.message_id for m in fake.messages(CLAIMANT)] == [welcome.message_id]
