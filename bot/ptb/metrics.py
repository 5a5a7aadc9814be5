"""Bot API calls timed and counted by method and result, as python-telegram-bot makes them."""

from __future__ import annotations

import time
from typing import Any

from telegram import Bot
from telegram.request import HTTPXRequest

from bot.telemetry.metrics import api_call, status_result

# The outbox calls methods in lower case (Bot API names are case-insensitive): name them as
# the Bot API does, like aiogram's counts, from PTB's camelCase aliases.
CANONICAL = {name.lower(): name for name in dir(Bot) if name[:1].islower() and name != name.lower()}


class CountingRequest(HTTPXRequest):
    async def do_request(
        self, url: str, method: str, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        if "/file/" in url:  # downloads are not Bot API calls
            return await super().do_request(url, method, *args, **kwargs)
        name = url.rsplit("/", 1)[-1]
        name = CANONICAL.get(name.lower(), name)
        started = time.monotonic()
        try:
            status, payload = await super().do_request(url, method, *args, **kwargs)
        except Exception:  # no answer (PTB's NetworkError, TimedOut)
            api_call(name, "network", time.monotonic() - started)
            raise
        api_call(name, status_result(status), time.monotonic() - started)
        return status, payload
