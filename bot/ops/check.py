"""`python -m bot check`: is this installation ready to serve? Says what is wrong in plain words.

Validates the settings, opens the database and the file store, reaches the Bot API (`getMe`:
settings are "valid" only with a token Telegram accepts) and looks at the staff group: the bot must
be an administrator there, with the rights it uses (and the group a forum when STAFF_TOPICS=true),
under the id it has now (a group upgraded to a supergroup has a new one).
Plain HTTP calls, no runtime: the check must not depend on the framework it checks for.
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp
from pydantic import ValidationError

from bot.config.derived_keys import webhook_secret_source
from bot.config.settings import PUBLIC_API_URL, Settings

TIMEOUT_SECONDS = 15
ADMIN = {"administrator", "creator"}
CLOUD_FILE_MB = 20


@dataclass(frozen=True)
class Finding:
    ok: bool
    text: str

    def __str__(self) -> str:
        return f"{'ok     ' if self.ok else 'PROBLEM'}  {self.text}"


class ApiError(Exception):
    def __init__(
        self, description: str, code: int | None = None, migrated_to: int | None = None
    ) -> None:
        super().__init__(description)
        self.code = code
        self.migrated_to = migrated_to  # 400 with parameters.migrate_to_chat_id


def load_settings() -> tuple[Settings | None, list[Finding]]:
    try:
        return Settings(), []
    except ValidationError as invalid:
        return None, [
            Finding(False, f"setting {'.'.join(map(str, e['loc'])).upper()}: {e['msg']}")
            for e in invalid.errors()
        ]


def needed_rights(settings: Settings) -> dict[str, str]:
    """Administrator rights the bot uses in the staff group, and what for."""
    rights = {"can_delete_messages": "delete messages (erasing a case removes its messages)"}
    if settings.staff_topics:
        rights["can_manage_topics"] = "manage topics (a topic per case)"
    return rights


async def check(settings: Settings) -> list[Finding]:
    valid = Finding(True, f"settings are valid (runtime {settings.runtime})")
    findings = _check_settings(settings) + _check_webhook_secret(settings)
    findings += await _check_storage(settings)
    findings += await _check_bucket_retention(settings)
    if settings.bot_token is None:
        return [valid, *findings]
    base = f"{settings.telegram_api_url.rstrip('/')}/bot{settings.bot_token.get_secret_value()}"
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
    async with aiohttp.ClientSession(timeout=timeout) as http:

        async def call(method: str, **params: Any) -> Any:
            try:
                async with http.post(f"{base}/{method}", json=params) as response:
                    body = await response.json(content_type=None)
            except (aiohttp.ClientError, TimeoutError, ValueError) as failure:
                raise ApiError(f"{type(failure).__name__} {failure}".strip()) from failure
            if not isinstance(body, dict) or not body.get("ok"):
                body = body if isinstance(body, dict) else {}
                parameters = body.get("parameters") or {}
                raise ApiError(
                    str(body.get("description") or f"HTTP {response.status}"),
                    body.get("error_code"),
                    parameters.get("migrate_to_chat_id"),
                )
            return body["result"]

        try:
            me = await call("getMe")
        except ApiError as failure:
            if failure.code == 401:
                text = (
                    "the Bot API refused BOT_TOKEN (Unauthorized): Telegram answered 401, the"
                    " token is wrong or was revoked; ask @BotFather for the current one"
                )
            else:
                text = f"cannot reach the Bot API at {settings.telegram_api_url}: {failure}"
            return [*findings, Finding(False, text)]  # not "valid": the token is unproven
        findings.insert(0, valid)
        findings.append(Finding(True, f"the Bot API answers: the bot is @{me.get('username')}"))
        findings += await _check_delivery(settings, call)
        for group in settings.staff_chats:  # STAFF_CHAT_ID, STAFF_CHAT_IDS, STAFF_ROUTES
            findings += await _check_staff_group(settings, call, int(me["id"]), group)
    return findings


def _check_settings(settings: Settings) -> list[Finding]:
    findings = []
    if settings.bot_token is None:
        findings.append(Finding(False, "BOT_TOKEN is not set: without it the bot cannot serve"))
    if not settings.staff_chats:
        findings.append(
            Finding(False, "STAFF_CHAT_ID is not set: dossiers would reach no staff group")
        )
    for group in settings.staff_chats:
        if group >= 0:
            findings.append(Finding(False, f"STAFF_CHAT_ID {group} is not a group (ids are < 0)"))
    if settings.webhook_url and not settings.webhook_url.startswith("https://"):
        findings.append(Finding(False, "WEBHOOK_URL must be https:// (Telegram calls only TLS)"))
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=settings.data_dir, prefix=".check-"):
            pass
        findings.append(Finding(True, f"DATA_DIR {settings.data_dir} is writable"))
    except OSError as failure:
        findings.append(
            Finding(False, f"DATA_DIR {settings.data_dir} is not writable: {failure.strerror}")
        )
    if settings.max_file_mb > CLOUD_FILE_MB and not settings.telegram_api_local:
        findings.append(
            Finding(
                False,
                f"MAX_FILE_MB={settings.max_file_mb}: the cloud Bot API serves files up to"
                f" {CLOUD_FILE_MB} MB; run a local Bot API server and set TELEGRAM_API_LOCAL=true",
            )
        )
    if settings.telegram_api_local and settings.telegram_api_url.rstrip("/") == PUBLIC_API_URL:
        findings.append(
            Finding(False, "TELEGRAM_API_LOCAL=true but TELEGRAM_API_URL is the public Bot API")
        )
    return findings


async def _check_bucket_retention(settings: Settings) -> list[Finding]:
    """An S3 store: do deleted (erased) files really go, and cut-short uploads?"""
    url = settings.file_store_url or ""
    if not url.startswith("s3://"):
        return []
    from aiobotocore.session import get_session
    from botocore.exceptions import BotoCoreError, ClientError

    from storage.bucket_lifecycle import retention
    from storage.objects import parse_s3_url

    bucket, prefix = parse_s3_url(url)
    try:
        client_of = get_session().create_client("s3", endpoint_url=settings.s3_endpoint_url)
        async with client_of as client:
            kept = await retention(client, bucket, prefix)
    except (BotoCoreError, ClientError, ValueError) as failure:
        return [Finding(False, f"S3 bucket {bucket}: cannot read its versioning ({failure})")]
    findings = []
    if kept.keeps_erased_files:
        findings.append(
            Finding(
                False,
                f"S3 bucket {bucket} keeps versions (versioning {kept.versioning}) with no rule"
                " expiring noncurrent ones: erased files stay in it; add the lifecycle rule of"
                " deploy/s3-lifecycle.json (docs/data-retention.md)",
            )
        )
    elif kept.versioning:
        findings.append(
            Finding(
                True,
                f"S3 bucket {bucket}: deleted files' versions expire after"
                f" {kept.noncurrent_days} day(s)",
            )
        )
    else:
        findings.append(Finding(True, f"S3 bucket {bucket}: no versioning, deleted files go"))
    return findings


def _check_webhook_secret(settings: Settings) -> list[Finding]:
    """Which secret guards the webhook (never its value)."""
    if not settings.webhook_url:
        return []
    if settings.webhook_secret is None and settings.bot_token is None:
        return []  # BOT_TOKEN's absence is told already
    source = webhook_secret_source(settings)
    return [Finding(True, f"the webhook refuses calls without its secret ({source})")]


async def _check_storage(settings: Settings) -> list[Finding]:
    """Open the database and the file store the settings name, as the bot will."""
    from storage import open_file_store
    from storage.backends.opening import open_database

    database = redacted(settings.database_url) or f"SQLite in {settings.data_dir}"
    try:
        opening = open_database(settings.database_url, settings.data_dir)
        db = await asyncio.wait_for(opening, TIMEOUT_SECONDS)
        await db.close()
        findings = [Finding(True, f"the database opens ({database})")]
    except Exception as failure:
        findings = [Finding(False, f"cannot open the database {database}: {_said(failure)}")]
    store = redacted(settings.file_store_url) or f"{settings.data_dir}/files"
    try:
        opening_store = asyncio.to_thread(
            open_file_store,
            settings.file_store_url,
            settings.data_dir,
            s3_endpoint_url=settings.s3_endpoint_url,
        )
        files = await asyncio.wait_for(opening_store, TIMEOUT_SECONDS)
        await files.close()
        findings.append(Finding(True, f"the file store opens ({store})"))
    except Exception as failure:
        findings.append(Finding(False, f"cannot open the file store {store}: {_said(failure)}"))
    return findings


def redacted(url: str | None) -> str | None:
    """A URL without its password, fit to print."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _said(failure: BaseException) -> str:
    return f"{type(failure).__name__}: {failure}".rstrip(": ")


async def _check_delivery(settings: Settings, call: Any) -> list[Finding]:
    """How Telegram delivers updates now: the webhook it knows, its last error, the backlog."""
    try:
        info = await call("getWebhookInfo")
    except ApiError as failure:
        return [Finding(False, f"getWebhookInfo failed: {failure}")]
    waiting = int(info.get("pending_update_count") or 0)
    findings = [Finding(True, f"Telegram holds {waiting} update(s) not yet delivered")]
    expected = (settings.webhook_url or "").rstrip("/")
    if expected:
        expected += settings.webhook_path
        if info.get("last_error_message"):
            findings.append(
                Finding(
                    False,
                    f"Telegram cannot deliver to the webhook: {info['last_error_message']}"
                    " (is WEBHOOK_URL reachable over https, and proxied to the bot?)",
                )
            )
        elif info.get("url") != expected:
            findings.append(Finding(True, f"the webhook {expected} is set when the bot starts"))
    elif info.get("url"):
        findings.append(
            Finding(True, "a webhook is set; the bot removes it to poll when it starts")
        )
    return findings


async def _check_staff_group(
    settings: Settings, call: Any, bot_id: int, group: int
) -> list[Finding]:
    try:
        chat = await call("getChat", chat_id=group)
    except ApiError as failure:
        if failure.migrated_to is not None:
            return [
                Finding(
                    False,
                    f"the staff group {group} was upgraded to a supergroup: its id is now"
                    f" {failure.migrated_to}; put that id in the settings instead of {group}",
                )
            ]
        return [
            Finding(
                False,
                f"the staff group {group} cannot be seen by the bot ({failure}):"
                " add the bot to the group, then make it an administrator",
            )
        ]
    title = chat.get("title") or group
    findings = []
    if chat.get("type") not in {"group", "supergroup"}:
        findings.append(
            Finding(False, f"STAFF_CHAT_ID {group} is a {chat.get('type')}, not a group")
        )
    if settings.staff_topics and not chat.get("is_forum"):
        findings.append(
            Finding(
                False,
                f"STAFF_TOPICS=true but topics are not enabled in “{title}”: turn on Topics in"
                " the group's settings, or set STAFF_TOPICS=false",
            )
        )
    try:
        member = await call("getChatMember", chat_id=group, user_id=bot_id)
    except ApiError as failure:
        return [*findings, Finding(False, f"cannot read the bot's rights in “{title}”: {failure}")]
    status = member.get("status")
    if status not in ADMIN:
        findings.append(
            Finding(
                False,
                f"the bot is not an administrator of the staff group “{title}” (it is {status}):"
                " make it one",
            )
        )
        return findings
    missing = [
        what
        for right, what in needed_rights(settings).items()
        if status != "creator" and not member.get(right)
    ]
    if missing:
        findings.append(Finding(False, f"the bot lacks rights in “{title}”: " + "; ".join(missing)))
    else:
        findings.append(
            Finding(True, f"the bot is an administrator of “{title}” with the rights it needs")
        )
    return findings


async def check_command() -> int:
    """Print every finding; exit status 0 when nothing is wrong, 1 otherwise."""
    settings, findings = load_settings()
    if settings is not None:
        findings = await check(settings)
    for finding in findings:
        print(finding)
    problems = sum(not f.ok for f in findings)
    print("ready to serve" if not problems else f"{problems} problem(s) to fix")
    return 0 if not problems else 1
