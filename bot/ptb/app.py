"""The python-telegram-bot runtime, assembled like `bot.aiogram.app` (aiogram): every update
through the one update router (`bot.ptb.updates` → `bot.updates`), with the outbox sender
beside polling."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any

from telegram import Bot, BotCommand, BotCommandScopeAllPrivateChats, Update
from telegram.ext import Application, ContextTypes

from bot.api import app as api
from bot.api.webhook_delivery import CaseWebhook, webhook_running
from bot.claimant.commands import descriptions, menus
from bot.claimant.intake import IntakeService
from bot.config.settings import Settings, open_storage
from bot.ops.gauges import gauges_running
from bot.ops.retention import Retention
from bot.outbox.sender import OutboxSender
from bot.ptb.metrics import CountingRequest
from bot.ptb.serialize import SerializePerUser
from bot.ptb.throttle import THROTTLE_GROUP, throttle_handler
from bot.ptb.transport import PtbTransport
from bot.ptb.updates import update_handlers
from bot.ptb.webhook import serving_webhook
from bot.staff.desk import CaseDesk
from bot.telemetry import metrics
from bot.telemetry.health import HEALTH
from bot.updates.durable_polling import DurablePolling, UpdateCodec
from bot.wiring import Services
from storage import Storage

log = logging.getLogger(__name__)

PtbApplication = Application[Any, Any, Any, Any, Any, Any]

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
POLLING_TIMEOUT = 10


async def _log_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    # The update's id only: the update itself holds names and message texts.
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s failed", update_id, exc_info=context.error)


@dataclass
class PtbApp:
    settings: Settings
    storage: Storage
    application: PtbApplication
    service: IntakeService
    outbox: OutboxSender
    desk: CaseDesk
    webhook: CaseWebhook | None = None  # case events to CASE_WEBHOOK_URL, when set

    @classmethod
    async def create(cls, settings: Settings) -> PtbApp:
        assert settings.bot_token is not None
        storage = await open_storage(settings)
        HEALTH.stall_seconds = settings.liveness_seconds
        api = settings.telegram_api_url.rstrip("/")
        application = (
            Application.builder()
            .token(settings.bot_token.get_secret_value())
            .base_url(f"{api}/bot")
            .base_file_url(f"{api}/file/bot")
            .local_mode(settings.telegram_api_local)  # file paths instead of downloads
            .concurrent_updates(SerializePerUser())
            .request(CountingRequest(connection_pool_size=256))
            .get_updates_request(CountingRequest())
            .build()
        )
        services = Services.wire(
            storage,
            settings,
            PtbTransport(application.bot, storage.files),
            application.bot.get_chat_member,
        )
        application.add_handler(throttle_handler(services.throttle), group=THROTTLE_GROUP)
        application.add_handlers(update_handlers(services.router))
        application.add_error_handler(_log_error)
        return cls(
            settings,
            storage,
            application,
            services.intake,
            services.outbox,
            services.desk,
            services.webhook,
        )

    @property
    def bot(self) -> Bot:
        return self.application.bot

    async def set_commands(self) -> None:
        for language_code, commands in menus():
            await self.bot.set_my_commands(
                [BotCommand(c, d) for c, d in commands],
                scope=BotCommandScopeAllPrivateChats(),
                language_code=language_code,
            )
        for language_code, description, short in descriptions(self.settings.platform_name):
            await self.bot.set_my_description(description, language_code=language_code)
            await self.bot.set_my_short_description(short, language_code=language_code)

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Poll until cancelled or `stop` is set, with the outbox sender beside it; then shut
        down cleanly (the updates in hand finish, the sender finishes its call)."""
        application = self.application
        retention = Retention(self.storage, self.settings)
        try:
            metrics_at = (self.storage, self.settings.metrics_host, self.settings.metrics_port)
            async with (
                metrics.holding("sender"),
                self.outbox.running(),
                webhook_running(self.webhook),
                retention.running(self.outbox.kick),
                self.desk.timers_running(self.outbox.kick),
                gauges_running(self.storage, self.settings),
                metrics.serving(*metrics_at),
                api.serving(self.desk, self.outbox.kick),
            ):
                await application.initialize()
                await self.set_commands()
                await application.start()
                assert application.updater is not None
                if self.settings.webhook_url:
                    async with serving_webhook(application, self.settings, ALLOWED_UPDATES):
                        await (stop or asyncio.Event()).wait()
                else:
                    await self.bot.delete_webhook()
                    await DurablePolling(self.storage.inbox, self._updates()).run(stop)
                if stop is not None and stop.is_set():
                    await self.outbox.replies_delivered()  # those of the updates in hand
        finally:
            await self.close()

    def _updates(self) -> UpdateCodec[Update]:
        application = self.application

        async def fetch(offset: int | None) -> list[Update]:
            updates = await self.bot.get_updates(
                offset=offset, timeout=POLLING_TIMEOUT, allowed_updates=ALLOWED_UPDATES
            )
            return list(updates)

        async def handle(update: Update) -> None:
            # Through PTB's update processor: one update at a time per user.
            processor = application.update_processor
            await processor.process_update(update, application.process_update(update))

        return UpdateCodec(
            fetch=fetch,
            update_id=lambda update: update.update_id,
            dump=lambda update: json.dumps(update.to_dict()),
            load=lambda payload: Update.de_json(json.loads(payload), self.bot),
            handle=handle,
        )

    async def close(self) -> None:
        """Stop the updater and the application (pending updates finish), close storage."""
        application = self.application
        try:
            if application.updater is not None and application.updater.running:
                await application.updater.stop()
            if application.running:
                await application.stop()
            await application.shutdown()
        finally:
            await self.storage.close()
