"""An album arrives as separate updates sharing `media_group_id`. Each file is saved the moment
it arrives; the claimant gets one answer for the whole album once no more items come."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

Origin = TypeVar("Origin")


class AlbumCollector(Generic[Origin]):
    def __init__(
        self, settle_seconds: float, on_settled: Callable[[Origin, int], Awaitable[None]]
    ) -> None:
        self.settle_seconds = settle_seconds
        self.on_settled = on_settled
        self._counts: dict[str, int] = {}
        self._origins: dict[str, Origin] = {}
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def add(self, group_id: str, origin: Origin) -> None:
        """Count one saved item; (re)start the quiet period after which the album is answered."""
        self._counts[group_id] = self._counts.get(group_id, 0) + 1
        self._origins[group_id] = origin
        if timer := self._timers.get(group_id):
            timer.cancel()
        loop = asyncio.get_running_loop()
        self._timers[group_id] = loop.call_later(self.settle_seconds, self._settle, group_id)

    def _settle(self, group_id: str) -> None:
        self._timers.pop(group_id, None)
        count = self._counts.pop(group_id, 0)
        origin = self._origins.pop(group_id)
        task = asyncio.create_task(self.on_settled(origin, count))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
