"""The aiogram runtime, assembled: bot, dispatcher, the update router's shell, the services
(`bot.wiring`); polling or webhook."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats, Update
from aiohttp import web
from aiohttp.log import access_logger

from bot.aiogram.metrics import CountApiCalls, ObserveUpdates
from bot.aiogram.middlewares import SerializePerUser, ThrottlePerUser
from bot.aiogram.replies import perform_answer
from bot.aiogram.response_types import keep_response_types
from bot.aiogram.transport import AiogramTransport
from bot.aiogram.updates import updates_router
from bot.api import app as api
from bot.api.webhook_delivery import CaseWebhook, webhook_running
from bot.claimant.commands import descriptions, menus
from bot.claimant.intake import IntakeService
from bot.cluster import clustered
from bot.cluster.leases import exclusive
from bot.cluster.receiver import add_inbox_route, user_of
from bot.cluster.workers import InboxWorkers
from bot.config.derived_keys import webhook_secret
from bot.config.settings import Settings, open_storage
from bot.ops.gauges import gauges_running
from bot.ops.readiness import leases_checked
from bot.ops.retention import Retention
from bot.outbox.sender import OutboxSender
from bot.staff.desk import CaseDesk
from bot.telemetry import metrics
from bot.telemetry.background import in_background
from bot.telemetry.health import HEALTH
from bot.updates.durable_polling import DurablePolling, UpdateCodec, feed_inbox, polling_heartbeat
from bot.wiring import Services
from storage import Storage

log = logging.getLogger(__name__)

POLLING_TIMEOUT = 10


@dataclass
class TelegramApp:
    settings: Settings
    storage: Storage
    bot: Bot
    dispatcher: Dispatcher
    service: IntakeService
    outbox: OutboxSender
    desk: CaseDesk
    webhook: CaseWebhook | None = None  # case events to CASE_WEBHOOK_URL, when set

    @classmethod
    async def create(cls, settings: Settings) -> TelegramApp:
        assert settings.bot_token is not None
        storage = await open_storage(settings)
        HEALTH.stall_seconds = settings.liveness_seconds
        keep_response_types()
        session = AiohttpSession(
            api=TelegramAPIServer.from_base(
                settings.telegram_api_url.rstrip("/"), is_local=settings.telegram_api_local
            )
        )
        session.middleware(CountApiCalls())
        bot = Bot(settings.bot_token.get_secret_value(), session=session)
        services = Services.wire(
            storage, settings, AiogramTransport(bot, storage.files), bot.get_chat_member
        )
        dispatcher = Dispatcher()
        dispatcher.update.outer_middleware(ThrottlePerUser(services.throttle))
        dispatcher.update.outer_middleware(SerializePerUser())
        dispatcher.include_router(updates_router(services.router))
        return cls(
            settings,
            storage,
            bot,
            dispatcher,
            services.intake,
            services.outbox,
            services.desk,
            services.webhook,
        )

    async def set_commands(self) -> None:
        for language_code, commands in menus():
            await self.bot.set_my_commands(
                [BotCommand(command=c, description=d) for c, d in commands],
                scope=BotCommandScopeAllPrivateChats(),
                language_code=language_code,
            )
        for language_code, description, short in descriptions(self.settings.platform_name):
            await self.bot.set_my_description(description, language_code=language_code)
            await self.bot.set_my_short_description(short, language_code=language_code)

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Serve until cancelled or `stop` is set (then gracefully: no new update is taken, the
        ones in hand finish and their replies get a moment to go, the sender finishes its call,
        the database is closed)."""
        retention = Retention(self.storage, self.settings)

        @asynccontextmanager
        async def background() -> AsyncIterator[None]:
            async with (
                metrics.holding("sender"),
                self.outbox.running(),
                webhook_running(self.webhook),
                retention.running(self.outbox.kick),
                self.desk.timers_running(self.outbox.kick),
                gauges_running(self.storage, self.settings),
            ):
                yield

        try:
            # With several workers one of them (any) sends, Telegram's rates being per bot, and
            # runs the timed jobs; every one serves the case API.
            async with (
                api.serving(self.desk, self.outbox.kick, reuse_port=clustered(self.storage.db)),
                exclusive(self.storage.db, f"sender/{self.bot.id}", background),
            ):
                await self.set_commands()
                if clustered(self.storage.db):
                    await self._serve_cluster(stop)
                elif self.settings.webhook_url:
                    await self._serve_webhook(stop)
                else:
                    await self.bot.delete_webhook()
                    host, port = self.settings.metrics_host, self.settings.metrics_port
                    async with metrics.serving(self.storage, host, port):
                        await DurablePolling(self.storage.inbox, self._updates()).run(stop)
                if stop is not None and stop.is_set():
                    await self.outbox.replies_delivered()  # those of the updates in hand
        finally:
            await self.close()

    def _updates(self) -> UpdateCodec[Update]:
        allowed = self.dispatcher.resolve_used_update_types()

        async def fetch(offset: int | None) -> list[Update]:
            return await self.bot.get_updates(
                offset=offset, timeout=POLLING_TIMEOUT, allowed_updates=allowed
            )

        return UpdateCodec(
            fetch=fetch,
            update_id=lambda update: update.update_id,
            dump=lambda update: update.model_dump_json(exclude_unset=True),
            load=Update.model_validate_json,
            handle=self._handle,
        )

    async def _handle(self, update: Update) -> None:
        """A polled update. A press's answer, returned by its handler (in webhook mode it goes
        in the webhook's response), is performed here."""
        await perform_answer(self.bot, await self.dispatcher.feed_update(self.bot, update))

    async def _serve_cluster(self, stop: asyncio.Event | None) -> None:
        """One of several workers on PostgreSQL (bot/cluster/): updates reach the inbox (from
        any worker's webhook, or from the one poller) and every worker handles its share."""
        codec = self._updates()
        inbox = self.storage.inbox
        async with InboxWorkers.opened(self.storage, codec, outbox_kick=self.outbox.kick) as work:
            if self.settings.webhook_url:

                def receive(app: web.Application) -> None:
                    path, secret = self.settings.webhook_path, self._secret
                    add_inbox_route(app, path, inbox, secret=secret, stored=work.stored)

                async with (
                    self._webhook_server(receive, reuse_port=True),
                    leases_checked(self.storage.db, [f"sender/{self.bot.id}"]),
                ):
                    await work.run(stop)
                return
            await self.bot.delete_webhook()

            def owner(update: Update) -> int | None:
                return user_of(update.model_dump(by_alias=True, exclude_unset=True))

            @asynccontextmanager
            async def poller() -> AsyncIterator[None]:
                beat = polling_heartbeat()
                feeding = feed_inbox(
                    inbox, codec, lambda _: work.stored(), user_of=owner, beat=beat
                )
                async with (
                    metrics.holding("poller"),
                    in_background(feeding, "getUpdates", beat),
                ):
                    yield

            host, port = self.settings.metrics_host, self.settings.metrics_port
            async with (
                exclusive(self.storage.db, f"poller/{self.bot.id}", poller),
                metrics.serving(self.storage, host, port),
                leases_checked(self.storage.db, [f"sender/{self.bot.id}", f"poller/{self.bot.id}"]),
            ):
                await work.run(stop)

    @property
    def _secret(self) -> str:
        """Checked on every webhook call (WEBHOOK_SECRET, else derived from the token)."""
        return webhook_secret(self.settings)

    async def _serve_webhook(self, stop: asyncio.Event | None) -> None:
        from aiogram.webhook.aiohttp_server import SimpleRequestHandler

        self.dispatcher.update.outer_middleware(ObserveUpdates())

        def handle(app: web.Application) -> None:
            # Answered once handled: Telegram delivers again an update whose handling a crash
            # cut. A press's answerCallbackQuery, returned by its handler, rides in that answer.
            # A call without the secret is refused (401; aiogram compares in constant time).
            SimpleRequestHandler(
                self.dispatcher, self.bot, handle_in_background=False, secret_token=self._secret
            ).register(app, path=self.settings.webhook_path)

        async with self._webhook_server(handle):
            await (stop or asyncio.Event()).wait()

    @asynccontextmanager
    async def _webhook_server(
        self, register: Callable[[web.Application], None], *, reuse_port: bool = False
    ) -> AsyncIterator[None]:
        """The webhook's HTTP server (`reuse_port`: several workers may listen on one port)."""
        from aiogram.webhook.aiohttp_server import setup_application

        settings = self.settings
        app = web.Application()
        register(app)
        setup_application(app, self.dispatcher, bot=self.bot)
        if settings.metrics_port is not None:  # /healthz and /metrics on the same server
            metrics.add_routes(app, self.storage)
        # Several workers: an access log line per update is noise (the metrics count them).
        runner = web.AppRunner(app, access_log=None if reuse_port else access_logger)
        await runner.setup()
        site = web.TCPSite(
            runner, settings.webhook_host, settings.webhook_port, reuse_port=reuse_port or None
        )
        await site.start()
        assert settings.webhook_url is not None
        await self.bot.set_webhook(
            settings.webhook_url.rstrip("/") + settings.webhook_path,
            secret_token=self._secret,
            allowed_updates=self.dispatcher.resolve_used_update_types(),
        )
        log.info("webhook served on %s:%s", settings.webhook_host, settings.webhook_port)
        try:
            yield
        finally:
            await runner.cleanup()  # stops listening, lets the requests in hand finish

    async def close(self) -> None:
        await self.bot.session.close()
        await self.storage.close()
