"""The aiogram runtime (`bot.aiogram.app`), wired to the services and served by `bot.serve`."""

from __future__ import annotations

from aiogram import Bot, Dispatcher

from bot.aiogram.app import AiogramRuntime
from bot.config.settings import Settings
from bot.serve import ServedBot


class AiogramApp(ServedBot[AiogramRuntime]):
    @classmethod
    async def create(cls, settings: Settings) -> AiogramApp:
        return await cls.wired(settings, AiogramRuntime(settings))

    @property
    def bot(self) -> Bot:
        return self.runtime.bot

    @property
    def dispatcher(self) -> Dispatcher:
        return self.runtime.dispatcher
