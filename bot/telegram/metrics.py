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
    TelegramBadRequest,
    TelegramConflictError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import TelegramMethod
from aiogram.types import TelegramObject, Update

from bot.metrics import api_call, observed_update

# aiogram raises one class per status (bot/metrics.py names the results alike for PTB);
# first match wins: TelegramEntityTooLarge is a TelegramNetworkError.
RESULTS: tuple[tuple[type[Exception], str], ...] = (
    (TelegramRetryAfter, "429"),
    (TelegramMigrateToChat, "400"),
    (TelegramBadRequest, "400"),
    (TelegramUnauthorizedError, "401"),
    (TelegramForbiddenError, "403"),
    (TelegramNotFound, "404"),
    (TelegramConflictError, "409"),
    (TelegramEntityTooLarge, "413"),
    (TelegramServerError, "5xx"),
    (TelegramNetworkError, "network"),
    (TelegramAPIError, "other"),
)


def result_of(failure: Exception) -> str:
    return next((result for kind, result in RESULTS if isinstance(failure, kind)), "network")


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
