"""Logging: one line per event, plain text or JSON (`LOG_FORMAT=json`), with the update id, case
number, step and outcome where known, and no personal data (docs/privacy-logs.md).

Names, emails, phones, file names and message texts are never passed to a log call, and a user
is named by `pseudonym(user_id)`, a keyed hash (LOG_PSEUDONYM_KEY, else derived from the bot
token): the same person gives the same pseudonym in every line and worker, and the id cannot be
read back without the key. As a second guard, anything shaped like an email or a phone number is
masked in the line written, exception text included. Third-party libraries log at INFO at most,
whatever LOG_LEVEL says (at DEBUG aiosqlite, PTB and aiohttp write SQL parameters, API calls and
update bodies), and the chattiest at WARNING: fontTools prints ~70 lines per dossier, and httpx
would log every Bot API URL — the bot token is in it.
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import json
import logging
import re
import secrets
import sys
from datetime import UTC, datetime
from typing import Any

import phonenumbers

QUIET = (
    "fontTools",
    "fpdf",
    "PIL",
    "httpx",
    "httpcore",
    "aiogram.event",
    "telegram.ext",
    "aiosqlite",
)
CONTEXT_FIELDS = ("update_id", "case", "step", "outcome")

_context: dict[str, contextvars.ContextVar[Any]] = {
    name: contextvars.ContextVar(f"log_{name}", default=None) for name in CONTEXT_FIELDS
}
OWN = ("bot", "storage", "dialogs", "bench")  # our loggers: LOG_LEVEL applies as it is
# name@host.tld, also written "name (at) host (dot) tld", "name[at]host.tld" or URL-encoded
_AT = r"(?:@|%40|\s*[\[(]\s*at\s*[\])]\s*)"
_DOT = r"(?:\.|\s*[\[(]\s*dot\s*[\])]\s*)"
_EMAIL = re.compile(rf"[\w.+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)+", re.IGNORECASE)
# The fallback for what the phone-number matcher does not recognise as a valid number: 7+
# digits written with phone separators, or a bare run of 10+ (a bare shorter run is an id).
_DIGITS = re.compile(r"(?<![\w-])(?<!\d[:.])\+?\d(?:[\s().-]{0,2}\d){6,}(?![\w-])")
_BARE = re.compile(r"\+?\d{7,9}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")  # 2026-12-04 18:06:29: a time, not a phone
_key: dict[str, Any] = {"key": None, "region": "RU"}


def note(**fields: Any) -> None:
    """Attach fields (update_id, case, step, outcome) to the lines the current task logs."""
    for name, value in fields.items():
        _context[name].set(value)


def set_pseudonym_key(key: bytes | None) -> None:
    """The key of `pseudonym` (None: a random one, so pseudonyms hold for this process only)."""
    _key["key"] = key


def pseudonym(user_id: int | None) -> str:
    """How a user is named in the logs: `u-` and 12 hex digits of a keyed hash of the id."""
    if user_id is None:
        return "u-none"
    if _key["key"] is None:
        _key["key"] = secrets.token_bytes(32)
    digest = hmac.new(_key["key"], str(user_id).encode(), hashlib.sha256).hexdigest()
    return f"u-{digest[:12]}"


def mask(text: str) -> str:
    """Emails and phone numbers in `text` replaced by [email] and [phone]."""
    text = _EMAIL.sub("[email]", text)
    found = phonenumbers.PhoneNumberMatcher(text, _key["region"])
    spans = [(match.start, match.end) for match in found]
    for start, end in reversed(spans):
        text = f"{text[:start]}[phone]{text[end:]}"
    return _DIGITS.sub(_digits, text)


def _digits(match: re.Match[str]) -> str:
    run = match[0]
    if _BARE.fullmatch(run) or _DATE.search(run):
        return run
    return "[phone]"


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    found = {name: var.get() for name, var in _context.items()}
    found |= {name: getattr(record, name) for name in CONTEXT_FIELDS if hasattr(record, name)}
    return {name: value for name, value in found.items() if value is not None}


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = mask(super().format(record))
        context = " ".join(f"{k}={v}" for k, v in _fields(record).items())
        if context:  # after masking: an update id is no phone number
            head, _, rest = line.partition("\n")
            line = f"{head} [{context}]" + (f"\n{rest}" if rest else "")
        return line


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "event": mask(record.getMessage()),
            **_fields(record),
        }
        if record.exc_info:
            entry["error"] = mask(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(
    log_format: str = "text",
    level: str = "INFO",
    *,
    pseudonym_key: bytes | None = None,
    phone_region: str = "RU",
) -> None:
    """Log to stderr; users as pseudonyms under `pseudonym_key` (None: random, this process
    only); phone numbers written without a country code read as in `phone_region`."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    own = logging.getLevelNamesMapping().get(level.upper())
    if own is None:
        raise ValueError(f"unknown log level {level!r}")
    root.setLevel(max(own, logging.INFO))  # third parties: INFO at most
    for name in OWN:
        logging.getLogger(name).setLevel(own)
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    set_pseudonym_key(pseudonym_key)
    _key["region"] = phone_region
    if pseudonym_key is None:
        logging.getLogger(__name__).info(
            "no LOG_PSEUDONYM_KEY nor BOT_TOKEN: users' pseudonyms in the log hold for this"
            " process only"
        )


def quiet(level: int = logging.WARNING) -> None:
    """Only warnings and worse, ours included (the terminal intake: the screen is the user's)."""
    logging.getLogger().setLevel(level)
    for name in OWN:
        logging.getLogger(name).setLevel(level)
