"""The python-telegram-bot runtime (`RUNTIME=ptb`): the same intake as `bot.aiogram` (aiogram)."""

from bot.ptb.app import PtbApp

__all__ = ["PtbApp"]
