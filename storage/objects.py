"""The file store in an S3-compatible bucket (aiobotocore): ``s3://bucket/prefix``.

Keys are content addressed like the local folder's paths (``prefix/ab/cd/<sha256>``). An upload
is spooled to a local temp file while it is hashed and checked (:class:`storage.files.Incoming`),
then sent from that file part by part (a multipart upload above one part), so a file is never
held in memory whole. Credentials and region come from the usual AWS environment variables;
``S3_ENDPOINT_URL`` points at a non-AWS server (MinIO, moto, …).

aiobotocore is asyncio, but the store must also serve synchronous callers in worker threads (the
dossier builders read files while composing a ZIP off the event loop). So the client lives on a
small event loop of its own, in a thread; every call, synchronous or not, runs there.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Coroutine
from concurrent.futures import Future
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from aiobotocore.session import get_session
from botocore.exceptions import ClientError

from storage.bucket_lifecycle import tidy
from storage.files import ContentStore, check_sha256
from storage.private import private_dir

T = TypeVar("T")

PART_BYTES = 8 * 1024 * 1024  # S3 wants parts of 5 MiB at least (all but the last)
DEFAULT_REGION = "us-east-1"


def parse_s3_url(url: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` → ("bucket", "some/prefix")."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError(f"FILE_STORE_URL must look like s3://bucket/prefix, got {url!r}")
    return parts.netloc, parts.path.strip("/")


class S3FileStore(ContentStore):
    def __init__(
        self,
        bucket: str,
        prefix: str,
        *,
        spool_dir: Path,
        endpoint_url: str | None = None,
        region: str | None = None,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        private_dir(Path(spool_dir))
        self.spool_dir = Path(spool_dir)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="s3-store", daemon=True)
        self._thread.start()
        self._stack = AsyncExitStack()
        region = region or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
        try:
            self._client: Any = self._run(self._connect(endpoint_url, region))
        except BaseException:
            self._stop()
            raise

    @classmethod
    def from_url(cls, url: str, *, spool_dir: Path, endpoint_url: str | None) -> S3FileStore:
        bucket, prefix = parse_s3_url(url)
        return cls(bucket, prefix, spool_dir=spool_dir, endpoint_url=endpoint_url)

    # -- the private loop ------------------------------------------------------------------

    async def _connect(self, endpoint_url: str | None, region: str) -> Any:
        client = await self._stack.enter_async_context(
            get_session().create_client("s3", endpoint_url=endpoint_url, region_name=region)
        )
        try:
            await client.head_bucket(Bucket=self.bucket)
        except ClientError as error:
            await self._stack.aclose()
            raise RuntimeError(f"S3 bucket {self.bucket!r} is not reachable: {error}") from error
        await tidy(client, self.bucket, self.prefix)  # no upload cut short is kept
        return client

    def _submit(self, coro: Coroutine[Any, Any, T]) -> Future[T]:
        return asyncio.run_coroutine_threadsafe(coro, self._loop)

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        """From any thread except the store's own (it would wait on itself)."""
        if threading.current_thread() is self._thread:
            raise RuntimeError("S3FileStore called from its own loop")
        return self._submit(coro).result()

    async def _on_loop(self, coro: Coroutine[Any, Any, T]) -> T:
        return await asyncio.wrap_future(self._submit(coro))

    def _stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        with contextlib.suppress(RuntimeError):
            self._loop.close()

    async def close(self) -> None:
        if self._loop.is_closed():
            return
        await self._on_loop(self._stack.aclose())
        await asyncio.to_thread(self._stop)

    # -- keys and calls --------------------------------------------------------------------

    def key(self, sha256: str) -> str:
        check_sha256(sha256)
        name = f"{sha256[:2]}/{sha256[2:4]}/{sha256}"
        return f"{self.prefix}/{name}" if self.prefix else name

    async def _exists(self, key: str) -> bool:
        try:
            await self._client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    async def _read(self, key: str) -> bytes:
        response = await self._client.get_object(Bucket=self.bucket, Key=key)
        async with response["Body"] as body:
            data: bytes = await body.read()
        return data

    async def _upload(self, path: Path, key: str) -> None:
        """From the spooled file, one part (at most PART_BYTES) in memory at a time."""
        if await self._exists(key):
            return
        size = path.stat().st_size
        with path.open("rb") as source:
            if size <= PART_BYTES:
                await self._client.put_object(Bucket=self.bucket, Key=key, Body=source.read())
                return
            upload = await self._client.create_multipart_upload(Bucket=self.bucket, Key=key)
            upload_id = upload["UploadId"]
            try:
                parts = []
                number = 1
                while chunk := source.read(PART_BYTES):
                    sent = await self._client.upload_part(
                        Bucket=self.bucket,
                        Key=key,
                        UploadId=upload_id,
                        PartNumber=number,
                        Body=chunk,
                    )
                    parts.append({"ETag": sent["ETag"], "PartNumber": number})
                    number += 1
                await self._client.complete_multipart_upload(
                    Bucket=self.bucket,
                    Key=key,
                    UploadId=upload_id,
                    MultipartUpload={"Parts": parts},
                )
            except BaseException:
                with contextlib.suppress(Exception):
                    await self._client.abort_multipart_upload(
                        Bucket=self.bucket, Key=key, UploadId=upload_id
                    )
                raise

    # -- the ContentStore surface ----------------------------------------------------------

    def exists(self, sha256: str) -> bool:
        return self._run(self._exists(self.key(sha256)))

    def read(self, sha256: str) -> bytes:
        return self._run(self._read(self.key(sha256)))

    async def read_async(self, sha256: str) -> bytes:
        return await self._on_loop(self._read(self.key(sha256)))

    async def _delete(self, key: str) -> bool:
        if not await self._exists(key):
            return False
        await self._client.delete_object(Bucket=self.bucket, Key=key)
        return True

    def delete(self, sha256: str) -> bool:
        return self._run(self._delete(self.key(sha256)))

    def _settle(self, tmp_path: Path, sha256: str) -> None:
        try:
            self._run(self._upload(tmp_path, self.key(sha256)))
        finally:
            tmp_path.unlink(missing_ok=True)
