"""Case events delivered to `CASE_WEBHOOK_URL`: a small loop beside the Telegram outbox.

Each event row (written with its change, `storage.case_events`) is POSTed as JSON with
`X-Signature: sha256=<hex HMAC-SHA256 of the body with CASE_WEBHOOK_SECRET>` and
`X-Event-Id` (the receiver's idempotency key), retried with doubling delays until a 2xx.
A case's later events wait for its earlier ones; other cases' events go on meanwhile. What
is undelivered at a stop is delivered after the restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime, timedelta

import aiohttp

from bot.background import in_background
from bot.health import Heartbeat
from bot.settings import Settings
from dialogs.model import utcnow
from storage import CaseEvent, CaseEvents

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Signature"
EVENT_ID_HEADER = "X-Event-Id"
MAX_DELAY = timedelta(hours=1)
TIMEOUT_SECONDS = 15


def signature(secret: bytes, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


class CaseWebhook:
    def __init__(
        self,
        events: CaseEvents,
        url: str,
        secret: str,
        *,
        first_retry_seconds: float = 5.0,
        poll_seconds: float = 1.0,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.events = events
        self.url = url
        self.secret = secret.encode()
        self.first_retry = timedelta(seconds=first_retry_seconds)
        self.poll_seconds = poll_seconds
        self.clock = clock
        self._wake = asyncio.Event()
        self.heartbeat = Heartbeat("case-webhook", max(poll_seconds, TIMEOUT_SECONDS))

    def kick(self) -> None:
        self._wake.set()

    def running(self) -> AbstractAsyncContextManager[None]:
        """Deliver in the background while the block runs (the bot serving updates)."""
        return in_background(self.run(), "case-webhook", self.heartbeat)

    async def run(self) -> None:
        timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while True:
                self.heartbeat.beat()
                try:
                    await self.deliver_due(session)
                except Exception:  # the loop outlives a DB hiccup
                    log.exception("case webhook round failed")
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll_seconds)

    async def deliver_due(self, session: aiohttp.ClientSession) -> int:
        """One round: the due head event of every case; returns how many were delivered."""
        delivered = 0
        while True:
            due = await self.events.due(self.clock())
            if not due:
                return delivered
            progressed = False
            for event in due:
                if await self._deliver(session, event):
                    delivered += 1
                    progressed = True
            if not progressed:
                return delivered

    async def _deliver(self, session: aiohttp.ClientSession, event: CaseEvent) -> bool:
        body = event.body()
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: signature(self.secret, body),
            EVENT_ID_HEADER: str(event.id),
        }
        try:
            async with session.post(self.url, data=body, headers=headers) as response:
                if 200 <= response.status < 300:
                    await self.events.delivered(event.id, self.clock())
                    return True
                error = f"HTTP {response.status}"
        except (aiohttp.ClientError, TimeoutError) as failure:
            error = f"{type(failure).__name__}: {failure}"
        delay = min(self.first_retry * 2**event.attempts, MAX_DELAY)
        log.warning("case event %s not delivered (%s); again in %s", event.id, error, delay)
        await self.events.failed(event.id, error, self.clock() + delay)
        return False


@asynccontextmanager
async def webhook_running(webhook: CaseWebhook | None) -> AsyncIterator[None]:
    """The deliverer beside the app when `CASE_WEBHOOK_URL` is set; nothing otherwise."""
    if webhook is None:
        yield
        return
    async with webhook.running():
        yield


def case_webhook(settings: Settings, events: CaseEvents) -> CaseWebhook | None:
    """The deliverer the settings ask for (None without `CASE_WEBHOOK_URL`)."""
    if not settings.case_webhook_url:
        return None
    secret = settings.case_webhook_secret
    return CaseWebhook(
        events,
        settings.case_webhook_url,
        secret.get_secret_value() if secret else "",
        first_retry_seconds=settings.case_webhook_retry_seconds,
        poll_seconds=settings.outbox_poll_seconds,
    )
