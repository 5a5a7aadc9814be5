"""Messages that follow from a state change, queued in the outbox in the change's transaction.

Payloads are Bot API parameters. Two references are resolved by the sender at send time:
`{"store": sha256, "filename": name}` for a file from the content-addressed store, and
`"message_id": {"card_of": case_id}` for the staff card of a case (sent earlier, id known later).
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiosqlite

from bot.dossier import build_dossier_pdf, build_dossier_zip
from bot.settings import Settings
from bot.staff.card import render_card
from bot.telegram_text import split_message, truncate_caption
from dialogs.i18n import Texts, texts
from dialogs.model import Case, FileSection, Lang, StoredFile
from dialogs.render import render_receipt, summary
from storage import OutboxItem, Storage

MEDIA_GROUP_MAX = 10
COMPOSE_STAFF_DOSSIER = "composeStaffDossier"  # not a Bot API method: the sender composes it
PURPOSE = "_purpose"  # payload key the sender strips; tells it what to record once sent
STAFF_CARD = "staff_card"
CASE_TOPIC = "case_topic"
TOPIC_NAME_MAX = 128


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
    receipt = render_receipt(
        case.number, case.draft, t, days=settings.answer_within_days, tz=settings.tz
    )
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
    """An instruction to compose the staff dossier, queued with the case. The PDF and ZIP are
    built by the sender afterwards, so a submission never holds the write lock for them."""
    assert settings.staff_chat_id is not None
    await storage.outbox.enqueue(
        conn,
        chat_id=settings.staff_chat_id,
        method=COMPOSE_STAFF_DOSSIER,
        payload={
            "case_id": case.id,
            "staff_lang": settings.staff_lang,
            "username": username,
            "topic": settings.staff_topics,
        },
        dedupe_key=f"case:{case.id}:dossier",
        case_id=case.id,
    )


async def compose_staff_dossier(storage: Storage, item: OutboxItem) -> None:
    """The summary, the dossier (PDF and ZIP), every file by section, and last the card with
    the buttons (its id is recorded when sent, so later edits find it) — queued in the place of
    the instruction, in one transaction; composing twice queues nothing twice."""
    case = await storage.cases.get(int(item.payload["case_id"]))
    assert case is not None, f"outbox item {item.id}: no case {item.payload['case_id']}"
    staff, lang = item.chat_id, item.payload["staff_lang"]
    t = texts(lang)
    messages: list[tuple[str, dict[str, Any]]] = [
        ("sendMessage", html_message(staff, chunk))
        for chunk in split_message(
            t("staff-dossier-title", number=case.number)
            + "\n\n"
            + summary(case.draft, t, all_links=True)
        )
    ]
    for kind, filename, data in await asyncio.to_thread(_dossier_files, storage, case, lang):
        sha256 = await storage.files.put_async(data)
        caption = t("staff-dossier-caption", number=case.number, kind=kind)
        messages.append(("sendDocument", _document(staff, sha256, filename, caption)))
    for section in FileSection:
        files = case.draft.files_in(section)
        for start in range(0, len(files), MEDIA_GROUP_MAX):
            batch = [
                _document(staff, f.sha256, f.name, _file_caption(t, case, f))
                for f in files[start : start + MEDIA_GROUP_MAX]
            ]
            if len(batch) == 1:
                messages.append(("sendDocument", batch[0]))
            else:
                media = [
                    {
                        "type": "document",
                        "media": d["document"],
                        "caption": d["caption"],
                        "parse_mode": "HTML",
                    }
                    for d in batch
                ]
                messages.append(("sendMediaGroup", {"chat_id": staff, "media": media}))
    card = await render_card(storage, case, lang, username=item.payload.get("username"))
    card_payload = html_message(staff, card.text, reply_markup=card.markup, **{PURPOSE: STAFF_CARD})
    messages.append(("sendMessage", card_payload))
    if item.payload.get("topic"):
        # Everything about the case in a topic of its own, opened first.
        in_topic = {"message_thread_id": {"topic_of": case.id}}
        messages = [(method, {**payload, **in_topic}) for method, payload in messages]
        name = f"{case.number} · {case.draft.answers.get('contact_name', '')}".strip(" ·")
        topic = {"chat_id": staff, "name": name[:TOPIC_NAME_MAX], PURPOSE: CASE_TOPIC}
        messages.insert(0, ("createForumTopic", topic))
    async with storage.db.transaction() as conn:
        for i, (method, payload) in enumerate(messages):
            await storage.outbox.enqueue(
                conn,
                chat_id=staff,
                method=method,
                payload=payload,
                dedupe_key=f"case:{case.id}:dossier:{i}",
                case_id=case.id,
            )
        await storage.outbox.mark_sent(item.id, {"composed": len(messages)}, conn=conn)


def _document(chat_id: int, sha256: str, filename: str, caption: str) -> dict[str, Any]:
    return {
        "chat_id": chat_id,
        "document": {"store": sha256, "filename": filename},
        "caption": truncate_caption(caption),
        "parse_mode": "HTML",
    }


def _file_caption(t: Texts, case: Case, stored: StoredFile) -> str:
    return t(
        "staff-file-caption",
        number=case.number,
        section=t.plain(f"file-section-{stored.section.value}"),
        name=stored.name,
        sha256=stored.sha256,
    )


def _dossier_files(storage: Storage, case: Case, lang: Lang) -> list[tuple[str, str, bytes]]:
    """The PDF and the ZIP of the case as submitted (CPU work: run in a thread)."""
    pdf = build_dossier_pdf(case, lang=lang, generated_at=case.submitted_at)
    archive = build_dossier_zip(case, pdf, storage.files.read, generated_at=case.submitted_at)
    return [("PDF", f"{case.number}.pdf", pdf), ("ZIP", f"{case.number}.zip", archive)]


LOCAL_METHODS = {COMPOSE_STAFF_DOSSIER: compose_staff_dossier}
