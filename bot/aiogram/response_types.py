"""aiogram reads every Bot API answer with `Response[method.__returning__]`, a pydantic generic
model. pydantic caches such models only weakly, so one that nothing else holds is built anew
(its schema and validator, ~0.4 ms) for every call: about a tenth of the bot's event loop under
load. Holding one of each for the process's lifetime makes every call hit the cache."""

from __future__ import annotations

import aiogram.methods
from aiogram.methods.base import Response, TelegramMethod

_KEPT: dict[type, type] = {}


def keep_response_types() -> None:
    """Build and hold `Response[...]` for every Bot API method (once; ~0.1 s)."""
    if _KEPT:
        return
    for name in aiogram.methods.__all__:
        method = getattr(aiogram.methods, name)
        if _is_method(method):
            _KEPT[method] = Response[method.__returning__]  # type: ignore[name-defined]


def _is_method(value: object) -> bool:
    return (
        isinstance(value, type)
        and issubclass(value, TelegramMethod)
        and value is not TelegramMethod
    )
