"""Storage backends for the tests: SQLite in a temp folder, and PostgreSQL in a fresh schema per
test (dropped afterwards) when ``TEST_DATABASE_URL`` names a server; the file store in a local
folder and in an S3 bucket on moto's server (127.0.0.1, a free port), one bucket per test.

Real services, no mocks of them. Without ``TEST_DATABASE_URL`` the PostgreSQL variants are
skipped with a message saying how to run them.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from storage import ContentStore, FileStore, Storage
from storage.backends.postgres import PostgresDatabase
from storage.backends.sqlite import SqliteDatabase
from storage.database import Database

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
PG_SKIP = (
    "PostgreSQL tests skipped: set TEST_DATABASE_URL to run them, e.g. "
    "TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test make test "
    "(.ci/run does; each test gets a schema of its own, dropped afterwards)"
)
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@dataclass
class Backend:
    """Opens the database (again, for a "restart") on one backend, in one test's isolation."""

    name: str
    data_dir: Path
    schema: str | None = None

    async def database(self) -> Database:
        if self.name == "sqlite":
            db = await SqliteDatabase.open(self.data_dir)
        else:
            assert TEST_DATABASE_URL is not None
            db = await PostgresDatabase.connect(TEST_DATABASE_URL, schema=self.schema)
        return db

    async def storage(self) -> Storage:
        return await Storage.open(self.data_dir, db=await self.database())


async def _pg_admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(TEST_DATABASE_URL)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(params=BACKENDS)
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    name = request.param
    if name == "sqlite":
        yield Backend("sqlite", tmp_path / "data")
        return
    if not TEST_DATABASE_URL:
        pytest.skip(PG_SKIP)
    schema = f"test_{uuid.uuid4().hex[:16]}"
    await _pg_admin(f'CREATE SCHEMA "{schema}"')
    try:
        yield Backend("postgres", tmp_path / "data", schema=schema)
    finally:
        await _pg_admin(f'DROP SCHEMA "{schema}" CASCADE')


# -- the file store --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """moto's S3 in server mode on 127.0.0.1; its endpoint URL."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request otherwise

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def make_bucket(endpoint: str) -> str:
    import boto3

    name = f"test-{uuid.uuid4().hex[:20]}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket=name)
    return name


@dataclass
class FileBackend:
    name: str
    url: str | None
    endpoint: str | None
    data_dir: Path

    def open(self) -> ContentStore:
        from storage import open_file_store

        return open_file_store(self.url, self.data_dir, s3_endpoint_url=self.endpoint)


@pytest.fixture(params=["local", "s3"])
def file_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[FileBackend]:
    if request.param == "local":
        yield FileBackend("local", None, None, tmp_path / "data")
        return
    endpoint = request.getfixturevalue("s3_server")
    yield FileBackend("s3", f"s3://{make_bucket(endpoint)}/intake", endpoint, tmp_path / "data")


@pytest.fixture
async def file_store(file_backend: FileBackend) -> AsyncIterator[ContentStore]:
    import asyncio

    store = await asyncio.to_thread(file_backend.open)
    try:
        yield store
    finally:
        await store.close()


__all__ = ["BACKENDS", "Backend", "FileBackend", "FileStore"]
