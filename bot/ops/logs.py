"""Logging: one line per event, plain text or JSON (`LOG_FORMAT=json`), with the update id, case
number, step and outcome where known, and no personal data.

Names, emails, phones and message texts are never passed to a log call (user ids only where
needed); as a second guard, anything shaped like an email or a phone number is masked in the
line written, exception text included. Third-party chatter is kept at WARNING: fontTools prints
~70 lines per dossier, and httpx would log every Bot API URL — the bot token is in it.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

QUIET = ("fontTools", "fpdf", "PIL", "httpx", "httpcore", "aiogram.event", "telegram.ext")
CONTEXT_FIELDS = ("update_id", "case", "step", "outcome")

_context: dict[str, contextvars.ContextVar[Any]] = {
    name: contextvars.ContextVar(f"log_{name}", default=None) for name in CONTEXT_FIELDS
}
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"\+\d[\d\s().-]{7,}\d")


def note(**fields: Any) -> None:
    """Attach fields (update_id, case, step, outcome) to the lines the current task logs."""
    for name, value in fields.items():
        _context[name].set(value)


def mask(text: str) -> str:
    return _PHONE.sub("[phone]", _EMAIL.sub("[email]", text))


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    found = {name: var.get() for name, var in _context.items()}
    found |= {name: getattr(record, name) for name in CONTEXT_FIELDS if hasattr(record, name)}
    return {name: value for name, value in found.items() if value is not None}


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        context = " ".join(f"{k}={v}" for k, v in _fields(record).items())
        if context:
            head, _, rest = line.partition("\n")
            line = f"{head} [{context}]" + (f"\n{rest}" if rest else "")
        return mask(line)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
            **_fields(record),
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return mask(json.dumps(entry, ensure_ascii=False, default=str))


def configure(log_format: str = "text", level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
