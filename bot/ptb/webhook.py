"""PTB's webhook mode on an aiohttp server of our own (as aiogram's), not PTB's tornado one:
the secret token is compared in constant time (PTB's handler compares with `!=`) and the body
of an update is never logged (PTB's handler logs it at DEBUG)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.config.derived_keys import SECRET_HEADER, secret_matches, webhook_secret
from bot.config.settings import Settings

log = logging.getLogger(__name__)


@asynccontextmanager
async def serving_webhook(
    application: Application[Any, Any, Any, Any, Any, Any],
    settings: Settings,
    allowed_updates: list[str],
) -> AsyncIterator[None]:
    """Listen on WEBHOOK_HOST:WEBHOOK_PORT, register the webhook with its secret, and put each
    update Telegram posts on the application's queue (answered 200 at once, as PTB does)."""
    assert settings.webhook_url is not None
    secret = webhook_secret(settings)

    async def receive(request: web.Request) -> web.Response:
        if not secret_matches(request.headers.get(SECRET_HEADER), secret):
            return web.Response(status=401)  # not Telegram: nothing is handled
        try:
            update = Update.de_json(await request.json(), application.bot)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400)
        if update is not None:
            await application.update_queue.put(update)
        return web.Response()

    app = web.Application()
    app.router.add_post(settings.webhook_path, receive)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
    try:
        await application.bot.set_webhook(
            settings.webhook_url.rstrip("/") + settings.webhook_path,
            secret_token=secret,
            allowed_updates=allowed_updates,
        )
        log.info("webhook served on %s:%s", settings.webhook_host, settings.webhook_port)
        yield
    finally:
        await runner.cleanup()
