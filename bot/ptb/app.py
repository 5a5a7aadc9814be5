"""The python-telegram-bot runtime, like `bot.aiogram.app`: its application, its updates
converted for the one update router (`bot.ptb.updates`), fetched and kept for durable polling,
its webhook receiver (`bot.ptb.webhook`). Serving is `bot.serve`'s."""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web
from telegram import Bot, BotCommand, BotCommandScopeAllPrivateChats, Update
from telegram.ext import Application, ContextTypes

from bot.claimant.commands import descriptions, menus
from bot.config.settings import Settings
from bot.ptb.metrics import CountingRequest
from bot.ptb.transport import PtbTransport
from bot.ptb.updates import update_handlers
from bot.ptb.webhook import add_webhook_route
from bot.staff.members import GetChatMember
from bot.updates.durable_polling import UpdateCodec
from bot.updates.router import UpdateRouter
from storage import ContentStore

log = logging.getLogger(__name__)

PtbApplication = Application[Any, Any, Any, Any, Any, Any]

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
POLLING_TIMEOUT = 10
# Many users at once; one user's updates one at a time is the update router's lock.
MAX_CONCURRENT_UPDATES = 256


async def _log_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    # The update's id only: the update itself holds names and message texts.
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s failed", update_id, exc_info=context.error)


class PtbRuntime:
    clusters = False  # one process serves, whatever the database
    webhook_serves_metrics = False  # /healthz and /metrics stay on METRICS_PORT

    def __init__(self, settings: Settings) -> None:
        assert settings.bot_token is not None
        self.settings = settings
        api = settings.telegram_api_url.rstrip("/")
        self.application: PtbApplication = (
            Application.builder()
            .token(settings.bot_token.get_secret_value())
            .base_url(f"{api}/bot")
            .base_file_url(f"{api}/file/bot")
            .local_mode(settings.telegram_api_local)  # file paths instead of downloads
            .concurrent_updates(MAX_CONCURRENT_UPDATES)
            .request(CountingRequest(connection_pool_size=256))
            .get_updates_request(CountingRequest())
            .build()
        )

    @property
    def bot(self) -> Bot:
        return self.application.bot

    @property
    def bot_id(self) -> int:
        return self.bot.id

    @property
    def get_chat_member(self) -> GetChatMember:
        return self.bot.get_chat_member

    def transport(self, files: ContentStore) -> PtbTransport:
        return PtbTransport(self.bot, files)

    def route(self, router: UpdateRouter) -> None:
        self.application.add_handlers(update_handlers(router))
        self.application.add_error_handler(_log_error)

    async def start(self) -> None:
        """The application's update processor running (polled updates are handed to it, and
        the webhook's are queued for it)."""
        await self.application.initialize()
        await self.application.start()

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

    def codec(self) -> UpdateCodec[Update]:
        application = self.application

        async def fetch(offset: int | None) -> list[Update]:
            updates = await self.bot.get_updates(
                offset=offset, timeout=POLLING_TIMEOUT, allowed_updates=ALLOWED_UPDATES
            )
            return list(updates)

        async def handle(update: Update) -> None:
            # Through PTB's update processor (many at once).
            processor = application.update_processor
            await processor.process_update(update, application.process_update(update))

        return UpdateCodec(
            fetch=fetch,
            update_id=lambda update: update.update_id,
            dump=lambda update: json.dumps(update.to_dict()),
            load=lambda payload: Update.de_json(json.loads(payload), self.bot),
            handle=handle,
        )

    def user_of(self, update: Any) -> int | None:
        user = update.effective_user if isinstance(update, Update) else None
        return None if user is None else user.id

    def receive(self, app: web.Application, path: str, secret: str) -> None:
        add_webhook_route(app, path, secret, self.application)

    async def delete_webhook(self) -> None:
        await self.bot.delete_webhook()

    async def set_webhook(self, url: str, secret: str) -> None:
        await self.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)

    async def close(self) -> None:
        """Stop the updater and the application (pending updates finish)."""
        application = self.application
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
