"""Files of a case that Telegram would not take into the staff group (a 400 for a document or an
album, or a payload that failed every try). They are in the dossier's ZIP all the same; the case
card names them so staff know to look there. Recorded in the audit trail, framework-free.
What Telegram finds too large (413) even so is named in the group with how to get it."""

from __future__ import annotations

from bot.outbox.messages import (
    Album,
    Document,
    OutboxMessage,
    StaffCard,
    Text,
    parse_message,
)
from dialogs.i18n import Texts
from dialogs.model import Case
from storage import OutboxItem, Storage
from storage.database import Connection

ACTION = "files_undelivered"


def _shas(message: OutboxMessage) -> list[str]:
    """The stored files a message carries, in order."""
    if isinstance(message, Document):
        return [message.sha256]
    if isinstance(message, Album):
        return [d.sha256 for d in message.documents]
    return []


def message_of(item: OutboxItem) -> OutboxMessage | None:
    """The message an outbox item holds (None: not one this version knows; rows queued before
    messages were typed are rewritten by the storage migration 14)."""
    try:
        return parse_message(item.method, item.payload)
    except ValueError:
        return None


def claimant_files_in(item: OutboxItem, case: Case) -> list[dict[str, str]]:
    """The claimant's files an outbox item carried (not the dossier's own PDF and ZIP)."""
    message = message_of(item)
    if message is None:
        return []
    names = {f.sha256: f.name for f in case.draft.files}
    return [{"sha256": sha, "name": names[sha]} for sha in _shas(message) if sha in names]


async def record_undelivered(
    conn: Connection, storage: Storage, case: Case, files: list[dict[str, str]]
) -> None:
    await storage.audit.record(
        conn, case.id, actor_id=None, actor_name=None, action=ACTION, detail={"files": files}
    )


async def undelivered_names(storage: Storage, case_id: int) -> list[str]:
    """The names (as sent) of the case's files that never reached the staff group."""
    seen: dict[str, str] = {}
    for entry in await storage.audit.for_case(case_id):
        if entry.action == ACTION:
            for file in entry.detail.get("files", []):
                seen.setdefault(file["sha256"], file["name"])
    return list(seen.values())


def too_large_replacements(item: OutboxItem, case: Case, t: Texts) -> list[OutboxMessage]:
    """What goes instead of what Telegram would not take (413), never the same upload again:
    a card refused with its dossier PDF goes as a text card; then, under the card, a notice
    naming what could not be sent and how to get it (`python -m bot export` on the server)."""
    message = message_of(item)
    replacements: list[OutboxMessage] = []
    if isinstance(message, Document):
        names = [message.filename]
    elif isinstance(message, Album):
        names = [d.filename for d in message.documents]
    elif isinstance(message, StaffCard) and message.document is not None:
        names = [message.document.filename]
        replacements.append(message.model_copy(update={"document": None}))
    else:
        return []
    text = t("staff-too-large", number=case.number, names=", ".join(names))
    topic = getattr(message, "topic_of", None)
    notice = Text(chat_id=message.chat_id, text=text, reply_to_card_of=case.id, topic_of=topic)
    return [*replacements, notice]
