"""Issue 6, observation 10: the database (names, emails, phones) was created world-readable
(0644) and the file store's folders 0755. Now the database and its -wal/-shm are 0600, the data
directory and every store folder 0700, every stored file 0600 — also for a data directory made
by an earlier version, which is tightened on open."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from storage import Storage
from storage.backends.sqlite import DB_FILENAME


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


async def test_the_database_and_the_store_are_private(tmp_path: Path) -> None:
    old = os.umask(0o022)  # the usual umask, which gave 0644 and 0755
    try:
        data_dir = tmp_path / "deep" / "data"
        storage = await Storage.open(data_dir)
        try:
            sha256 = await storage.files.put_async(b"%PDF-1.4 passport scan")
            async with storage.db.transaction() as conn:
                await storage.files.record(conn, sha256, size=22, mime="application/pdf")
            with storage.files.incoming() as incoming:
                incoming.write(b"streamed")
                streamed = incoming.keep()
            db = data_dir / DB_FILENAME
            for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
                assert path.exists(), path
                assert mode(path) == 0o600, (path, oct(mode(path)))
            assert mode(data_dir) == 0o700
            for digest in (sha256, streamed):
                stored = storage.files.path(digest)
                assert mode(stored) == 0o600
                folder = stored.parent
                while folder != data_dir:
                    assert mode(folder) == 0o700, (folder, oct(mode(folder)))
                    folder = folder.parent
            # No temp file is left behind.
            assert not [p for p in storage.files.root.rglob("*.part")]
        finally:
            await storage.close()
    finally:
        os.umask(old)


async def test_an_old_world_readable_data_dir_is_tightened(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    storage = await Storage.open(data_dir)
    sha256 = await storage.files.put_async(b"old upload")
    await storage.close()
    db = data_dir / DB_FILENAME
    os.chmod(data_dir, 0o755)
    os.chmod(db, 0o644)
    os.chmod(storage.files.root, 0o755)
    storage = await Storage.open(data_dir)
    try:
        assert mode(data_dir) == 0o700
        assert mode(db) == 0o600
        assert mode(storage.files.root) == 0o700
        assert storage.files.read(sha256) == b"old upload"
    finally:
        await storage.close()
