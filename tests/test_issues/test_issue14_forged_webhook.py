"""Issue 14 §1: nobody but Telegram speaks to the webhook, WEBHOOK_SECRET set or not.

Without WEBHOOK_SECRET the bot registers a secret derived from its token. Forged updates POSTed
straight to the webhook (a staff member's Take on a real card, a stranger's /start) with no
secret header or a wrong one are refused and change nothing: no Bot API call, the card as it
was, nothing in the inbox. The fake Telegram's own deliveries, with the registered secret, are
handled. On aiogram and PTB in one process, and on the cluster receiver (PostgreSQL).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr, ValidationError

from bot.config.derived_keys import SECRET_HEADER, webhook_secret
from bot.config.settings import Settings
from bot.serving.aiogram_app import AiogramApp
from bot.serving.ptb_app import PtbApp
from tests.backends import TEST_DATABASE_URL
from tests.bot.cluster.harness import fresh_database
from tests.bot.ops.cli import bot_env, run_cli
from tests.e2e.conftest import CLAIMANT, STAFF_CHAT_ID, STAFF_MEMBER, RunningBot
from tests.e2e.staff.conftest import button_text, file_complaint
from tests.e2e.test_webhook import PUBLIC_URL, free_port
from tests.fake_telegram import FakeTelegram

STRANGER = 4242
REFUSED = {401, 403}


class WebhookBot(RunningBot):
    """A runtime in webhook mode: started once it registered its webhook."""

    async def start(self) -> None:
        registered = len(self.fake.calls("setWebhook"))
        base = self.runtime  # (RunningBot keeps the class in `runtime`)
        from tests.e2e.conftest import settings_for

        settings = settings_for(self.fake, self.data_dir).model_copy(update=self.settings)
        self.app = await base.create(settings)
        self.task = asyncio.create_task(self.app.run())
        await self.fake.wait_until(
            lambda: len(self.fake.calls("setWebhook")) > registered, 10, message="no setWebhook"
        )


@pytest.fixture(params=["aiogram", "ptb", "cluster"])
async def webhook_bot(
    request: pytest.FixtureRequest, fake: FakeTelegram, tmp_path: Path
) -> AsyncIterator[tuple[WebhookBot, str]]:
    fake.add_user(STRANGER, first_name="Mallory", language_code="en")
    port = free_port()
    overrides: dict[str, Any] = {
        "webhook_url": PUBLIC_URL,
        "webhook_host": "127.0.0.1",
        "webhook_port": port,
    }  # and no WEBHOOK_SECRET
    runtime: Any = PtbApp if request.param == "ptb" else AiogramApp
    url = f"http://127.0.0.1:{port}/telegram"
    if request.param != "cluster":
        bot = WebhookBot(fake, tmp_path / "data", runtime, **overrides)
        await bot.start()
        yield bot, url
        await bot.stop()
        return
    if not TEST_DATABASE_URL:
        pytest.skip("the cluster receiver needs TEST_DATABASE_URL (PostgreSQL)")
    async with fresh_database(TEST_DATABASE_URL) as database_url:
        bot = WebhookBot(fake, tmp_path / "data", runtime, database_url=database_url, **overrides)
        await bot.start()
        yield bot, url
        await bot.stop()


async def post(url: str, update: dict[str, Any], secret: str | None) -> int:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with aiohttp.ClientSession() as http, http.post(url, json=update, headers=headers) as r:
        return r.status


def unqueued(fake: FakeTelegram, update: dict[str, Any]) -> dict[str, Any]:
    """An update built by the fake but never delivered by it: what an attacker would POST."""
    fake.updates = [u for u in fake.updates if u["update_id"] != update["update_id"]]
    return dict(update)


async def test_forged_updates_are_refused_and_change_nothing(
    fake: FakeTelegram, webhook_bot: tuple[WebhookBot, str]
) -> None:
    bot, url = webhook_bot
    assert bot.app is not None
    registered = fake.calls("setWebhook")[-1].params.get("secret_token")
    assert registered == webhook_secret(bot.app.settings)  # derived from the token
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,256}", registered)
    assert fake.token not in registered

    async with fake.delivering_webhook(url):  # Telegram itself, with the header: handled
        filed = await file_complaint(fake, bot, CLAIMANT)
    card = fake.message(STAFF_CHAT_ID, filed.card.message_id)
    card_before = (card.content, card.buttons, len(card.edits))

    take = fake.user_presses_in_group(
        STAFF_CHAT_ID, STAFF_MEMBER, card, text=button_text(card, "Take")
    )
    forged = [unqueued(fake, take), unqueued(fake, fake.user_sends_text(STRANGER, "/start"))]
    calls_before = len(fake.requests)
    for update in forged:
        for secret in (None, "", "wrong-secret", registered[:-1] + "x", fake.token):
            assert await post(url, update, secret) in REFUSED, secret
    await asyncio.sleep(1.0)  # time for a wrongly accepted update to be answered
    assert fake.requests[calls_before:] == []  # no reply, no edit, no answer: nothing
    card = fake.message(STAFF_CHAT_ID, filed.card.message_id)
    assert (card.content, card.buttons, len(card.edits)) == card_before
    assert not fake.messages(STRANGER)
    assert await bot.app.storage.inbox.pending() == []

    # The same update as Telegram sends it, with the registered secret, is answered.
    assert await post(url, forged[1], registered) == 200
    welcome = await fake.wait_for_message(STRANGER, after=0, timeout=10)
    assert "A complaint about an infringement of exclusive rights" in (welcome.text or "")


def test_a_configured_secret_outside_telegrams_charset_fails_at_start() -> None:
    for bad in ("has space", "semi;colon", "ü" * 3, "x" * 257):
        with pytest.raises(ValidationError, match="1-256 characters"):
            Settings(bot_token="1:A", webhook_secret=bad, _env_file=None)
    good = Settings(bot_token="1:A", webhook_secret="Ab_9-" * 50, _env_file=None)
    assert webhook_secret(good) == "Ab_9-" * 50
    derived = Settings(bot_token="1:A", _env_file=None)
    other = Settings(bot_token="2:B", _env_file=None)
    assert webhook_secret(derived) == webhook_secret(derived.model_copy())  # every worker
    assert webhook_secret(derived) != webhook_secret(other)
    assert webhook_secret(derived.model_copy(update={"webhook_secret": SecretStr("s")})) == "s"


async def test_the_process_refuses_a_bad_secret_and_check_names_the_source(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    bad = bot_env(fake, tmp_path / "data", webhook_url=PUBLIC_URL, webhook_secret="not valid!")
    result = await run_cli(env=bad, timeout=30)
    assert result.code == 2
    assert "setting WEBHOOK_SECRET" in result.err and "Traceback" not in result.err
    assert "not valid!" not in result.err

    derived = bot_env(fake, tmp_path / "data", webhook_url=PUBLIC_URL)
    result = await run_cli("check", env=derived)
    assert "the webhook refuses calls without its secret (derived from the token)" in result.out
    settings = Settings(bot_token=fake.token, _env_file=None)
    assert webhook_secret(settings) not in result.out

    mine = "configured-secret_1"
    configured = bot_env(fake, tmp_path / "data", webhook_url=PUBLIC_URL, webhook_secret=mine)
    result = await run_cli("check", env=configured)
    assert "the webhook refuses calls without its secret (configured)" in result.out
    assert mine not in result.out + result.err
