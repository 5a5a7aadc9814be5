"""Bot API calls timed and counted by method and result, as aiogram makes them; and, in webhook
mode (long polling has `DurablePolling`), each update logged and counted."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import (
    TelegramAPIError,
)
from aiogram.methods import TelegramMethod
from aiogram.types import TelegramObject, Update

from bot.aiogram.transport import answer_of
from bot.telemetry.metrics import api_call, observed_update, status_result


def result_of(failure: Exception) -> str:
    """The `result` label of a failed call: Telegram's status as the transport reads it from
    aiogram's exception (one table, `bot.aiogram.transport`), or "network" with no answer."""
    if not isinstance(failure, TelegramAPIError):
        return "network"
    status = answer_of(failure).status
    return "network" if status is None else status_result(status)


class CountApiCalls(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[Any],
        bot: Bot,
        method: TelegramMethod[Any],
    ) -> Any:
        name = method.__api_method__
        started = time.monotonic()
        try:
            response = await make_request(bot, method)
        except Exception as failure:
            api_call(name, result_of(failure), time.monotonic() - started)
            raise
        api_call(name, "ok", time.monotonic() - started)
        return response


class ObserveUpdates(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        async with observed_update(event.update_id):
            return await handler(event, data)
