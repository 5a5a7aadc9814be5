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
from storage.database import to_iso

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
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

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
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as tmp:
                tmp.write(data)
                tmp.flush()
                os.fsync(tmp.fileno())
            os.replace(tmp_name, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
            raise
        _fsync_dir(target.parent)
        return sha256

    async def put_async(self, data: bytes) -> str:
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
