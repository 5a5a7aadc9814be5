"""`python -m bot.serving.supervise N` (`make run-cluster`): N workers (`python -m bot`) on the
PostgreSQL database of DATABASE_URL (unset: `LOCAL_DATABASE_URL`), on one machine — what compose
or systemd do in production.

A worker that dies is started again after a second; SIGINT or SIGTERM stops them all gracefully
(each finishes the updates in hand). The database is created when the server has none of that
name. In webhook mode the workers share WEBHOOK_PORT (SO_REUSEPORT: the kernel spreads the
connections); with long polling one of them polls (`bot.cluster.leases`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bot.config.derived_keys import log_pseudonym_key
from bot.ops.check import load_settings
from bot.telemetry.logs import configure

log = logging.getLogger("bot.cluster")

LOCAL_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/intake"
RESTART_SECONDS = 1.0
STOP_SECONDS = 40.0


async def ensure_database(url: str) -> None:
    """Create the database `url` names when its server has none of that name."""
    try:
        conn = await asyncpg.connect(url)
    except asyncpg.InvalidCatalogNameError:
        parts = urlsplit(url)
        name = parts.path.lstrip("/")
        admin = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        log.info("created the database %s", name)
        return
    await conn.close()


async def worker(index: int, url: str, stop: asyncio.Event) -> None:
    """One worker, started again whenever it dies, until `stop`."""
    env = {**os.environ, "DATABASE_URL": url}
    while not stop.is_set():
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", env=env)
        log.info("worker %d started (pid %d)", index, proc.pid)
        ended = asyncio.create_task(proc.wait())
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({ended, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if stop.is_set():
            proc.terminate()
            try:
                await asyncio.wait_for(ended, STOP_SECONDS)
            except TimeoutError:
                proc.kill()
                await ended
            return
        log.warning("worker %d exited with %s; starting it again", index, proc.returncode)
        await asyncio.sleep(RESTART_SECONDS)


async def supervise(count: int) -> int:
    settings, problems = load_settings()
    if settings is None:
        print("\n".join(str(problem) for problem in problems), file=sys.stderr)
        return 2
    configure(settings.log_format, settings.log_level, pseudonym_key=log_pseudonym_key(settings))
    url = settings.database_url or LOCAL_DATABASE_URL
    if not url.startswith(("postgres://", "postgresql://")) or settings.bot_token is None:
        print("run-cluster needs BOT_TOKEN and a postgresql:// DATABASE_URL", file=sys.stderr)
        return 2
    if settings.runtime != "aiogram":
        print("several workers run the aiogram runtime (RUNTIME=aiogram)", file=sys.stderr)
        return 2
    await ensure_database(url)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await asyncio.gather(*(worker(i, url, stop) for i in range(count)))
    return 0


def main(argv: list[str]) -> int:
    count = int(argv[0]) if argv else 3
    with contextlib.suppress(KeyboardInterrupt):
        return asyncio.run(supervise(count))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
