"""What an S3 bucket keeps after the bot deletes a file: erasure must reach every copy.

- With versioning on, a deleted object stays as a noncurrent version until a lifecycle rule
  with `NoncurrentVersionExpiration` removes it; `python -m bot check` says when there is none.
- A multipart upload cut short (a worker killed mid-upload) keeps its parts, unseen, until it is
  aborted: the store puts an `AbortIncompleteMultipartUpload` rule on its prefix at start when it
  may, and aborts the uploads under its prefix older than `STALE_UPLOAD` either way.

The calls take an aiobotocore S3 client (`deploy/s3-lifecycle.json` holds both rules for
operators who set the bucket up by hand).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

log = logging.getLogger(__name__)

ABORT_RULE_ID = "ip-intake-bot-abort-incomplete-uploads"
ABORT_AFTER_DAYS = 1
STALE_UPLOAD = timedelta(days=ABORT_AFTER_DAYS)
NO_LIFECYCLE = ("NoSuchLifecycleConfiguration",)


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _covers(rule: dict[str, Any], prefix: str) -> bool:
    """An enabled rule that applies to every key under `prefix` (a filter by tag or size
    applies to some only)."""
    if rule.get("Status") != "Enabled":
        return False
    scope = rule.get("Filter")
    if scope is None:
        rule_prefix = rule.get("Prefix", "")
    elif set(scope) <= {"Prefix"}:
        rule_prefix = scope.get("Prefix", "")
    else:
        return False
    return prefix.startswith(rule_prefix)


async def lifecycle_rules(client: Any, bucket: str) -> list[dict[str, Any]]:
    try:
        answer = await client.get_bucket_lifecycle_configuration(Bucket=bucket)
    except ClientError as error:
        if _error_code(error) in NO_LIFECYCLE:
            return []
        raise
    return list(answer.get("Rules", []))


@dataclass(frozen=True)
class Retention:
    versioning: str  # "Enabled", "Suspended", or "" (never turned on)
    noncurrent_days: int | None  # noncurrent versions expire after this many days (None: kept)
    abort_days: int | None  # incomplete uploads aborted after this many days (None: kept)

    @property
    def keeps_erased_files(self) -> bool:
        return self.versioning != "" and self.noncurrent_days is None


async def retention(client: Any, bucket: str, prefix: str) -> Retention:
    """What happens to deleted files and cut-short uploads under `prefix` in `bucket`."""
    versioning = await client.get_bucket_versioning(Bucket=bucket)
    rules = [rule for rule in await lifecycle_rules(client, bucket) if _covers(rule, prefix)]
    noncurrent = [
        int(rule["NoncurrentVersionExpiration"]["NoncurrentDays"])
        for rule in rules
        if "NoncurrentDays" in rule.get("NoncurrentVersionExpiration", {})
    ]
    aborts = [
        int(rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"])
        for rule in rules
        if "DaysAfterInitiation" in rule.get("AbortIncompleteMultipartUpload", {})
    ]
    return Retention(
        str(versioning.get("Status", "")),
        min(noncurrent) if noncurrent else None,
        min(aborts) if aborts else None,
    )


async def ensure_abort_rule(client: Any, bucket: str, prefix: str) -> bool:
    """Put the rule aborting incomplete uploads under `prefix`, keeping the bucket's other
    rules, unless one covers it already. False when the bucket's owner does not let us."""
    try:
        rules = await lifecycle_rules(client, bucket)
        if any(
            _covers(rule, prefix) and "AbortIncompleteMultipartUpload" in rule for rule in rules
        ):
            return True
        rule = {
            "ID": ABORT_RULE_ID,
            "Filter": {"Prefix": f"{prefix}/" if prefix else ""},
            "Status": "Enabled",
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": ABORT_AFTER_DAYS},
        }
        others = [r for r in rules if r.get("ID") != ABORT_RULE_ID]
        await client.put_bucket_lifecycle_configuration(
            Bucket=bucket, LifecycleConfiguration={"Rules": [*others, rule]}
        )
    except ClientError as error:
        log.warning(
            "S3 bucket %s: cannot put the rule aborting incomplete uploads (%s); they are"
            " swept at start instead",
            bucket,
            _error_code(error) or error,
        )
        return False
    return True


async def abort_stale_uploads(
    client: Any, bucket: str, prefix: str, *, older_than: timedelta = STALE_UPLOAD
) -> int:
    """Abort the multipart uploads under `prefix` started more than `older_than` ago (younger
    ones may be another worker's, going on). Returns how many."""
    cutoff = datetime.now(UTC) - older_than
    aborted = 0
    paginator = client.get_paginator("list_multipart_uploads")
    async for page in paginator.paginate(Bucket=bucket, Prefix=f"{prefix}/" if prefix else ""):
        for upload in page.get("Uploads", []):
            if upload["Initiated"] > cutoff:
                continue
            try:
                await client.abort_multipart_upload(
                    Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                )
                aborted += 1
            except ClientError as error:
                if _error_code(error) != "NoSuchUpload":  # aborted meanwhile: fine
                    raise
    if aborted:
        log.info("S3 bucket %s: %d incomplete upload(s) aborted", bucket, aborted)
    return aborted


async def tidy(client: Any, bucket: str, prefix: str) -> None:
    """At the store's start: the abort rule if it may, and the stale uploads swept either way.
    Never fatal: the files are safe without it."""
    await ensure_abort_rule(client, bucket, prefix)
    try:
        await abort_stale_uploads(client, bucket, prefix)
    except ClientError as error:
        log.warning("S3 bucket %s: incomplete uploads not swept (%s)", bucket, error)
