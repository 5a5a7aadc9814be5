"""The serving loop, one for both runtimes and for the workers of a cluster: the services wired
around the runtime's transport (`Services`), the background loops (the outbox sender, the case
webhook, retention, the case timers, the gauges), the case API, health and metrics; then the
updates, by long polling or by webhook, until cancelled or a graceful stop.

A runtime (`Runtime`: bot/aiogram/, bot/ptb/) gives only what its framework does: its update
objects (fetched, kept as JSON, handed to the update router), its Bot API transport and its
webhook receiver. The throttle and the per-user lock are the update router's
(`bot.updates.router`), whichever way an update comes in.

With several workers on PostgreSQL (bot/serving/) updates reach the inbox — from any worker's
webhook, or from the one poller — and every worker handles its share; one of them (any) sends,
Telegram's rates being per bot, and runs the timed jobs; every one serves the case API.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from aiohttp import web
from aiohttp.log import access_logger

from bot.api import app as api
from bot.api.webhook_delivery import CaseWebhook, case_webhook, webhook_running
from bot.claimant.intake import IntakeService
from bot.cluster import clustered
from bot.cluster.leases import exclusive
from bot.config.derived_keys import webhook_secret
from bot.config.settings import Settings, open_storage
from bot.ops.erasure import deletion_given_up
from bot.ops.gauges import gauges_running
from bot.ops.readiness import leases_checked
from bot.ops.retention import Retention
from bot.outbox.sender import OutboxSender, Rates, Transport
from bot.staff.desk import CaseDesk
from bot.staff.members import GetChatMember
from bot.staff.submission import compose_staff_dossier
from bot.telemetry import metrics
from bot.telemetry.background import in_background
from bot.telemetry.health import HEALTH
from bot.updates.durable_polling import DurablePolling, UpdateCodec, feed_inbox, polling_heartbeat
from bot.updates.flood_control import Throttle
from bot.updates.inbox_receiver import add_inbox_route
from bot.updates.inbox_workers import InboxWorkers
from bot.updates.router import UpdateRouter, update_router
from bot.updates.throttle import ThrottleGate
from storage import ContentStore, OutboxItem, Storage

log = logging.getLogger(__name__)


@dataclass
class Services:
    desk: CaseDesk
    outbox: OutboxSender
    intake: IntakeService
    router: UpdateRouter
    webhook: CaseWebhook | None  # case events to CASE_WEBHOOK_URL, when set

    @classmethod
    def wire(
        cls,
        storage: Storage,
        settings: Settings,
        transport: Transport,
        get_chat_member: GetChatMember,
    ) -> Services:
        desk = CaseDesk(storage, settings)

        async def undelivered(item: OutboxItem) -> None:
            await desk.files_undelivered(item)
            await deletion_given_up(storage, settings, item)  # an erasure's, too late

        outbox = OutboxSender(
            storage,
            transport,
            rates=Rates.of(settings),
            poll_seconds=settings.outbox_poll_seconds,
            on_undelivered=undelivered,
            on_refused=desk.send_refused,
            compose_dossier=compose_staff_dossier,
        )
        # Every reply is queued with the change it follows from, and wakes the sender.
        intake = IntakeService(storage, settings, outbox=True, on_queued=outbox.kick)
        throttle = Throttle(settings.throttle_updates, settings.throttle_seconds)
        gate = ThrottleGate(throttle, storage, transport)
        return cls(
            desk,
            outbox,
            intake,
            update_router(intake, desk, get_chat_member, outbox.kick, gate),
            case_webhook(settings, storage.case_events),
        )


class Runtime(Protocol):
    """A framework's part: converting its objects to the update router's events, and the
    transport (calls, downloads, its webhook receiver)."""

    @property
    def bot_id(self) -> int: ...

    @property
    def clusters(self) -> bool:
        """Whether several workers on PostgreSQL serve it through the inbox (aiogram's; on PTB
        one process serves, whatever the database)."""
        ...

    @property
    def webhook_serves_metrics(self) -> bool:
        """Whether /healthz and /metrics sit on the webhook's server in webhook mode (aiogram's,
        so the workers of a cluster share them), rather than on METRICS_PORT (PTB's)."""
        ...

    @property
    def get_chat_member(self) -> GetChatMember: ...

    def transport(self, files: ContentStore) -> Transport: ...

    def route(self, router: UpdateRouter) -> None:
        """Every message and press, converted, to `router`."""

    def codec(self) -> UpdateCodec[Any]:
        """Its update objects: fetched (getUpdates), kept as JSON, handled."""
        ...

    def user_of(self, update: Any) -> int | None:
        """Whose update this is (several workers take the inbox user by user)."""
        ...

    def receive(self, app: web.Application, path: str, secret: str) -> None:
        """Its webhook receiver on `app`: POST `path`, checked against `secret`, handled."""

    async def start(self) -> None: ...

    async def set_commands(self) -> None: ...

    async def delete_webhook(self) -> None: ...

    async def set_webhook(self, url: str, secret: str) -> None: ...

    async def close(self) -> None: ...


R = TypeVar("R", bound=Runtime)
S = TypeVar("S", bound="ServedBot[Any]")


@dataclass
class ServedBot(Generic[R]):
    settings: Settings
    storage: Storage
    runtime: R
    services: Services

    @classmethod
    async def wired(cls: type[S], settings: Settings, runtime: Runtime) -> S:
        """The storage opened and the services wired around `runtime`'s transport."""
        storage = await open_storage(settings)
        HEALTH.stall_seconds = settings.liveness_seconds
        transport = runtime.transport(storage.files)
        services = Services.wire(storage, settings, transport, runtime.get_chat_member)
        runtime.route(services.router)
        return cls(settings, storage, runtime, services)

    @property
    def service(self) -> IntakeService:
        return self.services.intake

    @property
    def outbox(self) -> OutboxSender:
        return self.services.outbox

    @property
    def desk(self) -> CaseDesk:
        return self.services.desk

    @property
    def webhook(self) -> CaseWebhook | None:
        """Case events to CASE_WEBHOOK_URL, when set."""
        return self.services.webhook

    @property
    def _clustered(self) -> bool:
        return self.runtime.clusters and clustered(self.storage.db)

    @property
    def _lease_names(self) -> tuple[str, str]:
        """The sender's and the poller's (a cluster's; PTB knows its bot's id once started)."""
        bot_id = self.runtime.bot_id
        return f"sender/{bot_id}", f"poller/{bot_id}"

    @property
    def _secret(self) -> str:
        """Checked on every webhook call (WEBHOOK_SECRET, else derived from the token)."""
        return webhook_secret(self.settings)

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Serve until cancelled or `stop` is set (then gracefully: no new update is taken, the
        ones in hand finish and their replies get a moment to go, the sender finishes its call,
        the database is closed)."""
        cluster = self._clustered
        try:
            async with (
                api.serving(self.desk, self.outbox.kick, reuse_port=cluster),
                self._sending(cluster),
                self._metrics_apart(),
            ):
                await self.runtime.start()
                await self.runtime.set_commands()
                if cluster:
                    await self._serve_cluster(stop)
                elif self.settings.webhook_url:
                    async with self._webhook_server(self._receive):
                        await (stop or asyncio.Event()).wait()
                else:
                    await self.runtime.delete_webhook()
                    await DurablePolling(self.storage.inbox, self.runtime.codec()).run(stop)
                if stop is not None and stop.is_set():
                    await self.outbox.replies_delivered()  # those of the updates in hand
        finally:
            try:
                await self.runtime.close()
            finally:
                await self.storage.close()

    def _sending(self, cluster: bool) -> AbstractAsyncContextManager[object]:
        """The background loops: here, or in whichever worker of a cluster holds the lease."""
        if not cluster:
            return self._background()
        sender, _ = self._lease_names
        return exclusive(self.storage.db, sender, self._background)

    @asynccontextmanager
    async def _background(self) -> AsyncIterator[None]:
        """The loops one worker of a cluster runs (each runs them on SQLite)."""
        retention = Retention(self.storage, self.settings)
        async with (
            metrics.holding("sender"),
            self.outbox.running(),
            webhook_running(self.webhook),
            retention.running(self.outbox.kick),
            self.desk.timers_running(self.outbox.kick),
            gauges_running(self.storage, self.settings),
        ):
            yield

    def _metrics_apart(self) -> AbstractAsyncContextManager[object]:
        """/healthz and /metrics on METRICS_PORT, unless the webhook's server carries them."""
        if self.settings.webhook_url and self.runtime.webhook_serves_metrics:
            return nullcontext()
        host, port = self.settings.metrics_host, self.settings.metrics_port
        return metrics.serving(self.storage, host, port)

    def _receive(self, app: web.Application) -> None:
        self.runtime.receive(app, self.settings.webhook_path, self._secret)

    async def _serve_cluster(self, stop: asyncio.Event | None) -> None:
        """One of several workers on PostgreSQL: updates reach the inbox (from any worker's
        webhook, or from the one poller) and every worker handles its share."""
        codec = self.runtime.codec()
        db, inbox = self.storage.db, self.storage.inbox
        sender, poller_lease = self._lease_names
        async with InboxWorkers.opened(self.storage, codec, outbox_kick=self.outbox.kick) as work:
            if self.settings.webhook_url:

                def receive(app: web.Application) -> None:
                    path, secret = self.settings.webhook_path, self._secret
                    add_inbox_route(app, path, inbox, secret=secret, stored=work.stored)

                async with (
                    self._webhook_server(receive, reuse_port=True),
                    leases_checked(db, [sender]),
                ):
                    await work.run(stop)
                return
            await self.runtime.delete_webhook()

            @asynccontextmanager
            async def poller() -> AsyncIterator[None]:
                beat = polling_heartbeat()
                feeding = feed_inbox(
                    inbox, codec, lambda _: work.stored(), user_of=self.runtime.user_of, beat=beat
                )
                async with (
                    metrics.holding("poller"),
                    in_background(feeding, "getUpdates", beat),
                ):
                    yield

            async with (
                exclusive(db, poller_lease, poller),
                leases_checked(db, [sender, poller_lease]),
            ):
                await work.run(stop)

    @asynccontextmanager
    async def _webhook_server(
        self, register: Callable[[web.Application], None], *, reuse_port: bool = False
    ) -> AsyncIterator[None]:
        """The webhook's HTTP server (`reuse_port`: several workers may listen on one port)."""
        settings = self.settings
        app = web.Application()
        register(app)
        if settings.metrics_port is not None and self.runtime.webhook_serves_metrics:
            metrics.add_routes(app, self.storage)  # /healthz and /metrics on the same server
        # Several workers: an access log line per update is noise (the metrics count them).
        runner = web.AppRunner(app, access_log=None if reuse_port else access_logger)
        await runner.setup()
        try:
            site = web.TCPSite(
                runner, settings.webhook_host, settings.webhook_port, reuse_port=reuse_port or None
            )
            await site.start()
            assert settings.webhook_url is not None
            url = settings.webhook_url.rstrip("/") + settings.webhook_path
            await self.runtime.set_webhook(url, self._secret)
            log.info("webhook served on %s:%s", settings.webhook_host, settings.webhook_port)
            yield
        finally:
            await runner.cleanup()  # stops listening, lets the requests in hand finish
