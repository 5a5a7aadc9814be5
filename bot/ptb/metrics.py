"""Bot API calls and 429 answers counted by method, as python-telegram-bot makes them."""

from __future__ import annotations

from typing import Any

from telegram import Bot
from telegram.request import HTTPXRequest

from bot.metrics import api_call

TOO_MANY_REQUESTS = 429
# The outbox calls methods in lower case (Bot API names are case-insensitive): name them as
# the Bot API does, like aiogram's counts, from PTB's camelCase aliases.
CANONICAL = {name.lower(): name for name in dir(Bot) if name[:1].islower() and name != name.lower()}


class CountingRequest(HTTPXRequest):
    async def do_request(
        self, url: str, method: str, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        status, payload = await super().do_request(url, method, *args, **kwargs)
        if "/file/" not in url:  # downloads are not Bot API calls
            name = url.rsplit("/", 1)[-1]
            api_call(CANONICAL.get(name.lower(), name), flooded=status == TOO_MANY_REQUESTS)
        return status, payload
