"""The data migration that retires the outbox's first shape (migration 14).

Before messages were typed, an outbox row held Bot API parameters with markers in them: a file
from the store as ``{"store": sha256, "filename": …}``, the case card as ``{"card_of": case}``
where its message id goes, the case's topic as ``{"topic_of": case}``, the staff card as a
``sendMessage`` with ``"_purpose": "staff_card"``, the dossier as ``composeStaffDossier``.
The rows still waiting to be sent are rewritten here into the typed shape the sender reads
(``method`` = the message's kind, ``payload`` = the message's fields, as
``bot.outbox.messages`` dumps them), so that nothing queued before an upgrade is lost and the
sender reads one shape only. A row that cannot be read is left as it is: the sender sets it
aside, as it always has.

Storage sits below the bot, so the typed shape is written out here as plain JSON.
"""

from __future__ import annotations

import json
from typing import Any, get_args

from pydantic_core import to_json

from dialogs.model import Lang
from storage.backends.base import Connection

LEGACY_METHODS = (
    "composeStaffDossier",
    "sendMessage",
    "sendDocument",
    "sendMediaGroup",
    "editMessageText",
    "deleteMessage",
    "deleteMessages",
    "deleteForumTopic",
    "createForumTopic",
)
DEFAULT_TIME_ZONE = "Europe/Moscow"  # what a dossier queued then is composed with (TIME_ZONE)


class Unreadable(ValueError):
    """A legacy row this migration cannot read (left as it is)."""


async def rewrite_legacy_outbox(conn: Connection) -> None:
    """Inside the migration's transaction: every unsent legacy row in its typed shape."""
    marks = ", ".join("?" for _ in LEGACY_METHODS)
    rows = await conn.execute_fetchall(
        "SELECT id, chat_id, method, payload, case_id FROM outbox"
        f" WHERE sent_at IS NULL AND gave_up_at IS NULL AND method IN ({marks}) ORDER BY id",
        LEGACY_METHODS,
    )
    for row in rows:
        typed = typed_message(
            row["method"], json.loads(row["payload"]), int(row["chat_id"]), row["case_id"]
        )
        if typed is not None:
            kind, payload = typed
            await conn.execute(
                "UPDATE outbox SET method = ?, payload = ? WHERE id = ?",
                (kind, to_json(payload).decode(), row["id"]),
            )


def typed_message(
    method: str, payload: dict[str, Any], chat_id: int, case_id: int | None
) -> tuple[str, dict[str, Any]] | None:
    """A legacy row's message as (kind, fields); None for what cannot be read."""
    try:
        return _typed(method, payload, chat_id, case_id)
    except (Unreadable, KeyError, TypeError, ValueError, AttributeError):
        return None


def _typed(
    method: str, payload: dict[str, Any], chat_id: int, case_id: int | None
) -> tuple[str, dict[str, Any]] | None:
    topic = _case_of(payload.get("message_thread_id"), "topic_of")
    reply = payload.get("reply_parameters")
    card_reply = _case_of(reply.get("message_id"), "card_of") if isinstance(reply, dict) else None
    markup = payload.get("reply_markup")
    keyboard = _keyboard(markup) if isinstance(markup, dict) else None
    edited_card = _case_of(payload.get("message_id"), "card_of")
    chat = {"chat_id": chat_id}
    match method:
        case "composeStaffDossier":
            return "compose_dossier", {
                **chat,
                "case_id": _int(payload["case_id"]),
                "staff_lang": _lang(payload.get("staff_lang", "en")),
                "username": _opt_str(payload.get("username")),
                "topic": bool(payload.get("topic")),
                "time_zone": DEFAULT_TIME_ZONE,
            }
        case "sendMessage" if payload.get("_purpose") == "staff_card" and case_id:
            return "card", {
                **chat,
                "case_id": case_id,
                "text": _str(payload["text"]),
                "keyboard": keyboard or [],
                "topic_of": topic,
                "document": None,
                "zip": None,
            }
        case "sendMessage":
            reply_to = reply.get("message_id") if isinstance(reply, dict) else None
            thread = payload.get("message_thread_id")
            return "text", {
                **chat,
                "text": _str(payload["text"]),
                "keyboard": keyboard,
                "reply_to_card_of": card_reply,
                "topic_of": topic,
                "reply_to_message_id": reply_to if _is_int(reply_to) else None,
                "message_thread_id": thread if _is_int(thread) else None,
                "contact_button": None,
                "reply_keys": [],
                "remove_keyboard": False,
            }
        case "sendDocument":
            stored = payload["document"]
            return "document", {
                **chat,
                "sha256": _str(stored["store"]),
                "filename": _str(stored.get("filename") or stored["store"]),
                "caption": _opt_str(payload.get("caption")),
                "reply_to_card_of": card_reply,
                "topic_of": topic,
            }
        case "sendMediaGroup":
            documents = [
                {
                    "sha256": _str(entry["media"]["store"]),
                    "filename": _str(entry["media"].get("filename") or entry["media"]["store"]),
                    "caption": _opt_str(entry.get("caption")),
                }
                for entry in payload["media"]
            ]
            return "album", {
                **chat,
                "documents": documents,
                "topic_of": topic,
                "reply_to_card_of": None,
            }
        case "editMessageText" if edited_card is not None:
            return "card_edit", {
                **chat,
                "case_id": edited_card,
                "text": _str(payload["text"]),
                "keyboard": keyboard or [],
            }
        case "deleteMessage":
            return "delete", {**chat, "message_id": _int(payload["message_id"])}
        case "deleteMessages":  # queued by an erasure before messages were typed
            return "delete_messages", {
                **chat,
                "message_ids": [_int(i) for i in payload["message_ids"]],
            }
        case "deleteForumTopic":
            return "delete_topic", {
                **chat,
                "message_thread_id": _int(payload["message_thread_id"]),
            }
        case "createForumTopic" if case_id:
            return "open_topic", {**chat, "case_id": case_id, "name": _str(payload["name"])}
    return None


def _case_of(value: Any, key: str) -> int | None:
    """The case a marker names (``{"card_of": 7}``), or None where there is none."""
    return _int(value[key]) if isinstance(value, dict) and key in value else None


def _keyboard(markup: dict[str, Any]) -> list[list[dict[str, str]]]:
    """Inline keyboard markup as typed buttons (callback buttons only)."""
    return [
        [{"text": _str(b["text"]), "callback_data": _str(b["callback_data"])} for b in row]
        for row in markup["inline_keyboard"]
    ]


def _is_int(value: Any) -> bool:
    return isinstance(value, int)


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise Unreadable(f"not a number: {value!r}")
    return int(value)


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise Unreadable(f"not a text: {value!r}")
    return value


def _opt_str(value: Any) -> str | None:
    return None if value is None else _str(value)


def _lang(value: Any) -> str:
    if value not in get_args(Lang):
        raise Unreadable(f"not a language: {value!r}")
    return str(value)
