"""Webhook mode with several workers: receiving an update only stores it in the inbox (with
whose it is) and answers 200; the workers handle it (`bot.updates.inbox_workers`). Any worker can
receive any update; Telegram delivers again what was not answered 200."""

from __future__ import annotations

import json
from collections.abc import Callable

from aiohttp import web

from bot.config.derived_keys import SECRET_HEADER, secret_matches
from bot.updates.durable_polling import user_of
from dialogs.model import utcnow
from storage import Inbox


def add_inbox_route(
    app: web.Application,
    path: str,
    inbox: Inbox,
    *,
    secret: str,
    stored: Callable[[], None],
) -> None:
    """POST `path`: the update, checked against `secret`, stored; then `stored()` wakes the
    workers."""

    async def receive(request: web.Request) -> web.Response:
        if not secret_matches(request.headers.get(SECRET_HEADER), secret):
            return web.Response(status=401)  # not Telegram: nothing is stored
        body = await request.text()
        try:
            update = json.loads(body)
            update_id = int(update["update_id"])
        except (ValueError, KeyError, TypeError):
            return web.Response(status=400)
        await inbox.put([(update_id, body)], now=utcnow(), users=[user_of(update)])
        stored()
        return web.Response()

    app.router.add_post(path, receive)
