"""Issue 16 in a cluster: the database gauges are exported by one worker only (the sender lease's
holder), so `sum()` over the workers counts each once; every worker says which leases it holds;
/readyz sees the leases held; when the holder is killed another takes over the gauges too; a
poller that dies inside its lease makes its worker's /healthz fail."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bot.cluster.session import Session
from bot.ops.readiness import lease_held
from storage import Storage
from tests.bot.cluster.harness import Cluster, fresh_database
from tests.bot.ops.test_metrics import free_port, scrape
from tests.e2e.conftest import RunningBot
from tests.fake_telegram import FakeTelegram

TAKEOVER_SECONDS = 15.0
LEASE = "ipintake_lease_held"


@dataclass
class ObservedCluster(Cluster):
    """Each worker with /metrics on a port of its own."""

    ports: list[int] = field(default_factory=lambda: [free_port() for _ in range(3)])

    def env(self, index: int) -> dict[str, str]:
        return super().env(index) | {
            "METRICS_PORT": str(self.ports[index]),
            "METRICS_REFRESH_SECONDS": "0.2",
        }


async def exporters(cluster: ObservedCluster) -> dict[int, set[str]]:
    """Worker index → the names it exports, for the live workers."""
    found = {}
    for worker in cluster.workers:
        if worker.alive:
            found[worker.index] = {name for name, _ in await scrape(cluster.ports[worker.index])}
    return found


async def settled(get: Callable[[], Awaitable[list[int]]], want: list[int]) -> list[int]:
    """`get()` once it returns `want`, or what it returns after TAKEOVER_SECONDS."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TAKEOVER_SECONDS
    while (found := await get()) != want and loop.time() < deadline:
        await asyncio.sleep(0.1)
    return found


async def probe(port: int, path: str) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{port}{path}") as response,
    ):
        return response.status, await response.text()


async def ready(port: int) -> tuple[int, str]:
    return await probe(port, "/readyz")


async def test_the_database_gauges_come_from_the_sender_only(
    tmp_path: Path, server_url: str
) -> None:
    async with fresh_database(server_url) as database_url, FakeTelegram() as fake:
        cluster = ObservedCluster(fake, tmp_path, database_url, size=2, webhook=False)
        await cluster.start()
        try:
            sender = await fake.wait_until(lambda: cluster.holder("sender"), TAKEOVER_SECONDS)
            await fake.wait_until(lambda: cluster.holder("poller"), TAKEOVER_SECONDS)

            async def gauges_from() -> list[int]:
                found = await exporters(cluster)
                return [i for i, names in found.items() if "ipintake_outbox_backlog" in names]

            assert await settled(gauges_from, [sender.index]) == [sender.index]  # once
            for worker in cluster.workers:
                samples = await scrape(cluster.ports[worker.index])
                held = {dict(labels)["lease"] for name, labels in samples if name == LEASE}
                assert ("sender" in held) == (worker is sender)
                assert await ready(cluster.ports[worker.index]) == (200, "ok\n")

            await sender.kill()
            survivor = next(w for w in cluster.workers if w is not sender)
            await fake.wait_until(lambda: cluster.holder("sender"), TAKEOVER_SECONDS)
            assert await settled(gauges_from, [survivor.index]) == [survivor.index]
            assert await ready(cluster.ports[survivor.index]) == (200, "ok\n")
        except BaseException:
            print(cluster.logs())
            raise
        finally:
            await cluster.stop()


async def test_readiness_sees_whether_anybody_holds_a_lease(
    tmp_path: Path, server_url: str
) -> None:
    async with fresh_database(server_url) as database_url:
        storage = await Storage.open(tmp_path / "data", database_url=database_url)
        session = await Session.open(storage.db)
        try:
            assert not await lease_held(storage.db, "sender/1")
            assert await session.try_lock("sender/1")
            assert await lease_held(storage.db, "sender/1")
            assert not await lease_held(storage.db, "sender/2")
            await session.unlock("sender/1")
            assert not await lease_held(storage.db, "sender/1")
        finally:
            await session.close()
            await storage.close()


async def test_healthz_fails_when_the_poller_dies_in_its_lease(
    tmp_path: Path, server_url: str
) -> None:
    """The poller's task ends while its worker keeps the lease (nobody else may poll): the
    worker must say so, or nobody polls and everything looks healthy."""
    async with fresh_database(server_url) as database_url, FakeTelegram() as fake:
        port = free_port()
        bot = RunningBot(fake, tmp_path / "data", metrics_port=port, database_url=database_url)
        await bot.start()
        try:
            assert (await probe(port, "/healthz"))[0] == 200
            (poller,) = [t for t in asyncio.all_tasks() if t.get_name() == "getUpdates"]
            poller.cancel()
            await asyncio.sleep(0.05)
            assert await probe(port, "/healthz") == (503, "polling: stopped\n")
        finally:
            await bot.stop()
