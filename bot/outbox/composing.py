"""Instructions to compose a staff dossier (`ComposeDossier`), carried out in the background:
the PDF and ZIP built off the event loop, the dossier's messages queued in the instruction's
place; private chats are served meanwhile.

The composing itself belongs to the staff side (`bot.staff.submission.compose_staff_dossier`);
`bot.serve` hands it to the sender as a `DossierComposer`, so the outbox imports nothing above it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.outbox.failures import MAX_BROKEN_ATTEMPTS, Failures
from bot.outbox.messages import ComposeDossier
from storage import OutboxItem, Storage

log = logging.getLogger(__name__)

# Composes the dossier an instruction (outbox item `item_id`) names, queues its messages and
# marks the instruction sent, in one transaction; composing twice queues nothing twice.
DossierComposer = Callable[[Storage, int, ComposeDossier], Awaitable[None]]


class Composing:
    def __init__(
        self,
        storage: Storage,
        composer: DossierComposer | None,
        failures: Failures,
        *,
        private_first: Callable[[], Awaitable[None]],
        kick: Callable[[], None],
    ) -> None:
        self.storage = storage
        self.composer = composer
        self.failures = failures
        self._private_first = private_first
        self._kick = kick
        self._tasks: dict[int, asyncio.Task[None]] = {}

    def start(self, item: OutboxItem, compose: ComposeDossier) -> None:
        """A queued instruction to build the staff dossier: built in the background (the PDF
        and ZIP in a thread), its messages queued in order in its place; private chats are
        served meanwhile."""
        if item.id in self._tasks:
            return
        task = asyncio.create_task(self._composed(item, compose), name=f"compose-{item.id}")
        self._tasks[item.id] = task
        task.add_done_callback(lambda _: self._tasks.pop(item.id, None))

    async def _composed(self, item: OutboxItem, compose: ComposeDossier) -> None:
        await self._private_first()
        try:
            if self.composer is None:
                raise RuntimeError("no dossier composer was given to the outbox sender")
            await self.composer(self.storage, item.id, compose)
        except Exception as failure:
            log.exception("outbox item %s could not be composed", item.id)
            if item.attempts + 1 >= MAX_BROKEN_ATTEMPTS:
                await self.failures.give_up(item, repr(failure))
            else:
                await self.failures.retry_later(item, failure)
        self._kick()

    def tasks(self) -> list[asyncio.Task[None]]:
        """The dossiers being composed now."""
        return list(self._tasks.values())

    async def done(self) -> None:
        """Wait for dossiers being composed (tests and shutdown)."""
        while self._tasks:
            await asyncio.gather(*self._tasks.values(), return_exceptions=True)
