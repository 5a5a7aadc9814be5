"""Several `python -m bot` worker processes in webhook mode against the fake Bot API, with the
fake's updates delivered to their webhook the way Telegram does it: concurrently, in no
particular order across users, again until answered 200. Shared by tests/bot/cluster/ and
`python -m bench cluster`.

The services are real: a PostgreSQL database of its own (created from ``TEST_DATABASE_URL``,
dropped afterwards) and moto's S3 server in a process of its own on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import re
import socket
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp

from tests.e2e.claimant import Claimant, Complaint, pdf, png
from tests.e2e.conftest import STAFF_CHAT_ID, STAFF_MEMBER
from tests.fake_telegram import FakeTelegram

REPO = Path(__file__).resolve().parents[3]
SECRET = "cluster-webhook-secret"
PUBLIC_URL = "https://intake.example.test"
START_TIMEOUT = 30.0
READY = ("webhook served", "taking updates from the inbox")  # a worker's log once it serves
NUMBER = re.compile(r"IP-\d{4}-\d{6}")
S3_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@asynccontextmanager
async def fresh_database(server_url: str) -> AsyncIterator[str]:
    """A new, empty database on the server of `server_url`; its URL. Dropped afterwards (the
    workers still connected are put out first)."""
    import asyncpg

    name = f"cluster_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield with_database(server_url, name)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@asynccontextmanager
async def s3_server() -> AsyncIterator[str]:
    """moto's S3 server in a process of its own (not a thread of the test's: the test's event
    loop drives the fake Telegram and the claimants); its endpoint, with a bucket "intake"."""
    port = free_port()
    env = {**os.environ, **S3_ENV}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "moto.server",
        "-H",
        "127.0.0.1",
        "-p",
        str(port),
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + START_TIMEOUT
        async with aiohttp.ClientSession() as http:
            while True:
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.put(f"{endpoint}/intake") as response:
                        if response.status == 200:
                            break
                if loop.time() > deadline or proc.returncode is not None:
                    raise RuntimeError("moto's S3 server did not start")
                await asyncio.sleep(0.2)
        yield endpoint
    finally:
        if proc.returncode is None:
            proc.kill()
        await proc.wait()


@dataclass
class Worker:
    """One `python -m bot` worker; each start (incarnation) logs to a file of its own."""

    index: int
    env: dict[str, str]
    log_dir: Path
    starts: int = 0
    proc: asyncio.subprocess.Process | None = None

    @property
    def log(self) -> Path:
        return self.log_dir / f"worker{self.index}.{self.starts}.log"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    async def start(self) -> None:
        self.starts += 1
        with self.log.open("wb") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", cwd=REPO, env=self.env, stdout=log, stderr=log
            )

    async def ready(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + START_TIMEOUT
        while not any(line in self.log_text() for line in READY):
            if not self.alive or loop.time() > deadline:
                raise RuntimeError(f"worker {self.index} did not start:\n{self.log_text()}")
            await asyncio.sleep(0.05)

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    def holds(self, lease: str) -> bool:
        """This incarnation took `lease` ("sender", "poller")."""
        return self.alive and f"lease {lease}/" in self.log_text()

    async def kill(self) -> None:
        """SIGKILL: no shutdown, no goodbye."""
        if self.alive:
            assert self.proc is not None
            self.proc.kill()
            await self.proc.wait()

    async def stop(self) -> None:
        if self.alive:
            assert self.proc is not None
            self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), 30)
            except TimeoutError:
                await self.kill()


@dataclass
class Cluster:
    fake: FakeTelegram
    log_dir: Path
    database_url: str
    file_store_url: str | None = None
    s3_endpoint: str | None = None
    size: int = 3
    settings: dict[str, str] = field(default_factory=dict)
    webhook: bool = True  # else long polling (one worker polls)
    port: int = field(default_factory=free_port)
    workers: list[Worker] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/telegram"

    def env(self, index: int) -> dict[str, str]:
        keep = ("PATH", "HOME", "LANG", "TMPDIR")
        env = {k: v for k, v in os.environ.items() if k in keep}
        env.update(S3_ENV)
        env.update(
            {
                "BOT_TOKEN": self.fake.token,
                "TELEGRAM_API_URL": self.fake.base_url,
                "STAFF_CHAT_ID": str(STAFF_CHAT_ID),
                "DATA_DIR": str(self.log_dir / f"data{index}"),
                "DATABASE_URL": self.database_url,
                "ALBUM_SETTLE_SECONDS": "0.3",
                "OUTBOX_POLL_SECONDS": "0.2",
                "OUTBOX_PRIVATE_PER_SECOND": "1000",
                "OUTBOX_PRIVATE_BURST": "1000",
                "OUTBOX_GROUP_PER_MINUTE": "60000",  # the staff group gets 8 messages a case
                "THROTTLE_UPDATES": "10000",
                "SHORT_LINK_HOSTS": '["short.invalid"]',
                "PYTHONUNBUFFERED": "1",
            }
        )
        if self.webhook:
            env["WEBHOOK_URL"] = PUBLIC_URL
            env["WEBHOOK_HOST"] = "127.0.0.1"
            env["WEBHOOK_PORT"] = str(self.port)
            env["WEBHOOK_SECRET"] = SECRET
        if self.file_store_url:
            env["FILE_STORE_URL"] = self.file_store_url
        if self.s3_endpoint:
            env["S3_ENDPOINT_URL"] = self.s3_endpoint
        env.update(self.settings)
        return env

    async def start(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.workers = [Worker(i, self.env(i), self.log_dir) for i in range(self.size)]
        for worker in self.workers:  # all at once: they migrate an empty database together
            await worker.start()
        await asyncio.gather(*(worker.ready() for worker in self.workers))

    async def restart(self, worker: Worker) -> None:
        await worker.kill()
        await worker.start()
        await worker.ready()

    def holder(self, lease: str = "sender") -> Worker | None:
        return next((w for w in self.workers if w.holds(lease)), None)

    async def stop(self) -> None:
        await asyncio.gather(*(worker.stop() for worker in self.workers))

    def logs(self) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}"
            for log in sorted(self.log_dir.glob("worker*.log"))
        )


class WebhookPump:
    """Telegram's side of webhook mode: takes the updates the fake's users queue and POSTs each
    to the webhook, many at once and shuffled across users (`jitter` seconds at random before
    each), again until it is answered 200 (a worker killed mid-request answers nothing)."""

    def __init__(self, fake: FakeTelegram, url: str, *, jitter: float = 0.05, seed: int = 0):
        self.fake = fake
        self.url = url
        self.jitter = jitter
        self.random = random.Random(seed)
        self.delivered = 0
        self.retries = 0
        self._tasks: set[asyncio.Task[None]] = set()

    async def run(self) -> None:
        connector = aiohttp.TCPConnector(force_close=True)  # spread over the workers
        async with aiohttp.ClientSession(connector=connector) as http:
            try:
                while True:
                    await self.fake.wait_until(lambda: self.fake.updates, 3600, poll_interval=0.01)
                    batch, self.fake.updates = self.fake.updates, []
                    self.random.shuffle(batch)
                    for update in batch:
                        task = asyncio.create_task(self._deliver(http, dict(update)))
                        self._tasks.add(task)
                        task.add_done_callback(self._tasks.discard)
            finally:
                for task in self._tasks:
                    task.cancel()

    async def _deliver(self, http: aiohttp.ClientSession, update: dict[str, Any]) -> None:
        await asyncio.sleep(self.random.uniform(0, self.jitter))
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        while True:
            try:
                async with http.post(self.url, json=update, headers=headers) as response:
                    if response.status == 200:
                        self.delivered += 1
                        return
            except (aiohttp.ClientError, OSError):
                pass
            self.retries += 1
            await asyncio.sleep(0.2)


class PatientClaimant(Claimant):
    """A claimant who waits longer: answers may be held up by a killed worker's takeover."""

    timeout = 60.0


def add_people(fake: FakeTelegram, claimants: list[int]) -> None:
    """The claimants, and the staff group with its member."""
    for user_id in claimants:
        fake.add_user(user_id, first_name=f"Claimant {user_id}", language_code="en")
    fake.add_user(STAFF_MEMBER, first_name="Sergey", language_code="ru")
    fake.add_group(STAFF_CHAT_ID, "IP team", members={STAFF_MEMBER: "administrator"})


def complaint_of(user_id: int) -> Complaint:
    """A trademark complaint with three files of this claimant's own."""
    return Complaint(
        evidence=(("photo", png(user_id)),),
        rights_docs=(("certificate.pdf", pdf(f"certificate of {user_id}")),),
        authority_docs=(("authority.pdf", pdf(f"authority of {user_id}")),),
    )


async def file_complaint(claimant: Claimant, delay: float) -> str:
    """After `delay` seconds: /start to the receipt; the case number."""
    await asyncio.sleep(delay)
    await claimant.reaches("review", complaint_of(claimant.user_id))
    receipt = await claimant.presses("Submit", expect="Case number")
    found = NUMBER.search(receipt.text or "")
    assert found, receipt.text
    return found.group()
