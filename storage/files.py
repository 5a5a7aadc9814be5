"""Content-addressed file store: uploads live under their sha256 (``ab/cd/<sha256>``).

:class:`ContentStore` is what the bot sees (put, read, exists, stream an upload in through
:class:`Incoming`); :class:`FileStore` keeps the files in a local folder (the default,
``file://``), :class:`storage.objects.S3FileStore` in an S3-compatible bucket (``s3://``).

On the local folder, writes go to a temp file in the destination directory, are fsynced and
then atomically renamed, so a crash leaves either the whole file or nothing under its final name.
Identical uploads share one copy. The ``files`` table indexes what the store holds (size, mime,
first seen).
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import hashlib
import os
import re
import tempfile
from datetime import datetime
from pathlib import Path

from dialogs.model import utcnow
from storage.database import Connection, to_iso
from storage.private import PRIVATE_FILE_MODE, private_dir

_SHA256 = re.compile(r"[0-9a-f]{64}")


class InvalidDigestError(ValueError):
    """Not a lowercase hex sha256; refused before it can become a path."""


def check_sha256(sha256: str) -> str:
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise InvalidDigestError(f"not a sha256 hex digest: {sha256!r}")
    return sha256


def _fsync_dir(path: Path) -> None:
    """Persist a rename; not every platform can open a directory."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class ContentStore(abc.ABC):
    """Files by sha256. An upload is streamed into a temp file in ``spool_dir`` (hashed while it
    is written), then kept under its digest; identical uploads share one copy."""

    spool_dir: Path

    @abc.abstractmethod
    def exists(self, sha256: str) -> bool: ...

    @abc.abstractmethod
    def read(self, sha256: str) -> bytes: ...

    @abc.abstractmethod
    def delete(self, sha256: str) -> bool:
        """Remove the file (erasure, retention); whether it was there. Unindex it first."""

    @abc.abstractmethod
    def _settle(self, tmp_path: Path, sha256: str) -> None:
        """Move a complete, fsynced temp file to its content-addressed place (or drop it when
        the store already holds those bytes); the temp file is gone afterwards."""

    def put(self, data: bytes) -> str:
        """Store ``data`` (idempotent) and return its sha256."""
        sha256 = hashlib.sha256(data).hexdigest()
        if self.exists(sha256):
            return sha256
        with self.incoming() as incoming:
            incoming.write(data)
            return incoming.keep()

    def incoming(self) -> Incoming:
        """A file being received (streamed to disk, hashed while written); see `Incoming`."""
        return Incoming(self)

    async def put_async(self, data: bytes) -> str:
        """Store ``data`` off the event loop."""
        return await asyncio.to_thread(self.put, data)

    async def read_async(self, sha256: str) -> bytes:
        return await asyncio.to_thread(self.read, sha256)

    async def close(self) -> None:  # noqa: B027 - optional hook, the local folder holds nothing
        """Release connections (the local folder holds none)."""

    @staticmethod
    async def record(
        conn: Connection,
        sha256: str,
        *,
        size: int,
        mime: str,
        now: datetime | None = None,
    ) -> None:
        """Index a stored file inside the caller's transaction; the first sighting wins."""
        await conn.execute(
            "INSERT INTO files (sha256, size, mime, first_seen) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (sha256) DO NOTHING",
            (check_sha256(sha256), size, mime, to_iso(now or utcnow())),
        )


class FileStore(ContentStore):
    """A local folder. Folders 0700 and files 0600: the uploads are the claimants' documents."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        private_dir(self.root)
        self.spool_dir = self.root

    def path(self, sha256: str) -> Path:
        check_sha256(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def delete(self, sha256: str) -> bool:
        try:
            self.path(sha256).unlink()
        except FileNotFoundError:
            return False
        return True

    def _settle(self, tmp_path: Path, sha256: str) -> None:
        target = self.path(sha256)
        if target.is_file():
            tmp_path.unlink(missing_ok=True)
            return
        private_dir(target.parent)
        os.chmod(tmp_path, PRIVATE_FILE_MODE)
        os.replace(tmp_path, target)
        _fsync_dir(target.parent)


class Incoming:
    """A file streamed into the store: written to a temp file (0600) in the store's spool folder,
    hashed as it is written, then renamed into its content-addressed place by `keep()`; dropped
    by `discard()` or when the `with` block ends without `keep()`. The head (first
    `head_bytes`) is kept in memory for type sniffing; the rest never is."""

    HEAD_BYTES = 64 * 1024

    def __init__(self, store: ContentStore) -> None:
        self.store = store
        fd, name = tempfile.mkstemp(dir=store.spool_dir, prefix=".incoming-", suffix=".part")
        self.path = Path(name)
        self._file = os.fdopen(fd, "wb")
        self._hash = hashlib.sha256()
        self.size = 0
        self.head = b""
        self.sha256: str | None = None

    def __enter__(self) -> Incoming:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.sha256 is None:
            self.discard()

    def write(self, chunk: bytes) -> None:
        self._file.write(chunk)
        self._hash.update(chunk)
        self.size += len(chunk)
        if len(self.head) < self.HEAD_BYTES:
            self.head += chunk[: self.HEAD_BYTES - len(self.head)]

    def flush(self) -> None:
        self._file.flush()

    def rewind(self) -> None:
        """Start again from nothing (a download retried from the beginning)."""
        self._file.seek(0)
        self._file.truncate()
        self._hash = hashlib.sha256()
        self.size = 0
        self.head = b""

    def finish(self) -> str:
        """All bytes written: flushed, fsynced, closed; returns the sha256 (not yet kept)."""
        if not self._file.closed:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
        return self._hash.hexdigest()

    def keep(self) -> str:
        """Into the store under its sha256 (idempotent); returns the sha256."""
        sha256 = self.finish()
        self.store._settle(self.path, sha256)
        self.sha256 = sha256
        return sha256

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self._file.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
