"""Issue 14 §6: a sender cut off from PostgreSQL stops before its successor starts.

Two workers (`python -m bot`, aiogram, webhook mode) on one database; the first holds the sender
lease and reaches PostgreSQL, and the fake Bot API, through TCP proxies on 127.0.0.1. Messages
are queued all along. Then its database proxy is cut: blackholed (nothing forwarded, no socket
closed — a partition: nobody is told) or closed. Within `TAKEOVER_SECONDS` the second worker
holds the lease and sends; the first sent nothing after the second began, and no message went
out twice beyond the few the cut worker had sent but could not mark sent any more (Telegram has
no idempotency key: the successor cannot know).

Only aiogram's runtime runs as a cluster (python-telegram-bot's runs one process on SQLite).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from bot.cluster.leases import (
    CONFIRMED_FOR,
    IDLE_TIMEOUT,
    RETRY_SECONDS,
    exclusive,
    lease_confirmed,
)
from bot.outbox.messages import Text
from bot.outbox.queue import queue
from storage import Storage
from storage.backends.postgres import PostgresDatabase
from tests.backends import TEST_DATABASE_URL, Backend
from tests.bot.cluster.conftest import CLUSTER_SKIP
from tests.bot.cluster.harness import Cluster, Worker, add_people, fresh_database
from tests.bot.cluster.tcp_proxy import TcpProxy
from tests.fake_telegram import FakeTelegram

pytestmark = pytest.mark.postgres

USERS = [31_001, 31_002, 31_003]
TAKEOVER_SECONDS = 15.0  # the lease's session ends 10 s after its last ping; then 1 s to retry
QUEUE_EVERY = 0.05


@pytest.fixture
def server_url() -> str:
    if not TEST_DATABASE_URL:
        pytest.skip(CLUSTER_SKIP)
    return TEST_DATABASE_URL


@dataclass
class CutCluster(Cluster):
    """Worker 0's database and Bot API behind proxies."""

    overrides: dict[int, dict[str, str]] = field(default_factory=dict)

    def env(self, index: int) -> dict[str, str]:
        return {**super().env(index), **self.overrides.get(index, {})}


def via(url: str, port: int) -> str:
    parts = urlsplit(url)
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit(parts._replace(netloc=f"{user}127.0.0.1:{port}"))


async def wait_for(predicate: object, timeout: float, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():  # type: ignore[operator]
        if loop.time() > deadline:
            raise AssertionError(what)
        await asyncio.sleep(0.05)


@pytest.mark.parametrize("cut", ["blackhole", "closed"])
async def test_a_cut_off_sender_stops_before_its_successor_sends(
    tmp_path: Path, server_url: str, cut: str
) -> None:
    async with fresh_database(server_url) as database_url, FakeTelegram() as fake:
        add_people(fake, USERS)
        pg = urlsplit(database_url)
        db_proxy = await TcpProxy(pg.hostname or "127.0.0.1", pg.port or 5432).start()
        api = urlsplit(fake.base_url)
        api_proxy = await TcpProxy(api.hostname or "127.0.0.1", api.port or 80).start()
        cluster = CutCluster(fake, tmp_path, database_url, size=2)
        cluster.overrides[0] = {
            "DATABASE_URL": via(database_url, db_proxy.port),
            "TELEGRAM_API_URL": f"http://127.0.0.1:{api_proxy.port}",
        }
        cluster.log_dir.mkdir(parents=True, exist_ok=True)
        first, second = (Worker(i, cluster.env(i), cluster.log_dir) for i in range(2))
        cluster.workers = [first, second]
        storage = await Storage.open(tmp_path / "producer", database_url=database_url)
        queued_at: dict[str, float] = {}
        producing = asyncio.Event()

        async def produce() -> None:
            n = 0
            while not producing.is_set():
                n += 1
                text = f"message {n}"
                async with storage.db.transaction() as conn:
                    chat = USERS[n % len(USERS)]
                    await queue(conn, storage, Text(chat_id=chat, text=text), key=f"t:{n}")
                queued_at[text] = time.time()
                await asyncio.sleep(QUEUE_EVERY)

        producer = None
        try:
            await first.start()
            await first.ready()
            await wait_for(lambda: first.holds("sender"), 30, "the first worker took no lease")
            await second.start()
            await second.ready()
            producer = asyncio.create_task(produce())
            await asyncio.sleep(3)  # the first sends a while
            assert any(b"sendMessage" in chunk for _, chunk in api_proxy.seen)

            cut_at = time.time()
            db_proxy.blackhole() if cut == "blackhole" else db_proxy.close()
            await wait_for(lambda: second.holds("sender"), TAKEOVER_SECONDS + 5, "no takeover")
            taken_at = time.time()
            await asyncio.sleep(3)  # the second sends a while
            producing.set()
            await producer
            await fake.wait_until(
                lambda: set(queued_at) <= {m.text for m in fake.sent},
                30,
                message="not every message was delivered",
            )
        except BaseException:
            print(cluster.logs())
            raise
        finally:
            producing.set()
            if producer is not None:
                await asyncio.gather(producer, return_exceptions=True)
            await first.kill()  # cut off: no graceful stop to wait for
            await second.stop()
            await storage.close()
            await db_proxy.stop()
            await api_proxy.stop()

        sends = [c for c in fake.calls("sendMessage") if c.ok and c.params.get("text") in queued_at]
        # After the cut the first worker cannot read the outbox: what was queued then is sent
        # by the second. When did it begin, and when did the first send for the last time?
        successor = min(c.time for c in sends if queued_at[c.params["text"]] > cut_at)
        cut_off_last = max(t for t, chunk in api_proxy.seen if b"sendMessage" in chunk)
        counts = Counter(c.params["text"] for c in sends)
        twice = sorted(text for text, n in counts.items() if n > 1)
        print(
            f"{cut}: lease taken over {taken_at - cut_at:.1f} s after the cut, the successor's"
            f" first send {successor - cut_at:.1f} s after it, the cut-off sender's last"
            f" {cut_off_last - cut_at:+.1f} s; {len(queued_at)} messages, sent twice: {twice}"
        )
        assert successor - cut_at <= TAKEOVER_SECONDS
        assert cut_off_last < successor  # the cut-off sender had stopped
        assert set(counts) == set(queued_at)
        assert len(twice) <= len(USERS)  # at most the last one per chat before the cut


async def test_a_blackholed_holder_stops_acting_before_another_takes_the_lease(
    backend: Backend,
) -> None:
    """The lease alone, in one process: the holder's database is blackholed; its job is told
    the lease is not confirmed (and stopped) before the other holder's job starts."""
    if backend.name != "postgres":
        pytest.skip("PostgreSQL only: on SQLite there is one process")
    assert TEST_DATABASE_URL is not None
    pg = urlsplit(TEST_DATABASE_URL)
    proxy = await TcpProxy(pg.hostname or "127.0.0.1", pg.port or 5432).start()
    cut_off = await PostgresDatabase.connect(
        via(TEST_DATABASE_URL, proxy.port), schema=backend.schema
    )
    direct = await backend.database()
    events: list[tuple[float, str]] = []

    def job(name: str) -> Callable[[], AbstractAsyncContextManager[None]]:
        @contextlib.asynccontextmanager
        async def run() -> AsyncIterator[None]:
            async def act() -> None:  # what the sender does before each message
                while True:
                    if not lease_confirmed():
                        events.append((time.monotonic(), f"{name} unconfirmed"))
                        return
                    await asyncio.sleep(0.05)

            events.append((time.monotonic(), f"{name} started"))
            acting = asyncio.create_task(act())
            try:
                yield
            finally:
                acting.cancel()
                events.append((time.monotonic(), f"{name} stopped"))

        return run

    try:
        async with exclusive(cut_off, "sender/14", job("first")):
            await wait_for(lambda: events, 10, "the first took no lease")
            async with exclusive(direct, "sender/14", job("second")):
                await asyncio.sleep(1.5)
                assert [e for _, e in events] == ["first started"]
                cut_at = time.monotonic()
                proxy.blackhole()
                await wait_for(
                    lambda: any(e == "second started" for _, e in events),
                    TAKEOVER_SECONDS,
                    f"no takeover: {events}",
                )
    finally:
        await proxy.stop()
        await direct.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(cut_off.close(), 5)
    at = {e: t - cut_at for t, e in events}
    print({e: round(t, 1) for e, t in at.items()})
    # It stopped acting when the lease was unconfirmed or the job stopped, whichever came first.
    first_done = min(at.get("first unconfirmed", at["first stopped"]), at["first stopped"])
    assert first_done <= CONFIRMED_FOR + 0.5
    assert at["first stopped"] < at["second started"]
    assert at["second started"] >= IDLE_TIMEOUT - RETRY_SECONDS - 0.5  # not before the server
