"""Messages that follow from a state change, queued in the outbox in the change's transaction.

Payloads are Bot API parameters. Two references are resolved by the sender at send time:
`{"store": sha256, "filename": name}` for a file from the content-addressed store, and
`"message_id": {"card_of": case_id}` for the staff card of a case (sent earlier, id known later).
"""

from __future__ import annotations

from typing import Any

import aiosqlite

from bot.settings import Settings
from bot.staff.card import render_card
from bot.telegram_text import split_message, truncate_caption
from dialogs.i18n import texts
from dialogs.model import Case, FileSection
from dialogs.render import render_receipt
from storage import Storage

MEDIA_GROUP_MAX = 10
PURPOSE = "_purpose"  # payload key the sender strips; tells it what to record once sent
STAFF_CARD = "staff_card"


def html_message(chat_id: int, text: str, **extra: Any) -> dict[str, Any]:
    return {"chat_id": chat_id, "text": text, "parse_mode": "HTML", **extra}


async def enqueue_submission(
    conn: aiosqlite.Connection,
    storage: Storage,
    case: Case,
    settings: Settings,
    *,
    username: str | None = None,
) -> None:
    """The claimant's receipt, and the dossier for the staff group."""
    t = texts(case.lang)
    receipt = render_receipt(case.number, case.draft, t)
    for i, chunk in enumerate(split_message(receipt.text)):
        await storage.outbox.enqueue(
            conn,
            chat_id=case.chat_id,
            method="sendMessage",
            payload=html_message(case.chat_id, chunk),
            dedupe_key=f"case:{case.id}:receipt:{i}",
            case_id=case.id,
        )
    if settings.staff_chat_id is None:
        return
    await enqueue_staff_dossier(conn, storage, case, settings, username=username)


async def enqueue_staff_dossier(
    conn: aiosqlite.Connection,
    storage: Storage,
    case: Case,
    settings: Settings,
    *,
    username: str | None = None,
) -> None:
    """The card first (its id is recorded for later edits), then every file, by section."""
    assert settings.staff_chat_id is not None
    staff = settings.staff_chat_id
    card = await render_card(storage, case, settings.staff_lang, username=username)
    chunks = split_message(card.text)
    for i, chunk in enumerate(chunks[:-1]):
        await storage.outbox.enqueue(
            conn,
            chat_id=staff,
            method="sendMessage",
            payload=html_message(staff, chunk),
            dedupe_key=f"case:{case.id}:card-head:{i}",
            case_id=case.id,
        )
    await storage.outbox.enqueue(
        conn,
        chat_id=staff,
        method="sendMessage",
        payload=html_message(staff, chunks[-1], reply_markup=card.markup, **{PURPOSE: STAFF_CARD}),
        dedupe_key=f"case:{case.id}:card",
        case_id=case.id,
    )
    t = texts(settings.staff_lang)
    for section in FileSection:
        files = case.draft.files_in(section)
        for start in range(0, len(files), MEDIA_GROUP_MAX):
            media = [
                {
                    "type": "document",
                    "media": {"store": f.sha256, "filename": f.name},
                    "caption": truncate_caption(
                        t(
                            "staff-file-caption",
                            number=case.number,
                            section=t.plain(f"file-section-{section.value}"),
                            name=f.name,
                            sha256=f.sha256,
                        )
                    ),
                    "parse_mode": "HTML",
                }
                for f in files[start : start + MEDIA_GROUP_MAX]
            ]
            method, payload = (
                (
                    "sendDocument",
                    {
                        "chat_id": staff,
                        "document": media[0]["media"],
                        "caption": media[0]["caption"],
                        "parse_mode": "HTML",
                    },
                )
                if len(media) == 1
                else ("sendMediaGroup", {"chat_id": staff, "media": media})
            )
            await storage.outbox.enqueue(
                conn,
                chat_id=staff,
                method=method,
                payload=payload,
                dedupe_key=f"case:{case.id}:files:{section.value}:{start}",
                case_id=case.id,
            )
