"""What `/healthz` (liveness) and `/readyz` (readiness) answer: a registry of checks.

Liveness: this process's event loop answers, and every loop that must run here ticks. A loop
registers a `Heartbeat` for as long as it is meant to run (its owner's block: the sender, the
poller, the retention…) and calls `beat()` on every turn; it is dead once its task has ended, or
when it has not ticked for `stale_after` seconds (the larger of LIVENESS_SECONDS and 3× its
normal interval). Readiness: the database answers and, where several workers share the work,
somebody holds the sender and poller leases.

Any component adds a check of its own with `HEALTH.add(name, check, probe=LIVE|READY)`: `check`
is an async callable returning None when fine, or a short reason (one line, no personal data);
`add` returns a function that removes it again. A check that raises counts as failed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

LIVE, READY = "live", "ready"
STALE_INTERVALS = 3  # a loop that has missed this many of its turns is dead
CHECK_TIMEOUT = 5.0  # a check that takes longer than this fails

Check = Callable[[], Awaitable[str | None]]


@dataclass(eq=False)
class Heartbeat:
    """One loop's ticks. `task` (when given): the loop is dead as soon as it has ended."""

    name: str
    interval: float  # the loop's longest normal time between two ticks
    task: asyncio.Task[Any] | None = None
    last: float = field(default_factory=time.monotonic)

    def beat(self) -> None:
        self.last = time.monotonic()

    def problem(self, stall_seconds: float) -> str | None:
        """Why this loop is dead, or None. `stall_seconds`: LIVENESS_SECONDS."""
        if self.task is not None and self.task.done():
            return f"{self.name}: stopped"
        silent = time.monotonic() - self.last
        if silent > max(stall_seconds, STALE_INTERVALS * self.interval):
            return f"{self.name}: no tick for {silent:.0f}s"
        return None


class Health:
    def __init__(self) -> None:
        self._checks: dict[str, list[tuple[str, Check]]] = {LIVE: [], READY: []}
        self._beats: list[Heartbeat] = []
        self.stall_seconds = 180.0  # LIVENESS_SECONDS; the metrics server sets it

    def add(self, name: str, check: Check, *, probe: str = READY) -> Callable[[], None]:
        """Register `check` under `probe` (LIVE or READY); returns its remover."""
        entry = (name, check)
        self._checks[probe].append(entry)
        return lambda: self._checks[probe].remove(entry) if entry in self._checks[probe] else None

    @contextmanager
    def watching(self, beat: Heartbeat, task: asyncio.Task[Any] | None = None) -> Iterator[None]:
        """`beat` (of `task`, when given) is watched while the block runs: the block owns the
        loop, so the task ending early, or its ticks stopping, make the process unhealthy."""
        beat.task = task
        beat.beat()
        self._beats.append(beat)
        try:
            yield
        finally:
            self._beats.remove(beat)

    def beats(self) -> list[Heartbeat]:
        return list(self._beats)

    async def problems(self, probe: str) -> list[str]:
        """What is wrong for `probe`: liveness looks at the loops; readiness includes it."""
        found = [p for beat in self._beats if (p := beat.problem(self.stall_seconds))]
        probes = [LIVE] if probe == LIVE else [LIVE, READY]
        for kind in probes:
            for name, check in list(self._checks[kind]):
                try:
                    problem = await asyncio.wait_for(check(), CHECK_TIMEOUT)
                except Exception as failure:  # a check that cannot answer has failed
                    problem = f"{type(failure).__name__}: {failure}".splitlines()[0]
                if problem:
                    found.append(f"{name}: {problem}")
        return found


HEALTH = Health()


class TokenRefusal:
    """Whether Telegram has refused this process's token (401): then nothing is sent until the
    process starts again with a valid one. Read by `/healthz` and the metrics."""

    def __init__(self) -> None:
        self.reason: str | None = None

    def refuse(self, reason: str) -> bool:
        """Record the refusal; True the first time (to be logged once)."""
        first = self.reason is None
        self.reason = reason
        return first

    def clear(self) -> None:
        self.reason = None


token_refusal = TokenRefusal()
