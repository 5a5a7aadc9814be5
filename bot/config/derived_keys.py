"""Secrets derived from the bot token when none is configured: every worker of a cluster,
holding the same token, derives the same ones, and a new token (revoked, rotated) gives new ones.

- the webhook's secret token (Telegram sends it in a header with every update; only Telegram
  knows it, so nobody else can speak to the webhook);
- the key of the pseudonyms that stand for users in the logs (`bot.telemetry.logs`).

Each is an HMAC-SHA256 of the token under a label of its own, so one never reveals another.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Literal

from bot.config.settings import Settings

WEBHOOK_SECRET_LABEL = b"ip-intake-bot/webhook-secret/v1"
LOG_PSEUDONYM_LABEL = b"ip-intake-bot/log-pseudonym/v1"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def derive(token: str, label: bytes) -> bytes:
    return hmac.new(token.encode(), label, hashlib.sha256).digest()


def webhook_secret(settings: Settings) -> str:
    """WEBHOOK_SECRET, else one derived from BOT_TOKEN (43 characters of Telegram's charset)."""
    if settings.webhook_secret is not None:
        return settings.webhook_secret.get_secret_value()
    if settings.bot_token is None:
        raise ValueError("a webhook secret needs WEBHOOK_SECRET or BOT_TOKEN")
    digest = derive(settings.bot_token.get_secret_value(), WEBHOOK_SECRET_LABEL)
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")  # A-Za-z0-9 - _


def webhook_secret_source(settings: Settings) -> Literal["configured", "derived from the token"]:
    """Which secret the webhook uses (said by `bot check`; its value never is)."""
    return "configured" if settings.webhook_secret is not None else "derived from the token"


def secret_matches(given: str | None, secret: str) -> bool:
    """The header Telegram sent against the secret, in constant time."""
    return given is not None and hmac.compare_digest(given.encode(), secret.encode())


def log_pseudonym_key(settings: Settings) -> bytes | None:
    """The key of users' pseudonyms in the logs: LOG_PSEUDONYM_KEY, else derived from
    BOT_TOKEN; None when neither is set (then a random key, for one process only)."""
    if settings.log_pseudonym_key is not None:
        return settings.log_pseudonym_key.get_secret_value().encode()
    if settings.bot_token is not None:
        return derive(settings.bot_token.get_secret_value(), LOG_PSEUDONYM_LABEL)
    return None
