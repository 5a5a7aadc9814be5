"""The python-telegram-bot runtime (`RUNTIME=ptb`): the same intake as `bot.aiogram` (aiogram),
served by the same loop (`bot.serving.ptb_app`)."""
