"""Content-addressed file store: uploads live at ``root/ab/cd/<sha256>``.

Writes go to a temp file in the destination directory, are fsynced and then atomically renamed,
so a crash leaves either the whole file or nothing under its final name. Identical uploads share
one copy. The ``files`` table indexes what the store holds (size, mime, first seen).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import re
import tempfile
from datetime import datetime
from pathlib import Path

import aiosqlite

from dialogs.model import utcnow
from storage.database import PRIVATE_FILE_MODE, private_dir, to_iso

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


class FileStore:
    """Folders 0700 and files 0600: the uploads are the claimants' documents."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        private_dir(self.root)

    def path(self, sha256: str) -> Path:
        check_sha256(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def put(self, data: bytes) -> str:
        """Store ``data`` (idempotent) and return its sha256."""
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path(sha256)
        if target.is_file():
            return sha256
        with self.incoming() as incoming:
            incoming.write(data)
            return incoming.keep()

    def incoming(self) -> Incoming:
        """A file being received (streamed to disk, hashed while written); see `Incoming`."""
        return Incoming(self)

    def _settle(self, tmp_path: Path, sha256: str) -> None:
        """Move a complete, fsynced temp file to its content-addressed place (or drop it when
        the store already holds those bytes)."""
        target = self.path(sha256)
        if target.is_file():
            tmp_path.unlink(missing_ok=True)
            return
        private_dir(target.parent)
        os.chmod(tmp_path, PRIVATE_FILE_MODE)
        os.replace(tmp_path, target)
        _fsync_dir(target.parent)

    async def put_async(self, data: bytes) -> str:
        """Store ``data`` off the event loop."""
        return await asyncio.to_thread(self.put, data)

    async def read_async(self, sha256: str) -> bytes:
        return await asyncio.to_thread(self.read, sha256)

    @staticmethod
    async def record(
        conn: aiosqlite.Connection,
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


class Incoming:
    """A file streamed into the store: written to a temp file (0600) in the store's own folder,
    hashed as it is written, then renamed into its content-addressed place by `keep()`; dropped
    by `discard()` or when the `with` block ends without `keep()`. The head (first
    `head_bytes`) is kept in memory for type sniffing; the rest never is."""

    HEAD_BYTES = 64 * 1024

    def __init__(self, store: FileStore) -> None:
        self.store = store
        fd, name = tempfile.mkstemp(dir=store.root, prefix=".incoming-", suffix=".part")
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
