"""`make run-cluster`'s supervisor: N workers on a database it creates, one of them polling; a
worker that dies is started again; SIGINT stops them all."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from pathlib import Path

import asyncpg

from tests.bot.cluster.harness import REPO, Cluster, with_database
from tests.e2e.claimant import PROMPTS, Claimant
from tests.fake_telegram import FakeTelegram

USER = 31_001


async def test_run_cluster_starts_restarts_and_stops_its_workers(
    tmp_path: Path, server_url: str
) -> None:
    name = f"cluster_{uuid.uuid4().hex[:12]}"
    async with FakeTelegram() as fake:
        fake.add_user(USER, first_name="Anna", language_code="en")
        env = Cluster(fake, tmp_path, with_database(server_url, name), webhook=False).env(0)
        log = (tmp_path / "supervise.log").open("wb")
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.serving.supervise",
            "2",
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=log,
        )
        try:
            await fake.wait_until(lambda: fake.calls("getUpdates"), 30, message="nobody polls")
            await Claimant(fake, USER).says("/start", expect=PROMPTS["welcome"])
            text = (tmp_path / "supervise.log").read_text()
            assert f"created the database {name}" in text
            assert text.count("started (pid") == 2
            pid = int(text.split("worker 0 started (pid ")[1].split(")")[0])
            os.kill(pid, signal.SIGKILL)
            await fake.wait_until(
                lambda: "starting it again" in (tmp_path / "supervise.log").read_text(), 10
            )
            proc.send_signal(signal.SIGINT)
            assert await asyncio.wait_for(proc.wait(), 60) == 0
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
            log.close()
            admin = await asyncpg.connect(server_url)
            try:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                await admin.close()
