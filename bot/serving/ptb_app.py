"""The python-telegram-bot runtime (`bot.ptb.app`), wired to the services and served by
`bot.serve`."""

from __future__ import annotations

from telegram import Bot

from bot.config.settings import Settings
from bot.ptb.app import PtbApplication, PtbRuntime
from bot.serve import ServedBot


class PtbApp(ServedBot[PtbRuntime]):
    @classmethod
    async def create(cls, settings: Settings) -> PtbApp:
        return await cls.wired(settings, PtbRuntime(settings))

    @property
    def bot(self) -> Bot:
        return self.runtime.bot

    @property
    def application(self) -> PtbApplication:
        return self.runtime.application
