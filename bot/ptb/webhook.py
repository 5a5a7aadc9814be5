"""PTB's webhook receiver on the serving loop's aiohttp server (as aiogram's), not PTB's tornado
one: the secret token is compared in constant time (PTB's handler compares with `!=`) and the
body of an update is never logged (PTB's handler logs it at DEBUG)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.config.derived_keys import SECRET_HEADER, secret_matches


def add_webhook_route(
    app: web.Application,
    path: str,
    secret: str,
    application: Application[Any, Any, Any, Any, Any, Any],
) -> None:
    """POST `path`: each update Telegram posts, checked against `secret`, put on the
    application's queue (answered 200 at once, as PTB does)."""

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

    app.router.add_post(path, receive)
