"""`python -m bench.echo_bot`: the bare aiogram bot the out-of-process bench compares against.

Long polling (or, with WEBHOOK_URL, a webhook served on WEBHOOK_HOST:WEBHOOK_PORT like the
bot's), one sendMessage per message or button press, nothing stored. It reads BOT_TOKEN and
TELEGRAM_API_URL like the real bot and logs at INFO like `python -m bot` does, so the two differ
only in what they do with an update.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, Message

dispatcher = Dispatcher()


@dispatcher.message()
async def echo(message: Message, bot: Bot) -> None:
    await bot.send_message(message.chat.id, message.text or "received")


@dispatcher.callback_query()
async def pressed(query: CallbackQuery, bot: Bot) -> None:
    await bot.send_message(query.from_user.id, query.data or "pressed")


async def main() -> None:
    api = TelegramAPIServer.from_base(os.environ["TELEGRAM_API_URL"].rstrip("/"))
    bot = Bot(os.environ["BOT_TOKEN"], session=AiohttpSession(api=api))
    if not os.environ.get("WEBHOOK_URL"):
        await dispatcher.start_polling(bot, handle_signals=False)
        return
    from aiogram.webhook.aiohttp_server import SimpleRequestHandler
    from aiohttp import web

    app = web.Application()
    SimpleRequestHandler(dispatcher, bot, handle_in_background=False).register(app, "/telegram")
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", int(os.environ["WEBHOOK_PORT"])).start()
    await bot.set_webhook(os.environ["WEBHOOK_URL"] + "/telegram")
    await asyncio.Event().wait()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    asyncio.run(main())
