"""Issue 14 §4: erasure reaches every copy in an S3 store (moto's server on 127.0.0.1).

- With versioning on, a deleted file stays as a noncurrent version: `bot check` says so until a
  rule expires them (the one in deploy/s3-lifecycle.json);
- an upload cut short keeps its parts unseen: the store puts a rule aborting them on its prefix
  at start (keeping the bucket's other rules), and aborts the stale ones itself."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
from aiobotocore.session import get_session

from bot.config.settings import Settings
from bot.ops.check import check
from storage import open_file_store
from storage.bucket_lifecycle import ABORT_RULE_ID, abort_stale_uploads
from tests.backends import make_bucket

REPO = Path(__file__).resolve().parents[2]
SHA = "ab" * 32
CENTURY = timedelta(days=36500)


def s3(endpoint: str) -> Any:
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")


def bucket_lines(settings: Settings, findings: list[Any]) -> list[str]:
    return [str(f) for f in findings if "S3 bucket" in f.text]


async def test_check_warns_while_versioning_keeps_erased_files(
    s3_server: str, tmp_path: Path
) -> None:
    bucket = make_bucket(s3_server)
    client = s3(s3_server)
    settings = Settings(  # type: ignore[call-arg]
        data_dir=tmp_path,
        file_store_url=f"s3://{bucket}/intake",
        s3_endpoint_url=s3_server,
        _env_file=None,
    )
    (line,) = bucket_lines(settings, await check(settings))
    assert line.startswith("ok") and "no versioning" in line

    client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    store = await asyncio.to_thread(
        open_file_store, settings.file_store_url, tmp_path, s3_endpoint_url=s3_server
    )
    try:
        sha = await store.put_async(b"a claimant's passport scan")
        assert store.delete(sha)  # what erasure does
    finally:
        await store.close()
    versions = client.list_object_versions(Bucket=bucket, Prefix="intake/")
    assert versions.get("Versions")  # deleted, yet its content is still in the bucket
    (line,) = bucket_lines(settings, await check(settings))
    assert line.startswith("PROBLEM") and "erased files stay" in line

    rules = json.loads((REPO / "deploy" / "s3-lifecycle.json").read_text())
    client.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration=rules)
    (line,) = bucket_lines(settings, await check(settings))
    assert line.startswith("ok") and "expire after 7 day(s)" in line


async def test_the_store_aborts_uploads_cut_short(s3_server: str, tmp_path: Path) -> None:
    bucket = make_bucket(s3_server)
    client = s3(s3_server)
    operators = {
        "ID": "operators-own",
        "Filter": {"Prefix": "tmp/"},
        "Status": "Enabled",
        "Expiration": {"Days": 3},
    }
    client.put_bucket_lifecycle_configuration(
        Bucket=bucket, LifecycleConfiguration={"Rules": [operators]}
    )
    ours = client.create_multipart_upload(Bucket=bucket, Key=f"intake/ab/ab/{SHA}")
    theirs = client.create_multipart_upload(Bucket=bucket, Key="other/thing")

    store = await asyncio.to_thread(
        open_file_store, f"s3://{bucket}/intake", tmp_path, s3_endpoint_url=s3_server
    )
    await store.close()
    rules = client.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    by_id = {rule["ID"]: rule for rule in rules}
    assert by_id["operators-own"]["Expiration"] == {"Days": 3}  # kept
    abort = by_id[ABORT_RULE_ID]
    assert abort["Status"] == "Enabled" and abort["Filter"] == {"Prefix": "intake/"}
    assert abort["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}
    # moto dates every upload 2010-11-10: ours is stale, swept at start; others' stay.
    uploads = client.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
    assert [u["UploadId"] for u in uploads] == [theirs["UploadId"]]
    assert ours["UploadId"] not in {u["UploadId"] for u in uploads}

    # One younger than the age given is left alone (it may be another worker's, going on).
    young = client.create_multipart_upload(Bucket=bucket, Key=f"intake/cd/cd/{'cd' * 32}")
    async with get_session().create_client(
        "s3", endpoint_url=s3_server, region_name="us-east-1"
    ) as aio:
        assert await abort_stale_uploads(aio, bucket, "intake", older_than=CENTURY) == 0
        assert await abort_stale_uploads(aio, bucket, "intake", older_than=timedelta(0)) == 1
    uploads = client.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
    assert young["UploadId"] not in {u["UploadId"] for u in uploads}
    assert [u["UploadId"] for u in uploads] == [theirs["UploadId"]]

    store = await asyncio.to_thread(  # opened again: the rule is there, not added twice
        open_file_store, f"s3://{bucket}/intake", tmp_path, s3_endpoint_url=s3_server
    )
    await store.close()
    again = client.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert sorted(r["ID"] for r in again) == sorted(by_id)
