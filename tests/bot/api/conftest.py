"""The case API against the real bot (a runtime over HTTP against the fake Bot API, as in the
e2e tests), its API served on a free port of 127.0.0.1, on each database backend."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from bot.serving.aiogram_app import AiogramApp
from dialogs.model import Case, Draft, FileSection, StoredFile, utcnow
from storage import Storage
from storage.api_keys import ApiKeys, Scope
from tests.backends import TEST_DATABASE_URL, Backend, free_port
from tests.e2e.conftest import RunningBot, fake
from tests.fake_telegram import FakeTelegram

__all__ = ["fake"]

LINKS = [f"https://aliexpress.ru/item/100500765432100{i}.html" for i in range(3)]


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str]


class Client:
    """The API as a marketplace system calls it: bearer key, JSON, an Idempotency-Key."""

    def __init__(self, session: aiohttp.ClientSession, base: str, key: str | None) -> None:
        self.session, self.base, self.key = session, base, key

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        return {**headers, **(extra or {})}

    async def get(self, path: str, **params: Any) -> Answer:
        async with self.session.get(
            self.base + path, params=params, headers=self._headers()
        ) as response:
            body = await response.read()
            kind = response.headers.get("Content-Type", "")
            parsed = (await response.json()) if kind.startswith("application/json") else body
            return Answer(response.status, parsed, dict(response.headers))

    async def post(
        self, path: str, body: Any = None, *, key: str | None = None, raw: bytes | None = None
    ) -> Answer:
        headers = self._headers({"Idempotency-Key": key or uuid.uuid4().hex})
        async with self.session.post(
            self.base + path,
            json=body if raw is None else None,
            data=raw,
            headers=headers,
        ) as response:
            kind = response.headers.get("Content-Type", "")
            parsed = (await response.json()) if kind.startswith("application/json") else None
            return Answer(response.status, parsed, dict(response.headers))

    def as_key(self, key: str | None) -> Client:
        return Client(self.session, self.base, key)


@dataclass
class ApiBot:
    bot: RunningBot
    base: str
    read: Client
    decide: Client

    @property
    def storage(self) -> Storage:
        assert self.bot.app is not None
        return self.bot.app.storage

    async def key(self, scope: Scope, name: str | None = None) -> str:
        return await ApiKeys(self.storage.db).create(name or uuid.uuid4().hex[:12], scope)

    async def new_case(
        self,
        user_id: int,
        links: list[str] | None = None,
        *,
        with_file: bool = False,
        **answers: str,
    ) -> Case:
        """A case filed straight into the store (for listing many); `with_file`: with a
        certificate in the file store."""
        files = []
        if with_file:
            data = b"%PDF-1.4 certificate of user " + str(user_id).encode()
            sha256 = await self.storage.files.put_async(data)
            files.append(
                StoredFile(
                    sha256=sha256,
                    name="certificate.pdf",
                    mime="application/pdf",
                    size=len(data),
                    section=FileSection.RIGHTS_DOCS,
                )
            )
        draft = Draft(
            user_id=user_id,
            chat_id=user_id,
            links=links or LINKS[:1],
            answers={"right_type": "trademark", **answers},
            files=files,
        )
        async with self.storage.db.transaction() as conn:
            return await self.storage.cases.submit(conn, draft, now=utcnow())


def database_url(backend: Backend) -> str | None:
    if backend.name != "postgres":
        return None
    assert TEST_DATABASE_URL is not None
    joiner = "&" if "?" in TEST_DATABASE_URL else "?"
    return f"{TEST_DATABASE_URL}{joiner}search_path={backend.schema}"


StartApi = Callable[..., Awaitable[ApiBot]]


@pytest.fixture
async def start_api(fake: FakeTelegram, backend: Backend) -> AsyncIterator[StartApi]:
    """Start the bot (aiogram unless `runtime`) with its API, on the backend under test."""
    started: list[RunningBot] = []
    session = aiohttp.ClientSession()

    async def start(runtime: Any = AiogramApp, **settings: Any) -> ApiBot:
        port = free_port()
        settings = {
            "api_port": port,
            "database_url": database_url(backend),
            **settings,
        }
        bot = RunningBot(fake, backend.data_dir, runtime, **settings)
        await bot.start()
        started.append(bot)
        base = f"http://127.0.0.1:{port}"
        api = ApiBot(bot, base, Client(session, base, None), Client(session, base, None))
        api.read = Client(session, base, await api.key(Scope.READ, "reader"))
        api.decide = Client(session, base, await api.key(Scope.DECIDE, "ip-team"))
        return api

    yield start
    for bot in started:
        await bot.stop()
    await session.close()


@pytest.fixture
async def api(start_api: StartApi) -> ApiBot:
    return await start_api()
