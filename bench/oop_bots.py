"""The two bots of the out-of-process bench started as processes: `python -m bot` and the bare
aiogram echo bot (`python -m bench.echo_bot`), each against a fresh fake Bot API with the staff
group, polling it or served its updates by webhook, with the settings both run under.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import AsyncIterator
from pathlib import Path

from bench.arrivals import Arrivals
from bench.closed_loop import Load
from bench.oop_options import OopOptions
from bench.process import STAFF_CHAT_ID, BotProcess
from tests.fake_telegram import FakeTelegram

BOT, ECHO = "bot", "bench.echo_bot"
STAFF_MEMBER = 501

# Simulated claimants answer at machine speed: the per-user throttle (a few updates a second)
# would hold them back. It still runs, its limit never reached. Ignored by a bot without it.
BOT_ENV = {"THROTTLE_UPDATES": "1000000"}
# The echo bot keeps no rate at all; to compare the two bots' own costs, the bot's outbox keeps
# none either ("lifted"). With "telegram" it keeps Telegram's (1/s per chat, 30/s in all), which
# caps a claimant who answers at machine speed at about one update a second.
LIFTED_RATES = {
    "OUTBOX_PRIVATE_PER_SECOND": "1000000",
    "OUTBOX_PRIVATE_BURST": "1000000",
    "OUTBOX_GLOBAL_PER_SECOND": "1000000",
}

# Webhook mode: the fake posts to the port (the URL it is given stands for a TLS proxy).
WEBHOOK_PATH = "/telegram"
WEBHOOK_ENV = {
    "WEBHOOK_URL": "https://bench.invalid",
    "WEBHOOK_HOST": "127.0.0.1",
    "WEBHOOK_PATH": WEBHOOK_PATH,
    "WEBHOOK_SECRET": "bench-webhook-secret",
}


def bot_env(opts: OopOptions) -> dict[str, str]:
    return {**BOT_ENV, **(LIFTED_RATES if opts.rates == "lifted" else {})}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.asynccontextmanager
async def running(
    module: str, tmp: Path, name: str, opts: OopOptions
) -> AsyncIterator[tuple[Load, BotProcess]]:
    """A fresh fake with the staff group, and `module` polling it from a fresh data dir (or, in
    webhook mode, served its updates by the fake on a port of its own)."""
    env = bot_env(opts)
    async with FakeTelegram() as fake, contextlib.AsyncExitStack() as stack:
        if opts.mode == "webhook":
            port = free_port()
            env = {**env, **WEBHOOK_ENV, "WEBHOOK_PORT": str(port)}
            target = f"http://127.0.0.1:{port}{WEBHOOK_PATH}"
            await stack.enter_async_context(fake.delivering_webhook(target))
        fake.add_user(STAFF_MEMBER, first_name="Staff", language_code="en")
        fake.add_group(STAFF_CHAT_ID, "IP team", members={STAFF_MEMBER: "administrator"})
        load = Load(fake, Arrivals(fake))
        process = BotProcess(module, fake, tmp / name / "data", tmp / f"{name}.log", **env)
        (tmp / name).mkdir(parents=True)
        await process.start()
        try:
            yield load, process
        finally:
            await process.stop()
