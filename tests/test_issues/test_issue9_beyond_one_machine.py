"""Issue 9: the bot itself (aiogram, over HTTP against the fake Bot API) on each database backend
with its files in an S3 bucket (moto's server on 127.0.0.1): a complaint with files is filed,
the staff group gets the dossier ZIP built from the bucket, and the case survives a restart."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import AsyncIterator

import pytest

from tests.backends import TEST_DATABASE_URL, Backend, make_bucket
from tests.e2e.claimant import Complaint, pdf, png
from tests.e2e.conftest import CLAIMANT, STAFF_CHAT_ID, STAFF_MEMBER, RunningBot
from tests.e2e.staff.conftest import case_of, file_complaint, outbox_drained, staff_presses
from tests.fake_telegram import FakeTelegram


@pytest.fixture
async def bot_on_backend(
    fake: FakeTelegram, backend: Backend, s3_server: str
) -> AsyncIterator[RunningBot]:
    database_url = None
    if backend.name == "postgres":
        assert TEST_DATABASE_URL is not None
        joiner = "&" if "?" in TEST_DATABASE_URL else "?"
        database_url = f"{TEST_DATABASE_URL}{joiner}search_path={backend.schema}"
    bot = RunningBot(
        fake,
        backend.data_dir,
        database_url=database_url,
        file_store_url=f"s3://{make_bucket(s3_server)}/intake",
        s3_endpoint_url=s3_server,
    )
    await bot.start()
    yield bot
    await bot.stop()


async def test_a_complaint_with_files_on_the_backend_and_s3(
    fake: FakeTelegram, bot_on_backend: RunningBot
) -> None:
    evidence, certificate = png(4), pdf("certificate 777")
    complaint = Complaint(
        evidence=(("photo", evidence),),
        rights_docs=(("certificate.pdf", certificate),),
    )
    filed = await file_complaint(fake, bot_on_backend, CLAIMANT, complaint)
    assert bot_on_backend.app is not None
    storage = bot_on_backend.app.storage
    assert type(storage.files).__name__ == "S3FileStore"
    case = await case_of(bot_on_backend, filed.number)
    sent = {f.sha256 for f in case.draft.files}
    assert {hashlib.sha256(data).hexdigest() for data in (evidence, certificate)} <= sent
    for sha in sent:
        assert hashlib.sha256(await storage.files.read_async(sha)).hexdigest() == sha
    assert not (bot_on_backend.data_dir / "files").exists()  # nothing kept locally

    # The card is the dossier PDF (from the bucket); the originals come with "📎 Files".
    assert filed.card.document is not None and filed.card.document.data is not None
    await staff_presses(fake, STAFF_MEMBER, filed.card, "Files")
    await outbox_drained(fake, bot_on_backend)
    originals = {
        hashlib.sha256(m.document.data).hexdigest()
        for m in fake.messages(STAFF_CHAT_ID)
        if m.document is not None and m.document.data is not None and m is not filed.card
    }
    assert originals == sent
    zip_sha256 = await storage.cases.dossier_zip(case.id)
    assert zip_sha256 is not None
    archive = await storage.files.read_async(zip_sha256)  # the ZIP kept in the bucket
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        manifest = json.loads(zipped.read("manifest.json"))
        assert {entry["sha256"] for entry in manifest["files"]} == sent

    await bot_on_backend.stop()
    await bot_on_backend.start()  # a restart: the case is still there
    again = await case_of(bot_on_backend, filed.number)
    assert again.draft == case.draft
