"""Configuration from the environment and `.env` (the runtime contract in the design)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import DirectoryPath, Field, SecretStr, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SecretsSettingsSource,
    SettingsConfigDict,
)

from dialogs.model import Lang
from dialogs.validators.links import ListingLinkRules

if TYPE_CHECKING:
    from storage import Storage

PUBLIC_API_URL = "https://api.telegram.org"
TOKEN_SHAPE = re.compile(r"\d+:[A-Za-z0-9_-]+")
# Telegram's rule for setWebhook's secret_token: 1-256 characters, A-Z, a-z, 0-9, _ and -.
WEBHOOK_SECRET_CHARSET = re.compile(r"[A-Za-z0-9_-]{1,256}")


def secrets_dirs() -> list[Path]:
    """Folders holding one file per secret setting, named after it (`bot_token`,
    `database_url`, …): SECRETS_DIR if set, and systemd's $CREDENTIALS_DIRECTORY (set by
    `LoadCredential=`). Compose's `secrets:` mounts at /run/secrets: SECRETS_DIR=/run/secrets."""
    named = (os.environ.get(name, "").strip() for name in ("SECRETS_DIR", "CREDENTIALS_DIRECTORY"))
    return [Path(folder) for folder in named if folder and Path(folder).is_dir()]


class Settings(BaseSettings):
    # An empty value (`STAFF_CHAT_ID=` as in .env.example) means unset: the default applies.
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The environment and `.env` first, then the secret files (read when a Settings is
        made, so a test or a unit can point SECRETS_DIR elsewhere)."""
        files = SecretsSettingsSource(settings_cls, secrets_dir=secrets_dirs() or None)
        return init_settings, env_settings, dotenv_settings, files

    # Named here so that `check` reports a SECRETS_DIR that is not a folder (the files in it are
    # read by the source above, not through this field).
    secrets_dir: DirectoryPath | None = None
    bot_token: SecretStr | None = None
    runtime: Literal["aiogram", "ptb"] = "aiogram"
    telegram_api_url: str = PUBLIC_API_URL
    # A local Bot API server (telegram-bot-api --local): files up to 2000 MB, read from its disk
    telegram_api_local: bool = False
    staff_chat_id: int | None = None
    # Several staff groups (a big team is not capped by one group's 20 messages a minute):
    # cases go to STAFF_ROUTES by right type, the others in turn; STAFF_CHAT_ID is one of them.
    staff_chat_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    staff_routes: Annotated[dict[str, int], NoDecode] = Field(default_factory=dict)
    staff_lang: Lang = "en"
    seller_lang: Lang = "ru"  # the language of the notice forwarded to the seller
    staff_topics: bool = False  # a forum topic per case in the staff group (it must be a forum)
    data_dir: Path = Path("data")
    # Where the state lives (storage/): SQLite and a folder in DATA_DIR unless these say otherwise.
    database_url: str | None = None  # sqlite:///path/intake.sqlite3 or postgresql://…
    file_store_url: str | None = None  # file:///path or s3://bucket/prefix
    s3_endpoint_url: str | None = None  # a non-AWS S3 server (MinIO, …); keys from AWS_* vars

    webhook_url: str | None = None
    webhook_path: str = "/telegram"
    webhook_host: str = "127.0.0.1"
    webhook_port: int = 8080
    webhook_secret: SecretStr | None = None

    case_webhook_url: str | None = None  # every case event is POSTed here, signed
    case_webhook_secret: SecretStr | None = None
    case_webhook_retry_seconds: float = 5.0  # the first retry; doubled each time, up to an hour

    # The case API for the marketplace's own systems (bot/api/, docs/api/): off unless a port
    # is set; every worker of a cluster serves it. Per key: API_RATE_PER_SECOND, bursts of
    # API_RATE_BURST.
    api_port: int | None = None
    api_host: str = "127.0.0.1"
    api_rate_per_second: Annotated[float, Field(gt=0)] = 5.0
    api_rate_burst: Annotated[float, Field(ge=1)] = 20.0

    # Accept and Reject are told to the claimant this long after they are confirmed; until
    # then "Undo" on the card reverts them (0: told at once, no undo).
    decision_undo_seconds: Annotated[float, Field(ge=0)] = 60
    # A case nobody took this long after it was filed gets one reminder in the staff group
    # (0: no reminders).
    staff_reminder_minutes: Annotated[float, Field(ge=0)] = 120

    platform_name: str = "AliExpress"
    privacy_policy_url: str = "https://aliexpress.ru/policy/privacy"
    listing_links: ListingLinkRules = Field(default_factory=ListingLinkRules)
    # Resale of goods put into circulation in this country is out of scope (ISO 3166 code).
    circulation_country: str = "RU"
    answer_within_days: int = 10  # working days, promised in the claimant's receipt
    time_zone: str = "Europe/Moscow"  # times are shown to people in this zone, stored in UTC

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        """`123456:ABC-def…` as @BotFather gives it; anything else fails at start, in one line."""
        if value is not None and not TOKEN_SHAPE.fullmatch(value.get_secret_value()):
            raise ValueError("not a bot token (digits, a colon, then letters, digits, _ or -)")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_charset(cls, value: SecretStr | None) -> SecretStr | None:
        """Telegram's rule for secret_token; without it setWebhook fails at start."""
        if value is not None and not WEBHOOK_SECRET_CHARSET.fullmatch(value.get_secret_value()):
            raise ValueError("1-256 characters, each a letter A-Z or a-z, a digit, _ or -")
        return value

    @model_validator(mode="after")
    def _case_events_signed(self) -> Settings:
        """Case events carry personal data: never POSTed unsigned (a receiver could not tell
        them from a forgery), so CASE_WEBHOOK_URL without CASE_WEBHOOK_SECRET fails at start."""
        if self.case_webhook_url and self.case_webhook_secret is None:
            raise ValueError("CASE_WEBHOOK_URL is set without CASE_WEBHOOK_SECRET to sign events")
        return self

    @field_validator("staff_chat_ids", mode="before")
    @classmethod
    def _chat_list(cls, value: object) -> object:
        """`-1001,-1002` (or a JSON list)."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [int(part) for part in text.split(",") if part.strip()]
        return value

    @field_validator("staff_routes", mode="before")
    @classmethod
    def _route_map(cls, value: object) -> object:
        """`trademark:-1001,patent:-1002` (or a JSON object)."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("{"):
                return json.loads(text)
            pairs = (part.split(":", 1) for part in text.split(",") if part.strip())
            return {kind.strip(): int(chat) for kind, chat in pairs}
        return value

    @property
    def staff_chats(self) -> tuple[int, ...]:
        """Every configured staff group: STAFF_CHAT_ID first, then STAFF_CHAT_IDS and the
        groups STAFF_ROUTES names, each once."""
        chats = [self.staff_chat_id] if self.staff_chat_id is not None else []
        chats += [*self.staff_chat_ids, *self.staff_routes.values()]
        return tuple(dict.fromkeys(chats))

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        ZoneInfo(value)  # raises for an unknown zone: a typo fails at start, not at a receipt
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    # Short links (the app's Share button) are followed to the listing they lead to.
    good_faith_statement: bool = False  # ask the EU DSA Art. 16(2)(d) statement of good faith
    short_link_hosts: list[str] | None = None  # None: those of LISTING_LINKS
    short_link_timeout: float = 5.0
    short_link_allow_private: bool = False  # tests only: their redirect server is local

    @property
    def link_rules(self) -> ListingLinkRules:
        """The listing-link rules, with SHORT_LINK_HOSTS if set."""
        if self.short_link_hosts is None:
            return self.listing_links
        return ListingLinkRules.model_validate(
            {**self.listing_links.model_dump(), "short_hosts": self.short_link_hosts}
        )

    max_file_mb: int = 20
    album_settle_seconds: float = 1.2
    outbox_poll_seconds: float = 0.5
    # A claimant sending more than this many updates in this many seconds is told to slow down
    # once, then not answered until the rate falls (bot/updates/flood_control.py).
    throttle_updates: int = 20
    throttle_seconds: float = 10.0
    # Telegram's limit per private chat: about 1 message a second, with a short burst.
    outbox_private_per_second: float = 1
    outbox_private_burst: float = 3
    outbox_global_per_second: float = 30
    outbox_group_per_minute: float = 20  # Telegram's limit per group

    # Operating: logs, metrics, retention of personal data
    log_format: Literal["text", "json"] = "text"
    log_level: str = "INFO"
    # Users appear in the logs as pseudonyms, keyed hashes of their ids under this key (when
    # unset: one derived from BOT_TOKEN, so they stay the same across restarts and workers).
    log_pseudonym_key: SecretStr | None = None
    metrics_port: int | None = None  # /healthz and /metrics; off unless set
    metrics_host: str = "127.0.0.1"
    metrics_refresh_seconds: float = 15  # the database gauges, recomputed by the sender's holder
    liveness_seconds: float = 180  # /healthz: a loop silent this long (or 3 turns) is dead
    draft_retention_days: Annotated[int, Field(ge=2)] = 30  # an untouched draft, its files
    outbox_retention_days: Annotated[int, Field(ge=1)] = 30  # then sent texts are forgotten
    closed_case_retention_months: Annotated[int, Field(ge=1)] = 36  # then a closed case's data
    retention_interval_minutes: float = 60
    backup_keep: Annotated[int, Field(ge=1)] = 14  # `bot backup` keeps this many (erasure, too)
    privacy_contact: str = ""  # where a claimant asks for access or erasure (email or @name)


async def open_storage(settings: Settings) -> Storage:
    """The database and the file store these settings name (the defaults: in DATA_DIR)."""
    from storage import Storage

    return await Storage.open(
        settings.data_dir,
        database_url=settings.database_url,
        file_store_url=settings.file_store_url,
        s3_endpoint_url=settings.s3_endpoint_url,
    )
