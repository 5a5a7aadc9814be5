"""A loop that runs beside the bot for as long as a block does (the case webhook, retention)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from bot.telemetry.health import HEALTH, Heartbeat


@asynccontextmanager
async def in_background(
    work: Coroutine[Any, Any, None], name: str, beat: Heartbeat | None = None
) -> AsyncIterator[None]:
    """Run `work` as a task while the block runs; cancel it, and wait for it, when it ends.
    `beat`: the loop's heartbeat, watched meanwhile (`/healthz`)."""
    task = asyncio.create_task(work, name=name)
    try:
        if beat is None:
            yield
        else:
            with HEALTH.watching(beat, task):
                yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
