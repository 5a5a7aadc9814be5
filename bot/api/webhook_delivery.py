"""Case events delivered to `CASE_WEBHOOK_URL`: a small loop beside the Telegram outbox.

Each event row (written with its change, `storage.case_events`) is POSTed as JSON signed the
Standard Webhooks way (https://www.standardwebhooks.com): `webhook-id` (the event id, the
receiver's idempotency key), `webhook-timestamp` (when this attempt was made) and
`webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, so a receiver can
refuse a captured request replayed outside its time window. The key is CASE_WEBHOOK_SECRET:
`whsec_<base64>` as Standard Webhooks libraries take it (anything else: its UTF-8 bytes).
Retried with doubling delays until a 2xx; a case's later events wait for its earlier ones;
other cases' events go on meanwhile. What is undelivered at a stop is delivered after the
restart. The body's shape is in docs/api/events.md.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime, timedelta

import aiohttp

from bot.config.settings import Settings
from bot.telemetry.background import in_background
from bot.telemetry.health import Heartbeat
from dialogs.model import utcnow
from storage import CaseEvent, CaseEvents

log = logging.getLogger(__name__)

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
SECRET_PREFIX = "whsec_"
MAX_DELAY = timedelta(hours=1)
TIMEOUT_SECONDS = 15


def signing_key(secret: str) -> bytes:
    """The HMAC key of a CASE_WEBHOOK_SECRET: a `whsec_` secret's base64, else its bytes."""
    if secret.startswith(SECRET_PREFIX):
        return base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    return secret.encode()


def signature(key: bytes, event_id: str, timestamp: int, body: bytes) -> str:
    """Standard Webhooks' `v1` signature of one delivery attempt."""
    signed = f"{event_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def signed_headers(key: bytes, event_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        ID_HEADER: event_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(key, event_id, timestamp, body),
    }


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
        self.key = signing_key(secret)
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
        body = event.body()  # the same bytes on every attempt; the timestamp is the attempt's
        headers = signed_headers(self.key, str(event.id), int(self.clock().timestamp()), body)
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
