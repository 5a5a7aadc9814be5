"""An album arrives as separate updates sharing `media_group_id`. Each file is saved the moment
it arrives; the claimant gets one answer for the whole album once no more items come: how many
files were kept, each distinct reason some were not, and the step again."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from dialogs.turn import Turn

Origin = TypeVar("Origin")


@dataclass
class AlbumResult:
    saved: int = 0
    notes: list[str] = field(default_factory=list)  # distinct, in arrival order


class AlbumCollector(Generic[Origin]):
    def __init__(
        self,
        settle_seconds: float,
        on_settled: Callable[[Origin, AlbumResult], Coroutine[Any, Any, None]],
    ) -> None:
        self.settle_seconds = settle_seconds
        self.on_settled = on_settled
        self._results: dict[str, AlbumResult] = {}
        self._origins: dict[str, Origin] = {}
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def add(self, group_id: str, origin: Origin, outcome: Turn) -> None:
        """Count one item (saved, or the first line of why not); restart the quiet period."""
        result = self._results.setdefault(group_id, AlbumResult())
        if outcome.changed:
            result.saved += 1
        elif outcome.replies and outcome.replies[0].text not in result.notes:
            result.notes.append(outcome.replies[0].text)
        self._origins[group_id] = origin
        if timer := self._timers.get(group_id):
            timer.cancel()
        loop = asyncio.get_running_loop()
        self._timers[group_id] = loop.call_later(self.settle_seconds, self._settle, group_id)

    def _settle(self, group_id: str) -> None:
        self._timers.pop(group_id, None)
        result = self._results.pop(group_id)
        origin = self._origins.pop(group_id)
        task = asyncio.create_task(self.on_settled(origin, result))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
