"""The aiogram runtime: its bot and dispatcher, its updates converted for the one update router
(`bot.aiogram.updates`), fetched and kept for durable polling, its webhook receiver. Serving
(polling or webhook, the background loops, a cluster's workers) is `bot.serve`'s."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats, Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.aiogram.metrics import CountApiCalls, ObserveUpdates
from bot.aiogram.replies import perform_answer
from bot.aiogram.response_types import keep_response_types
from bot.aiogram.transport import AiogramTransport
from bot.aiogram.updates import updates_router
from bot.claimant.commands import descriptions, menus
from bot.config.settings import Settings
from bot.staff.members import GetChatMember
from bot.updates.durable_polling import UpdateCodec, user_of
from bot.updates.router import UpdateRouter
from storage import ContentStore

POLLING_TIMEOUT = 10


class AiogramRuntime:
    clusters = True  # several workers on PostgreSQL run this runtime (bot/serving/)
    webhook_serves_metrics = True  # a cluster's workers share the webhook's port

    def __init__(self, settings: Settings) -> None:
        assert settings.bot_token is not None
        self.settings = settings
        keep_response_types()
        session = AiohttpSession(
            api=TelegramAPIServer.from_base(
                settings.telegram_api_url.rstrip("/"), is_local=settings.telegram_api_local
            )
        )
        session.middleware(CountApiCalls())
        self.bot = Bot(settings.bot_token.get_secret_value(), session=session)
        self.dispatcher = Dispatcher()

    @property
    def bot_id(self) -> int:
        return self.bot.id

    @property
    def get_chat_member(self) -> GetChatMember:
        return self.bot.get_chat_member

    def transport(self, files: ContentStore) -> AiogramTransport:
        return AiogramTransport(self.bot, files)

    def route(self, router: UpdateRouter) -> None:
        self.dispatcher.include_router(updates_router(router))

    async def start(self) -> None:
        pass

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

    def codec(self) -> UpdateCodec[Update]:
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

    def user_of(self, update: Any) -> int | None:
        return user_of(update.model_dump(by_alias=True, exclude_unset=True))

    def receive(self, app: web.Application, path: str, secret: str) -> None:
        """Answered once handled: Telegram delivers again an update whose handling a crash cut.
        A press's answerCallbackQuery, returned by its handler, rides in that answer. A call
        without the secret is refused (401; aiogram compares in constant time)."""
        self.dispatcher.update.outer_middleware(ObserveUpdates())
        SimpleRequestHandler(
            self.dispatcher, self.bot, handle_in_background=False, secret_token=secret
        ).register(app, path=path)
        setup_application(app, self.dispatcher, bot=self.bot)

    async def delete_webhook(self) -> None:
        await self.bot.delete_webhook()

    async def set_webhook(self, url: str, secret: str) -> None:
        await self.bot.set_webhook(
            url, secret_token=secret, allowed_updates=self.dispatcher.resolve_used_update_types()
        )

    async def close(self) -> None:
        await self.bot.session.close()
