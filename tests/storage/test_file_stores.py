"""The file store on both backends: a local folder and an S3 bucket (moto's server on
127.0.0.1). Uploads are streamed in through `Incoming`, content addressed and deduplicated; the
dossier builders read through the same interface."""

from __future__ import annotations

import asyncio
import hashlib
import os
from datetime import UTC, datetime

import pytest

from storage import ContentStore, Storage
from storage.files import InvalidDigestError
from tests.backends import Backend, FileBackend


async def test_put_read_exists_and_dedupe(file_store: ContentStore) -> None:
    data = b"%PDF-1.4 certificate"
    sha = await file_store.put_async(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert await file_store.put_async(data) == sha  # identical upload: one copy
    assert await asyncio.to_thread(file_store.exists, sha)
    assert await file_store.read_async(sha) == data
    assert await asyncio.to_thread(file_store.read, sha) == data  # sync, as the dossier reads
    assert not await asyncio.to_thread(file_store.exists, "0" * 64)


async def test_streamed_upload_by_parts(file_store: ContentStore) -> None:
    """Bigger than one multipart part (8 MiB): written chunk by chunk, sent part by part."""
    chunk = os.urandom(1024 * 1024)
    expected = hashlib.sha256()
    with file_store.incoming() as incoming:
        for i in range(17):
            piece = bytes([i]) + chunk[1:]
            incoming.write(piece)
            expected.update(piece)
        sha = await asyncio.to_thread(incoming.keep)
    assert sha == expected.hexdigest()
    assert incoming.size == 17 * len(chunk)
    data = await file_store.read_async(sha)
    assert hashlib.sha256(data).hexdigest() == sha
    assert not [p for p in file_store.spool_dir.iterdir() if p.name.startswith(".incoming-")]


async def test_an_upload_not_kept_leaves_nothing(file_store: ContentStore) -> None:
    with file_store.incoming() as incoming:
        incoming.write(b"half a file")
        path = incoming.path
    assert not path.exists()
    sha = hashlib.sha256(b"half a file").hexdigest()
    assert not await asyncio.to_thread(file_store.exists, sha)


async def test_bad_digest_is_refused(file_store: ContentStore) -> None:
    with pytest.raises(InvalidDigestError):
        await file_store.read_async("../../etc/passwd")


async def test_storage_opens_the_store_by_url(backend: Backend, file_backend: FileBackend) -> None:
    """`Storage.open` with DATABASE_URL-like and FILE_STORE_URL choices; the dossier ZIP is
    built from files read through the store."""
    from bot.dossier import build_dossier_zip
    from tests.storage.test_drafts import rich_draft

    db = await backend.database()
    s = await Storage.open(
        file_backend.data_dir,
        db=db,
        file_store_url=file_backend.url,
        s3_endpoint_url=file_backend.endpoint,
    )
    try:
        data = b"%PDF-1.4 the certificate"
        sha = await s.files.put_async(data)
        draft = rich_draft()
        draft = draft.model_copy(
            update={
                "files": [
                    f.model_copy(update={"sha256": sha, "size": len(data)}) for f in draft.files
                ]
            }
        )
        async with s.db.transaction() as conn:
            case = await s.cases.submit(conn, draft, now=datetime.now(UTC))
        archive = await asyncio.to_thread(build_dossier_zip, case, b"%PDF", s.files.read)
        assert len(archive) > 0
    finally:
        await s.close()


async def test_delete(file_store: ContentStore) -> None:
    sha = await file_store.put_async(b"to be erased")
    assert await asyncio.to_thread(file_store.delete, sha)
    assert not await asyncio.to_thread(file_store.exists, sha)
    assert not await asyncio.to_thread(file_store.delete, sha)  # gone already
