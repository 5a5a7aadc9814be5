"""Issue 17: every worker of a cluster serves the case API on the one API_PORT (SO_REUSEPORT):
the API answers while any one worker is down."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp

from storage import Storage
from storage.api_keys import ApiKeys, Scope
from tests.backends import free_port
from tests.bot.cluster.harness import Cluster, fresh_database
from tests.fake_telegram import FakeTelegram


async def test_every_worker_serves_the_api(tmp_path: Path, server_url: str) -> None:
    port = free_port()
    async with fresh_database(server_url) as database_url, FakeTelegram() as fake:
        cluster = Cluster(
            fake, tmp_path, database_url, size=2, webhook=False, settings={"API_PORT": str(port)}
        )
        await cluster.start()
        storage = await Storage.open(tmp_path / "test", database_url=database_url)
        session = aiohttp.ClientSession()
        try:
            key = await ApiKeys(storage.db).create("backoffice", Scope.DECIDE)
            headers = {"Authorization": f"Bearer {key}"}
            url = f"http://127.0.0.1:{port}/api/v1/cases"

            async def answers() -> int:
                async with session.get(url, headers=headers) as response:
                    return response.status

            assert await answers() == 200
            for down in cluster.workers:  # each in turn: the other one answers
                await down.kill()
                statuses = await asyncio.gather(*(answers() for _ in range(10)))
                assert statuses == [200] * 10, statuses
                await cluster.restart(down)
        except BaseException:
            print(cluster.logs())
            raise
        finally:
            await session.close()
            await storage.close()
            await cluster.stop()
