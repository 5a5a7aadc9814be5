from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from storage import FileStore, InvalidDigestError, Storage


def all_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_put_is_content_addressed_and_deduplicated(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "files")
    data = b"%PDF-1.7 certificate"
    sha = store.put(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert store.path(sha) == tmp_path / "files" / sha[:2] / sha[2:4] / sha
    assert store.exists(sha)
    assert store.read(sha) == data

    assert store.put(data) == sha
    assert all_files(tmp_path) == [store.path(sha)]


def test_failed_write_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FileStore(tmp_path / "files")

    def exploding_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", exploding_fsync)
    data = b"x" * 100_000
    with pytest.raises(OSError, match="disk full"):
        store.put(data)
    monkeypatch.undo()

    sha = hashlib.sha256(data).hexdigest()
    assert not store.exists(sha)
    assert all_files(tmp_path) == []  # neither the target nor a stray temp file

    assert store.put(data) == sha  # and a later attempt succeeds
    assert store.read(sha) == data


def test_failed_rename_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FileStore(tmp_path / "files")

    def exploding_replace(src: str, dst: str) -> None:
        raise OSError("rename failed")

    monkeypatch.setattr(os, "replace", exploding_replace)
    with pytest.raises(OSError, match="rename failed"):
        store.put(b"data")
    assert all_files(tmp_path) == []


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "../../etc/passwd",
        "a" * 63,
        "a" * 65,
        "A" * 64,
        "g" * 64,
        "/" + "a" * 63,
        "a" * 62 + "/.",
        "a" * 64 + "\n",
    ],
)
def test_bad_digest_is_rejected(tmp_path: Path, bad: str) -> None:
    store = FileStore(tmp_path)
    for op in (store.path, store.exists, store.read):
        with pytest.raises(InvalidDigestError):
            op(bad)


async def test_put_async_and_record_in_index(tmp_path: Path) -> None:
    s = await Storage.open(tmp_path)
    try:
        sha = await s.files.put_async(b"png bytes")
        assert s.files.exists(sha)
        assert s.files.path(sha).is_relative_to(tmp_path / "files")
        async with s.db.transaction() as conn:
            await s.files.record(conn, sha, size=9, mime="image/png")
            await s.files.record(conn, sha, size=9, mime="ignored/dup")
        async with s.db.read() as conn:
            rows = list(await conn.execute_fetchall("SELECT sha256, size, mime FROM files"))
        assert [tuple(r) for r in rows] == [(sha, 9, "image/png")]

        with pytest.raises(InvalidDigestError):
            async with s.db.transaction() as conn:
                await s.files.record(conn, "../x", size=1, mime="x")
    finally:
        await s.close()
