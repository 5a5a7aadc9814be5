"""The staff side of a submission: the claimant's receipt and the instruction to compose the
staff dossier, queued with the case; then the dossier itself (the PDF whose caption is the card,
the ZIP kept for "📎 Files"), composed when the outbox sender reaches that instruction.

The sender knows nothing of the staff side: `bot.serve` hands it `compose_staff_dossier` as its
`DossierComposer` (`bot.outbox.composing`).
"""

from __future__ import annotations

from datetime import tzinfo
from zoneinfo import ZoneInfo

from bot.config.settings import Settings
from bot.dossier.pool import build_dossier
from bot.outbox.messages import (
    AlbumItem,
    ComposeDossier,
    OpenTopic,
    OutboxMessage,
    StaffCard,
    Text,
)
from bot.outbox.queue import queue
from bot.outbox.text_limits import split_message
from bot.staff.card import CAPTION_LIMIT, draw_card
from bot.staff.routing import route_case
from dialogs.i18n import texts
from dialogs.model import Case, Lang
from dialogs.render import DISPLAY_TZ, render_receipt
from storage import Storage
from storage.chat_states import ChatStates
from storage.database import Connection

TOPIC_NAME_MAX = 128


async def enqueue_submission(
    conn: Connection,
    storage: Storage,
    case: Case,
    settings: Settings,
    *,
    username: str | None = None,
) -> None:
    """The claimant's receipt, and the dossier for the case's staff group (recorded with it)."""
    t = texts(case.lang)
    receipt = render_receipt(
        case.number, case.draft, t, days=settings.answer_within_days, tz=settings.tz
    )
    for i, chunk in enumerate(split_message(receipt.text)):
        await queue(
            conn,
            storage,
            Text(chat_id=case.chat_id, text=chunk),
            key=f"case:{case.id}:receipt:{i}",
            case_id=case.id,
        )
    staff = route_case(case, settings)
    if staff is None:
        return
    staff = await ChatStates(storage.db).current(staff, conn)  # upgraded to a supergroup
    await storage.cases.set_staff_chat(conn, case.id, staff)
    await enqueue_staff_dossier(conn, storage, case, settings, staff, username=username)


async def enqueue_staff_dossier(
    conn: Connection,
    storage: Storage,
    case: Case,
    settings: Settings,
    staff: int,
    *,
    username: str | None = None,
) -> None:
    """An instruction to compose the staff dossier, queued with the case. The PDF and ZIP are
    built by the sender afterwards, so a submission never holds the write lock for them."""
    compose = ComposeDossier(
        chat_id=staff,
        case_id=case.id,
        staff_lang=settings.staff_lang,
        username=username,
        topic=settings.staff_topics,
        time_zone=settings.time_zone,
    )
    await queue(conn, storage, compose, key=f"case:{case.id}:dossier", case_id=case.id)


async def compose_staff_dossier(storage: Storage, item_id: int, compose: ComposeDossier) -> None:
    """One message per case: the dossier PDF whose caption is the card, with the buttons (its
    id is recorded when sent, so later edits find it). The ZIP is stored and named in the
    audit trail for "📎 Files"; the originals are sent only on demand. Queued in the place of
    the instruction, in one transaction; composing twice queues nothing twice."""
    case = await storage.cases.get(compose.case_id)
    assert case is not None, f"outbox item {item_id}: no case {compose.case_id}"
    staff, lang = compose.chat_id, compose.staff_lang
    topic = case.id if compose.topic else None
    stored: dict[str, AlbumItem] = {}
    tz = ZoneInfo(compose.time_zone)
    for kind, filename, data in await _dossier_files(storage, case, lang, tz):
        stored[kind] = AlbumItem(sha256=await storage.files.put_async(data), filename=filename)
    card = await draw_card(
        storage,
        case,
        lang,
        username=compose.username,
        limit=CAPTION_LIMIT,
        tz=tz,
    )
    messages: list[OutboxMessage] = [
        StaffCard(
            chat_id=staff,
            case_id=case.id,
            text=card.text,
            keyboard=card.keyboard,
            topic_of=topic,
            document=stored["PDF"],
            zip=stored["ZIP"],
        )
    ]
    if compose.topic:
        # Everything about the case in a topic of its own, opened first.
        name = f"{case.number} · {case.draft.answers.get('contact_name', '')}".strip(" ·")
        messages.insert(0, OpenTopic(chat_id=staff, case_id=case.id, name=name[:TOPIC_NAME_MAX]))
    async with storage.db.transaction() as conn:
        for i, message in enumerate(messages):
            await queue(conn, storage, message, key=f"case:{case.id}:dossier:{i}", case_id=case.id)
        await storage.cases.set_dossier_zip(conn, case.id, stored["ZIP"].sha256)
        await storage.outbox.mark_sent(item_id, {"composed": len(messages)}, conn=conn)


async def dossier_zip(storage: Storage, case: Case, lang: Lang, tz: tzinfo = DISPLAY_TZ) -> str:
    """The sha256 of the case's dossier ZIP as composed for staff; built again (in a thread)
    when it never was or retention has since removed it."""
    sha256 = await storage.cases.dossier_zip(case.id)
    if sha256 is not None and storage.files.exists(sha256):
        return sha256
    built = await _dossier_files(storage, case, lang, tz)
    sha256 = await storage.files.put_async(built[1][2])
    async with storage.db.transaction() as conn:
        await storage.cases.set_dossier_zip(conn, case.id, sha256)
    return sha256


async def _dossier_files(
    storage: Storage, case: Case, lang: Lang, tz: tzinfo
) -> list[tuple[str, str, bytes]]:
    """The PDF and the ZIP of the case as submitted (off the event loop: `bot.dossier.pool`)."""
    pdf, archive = await build_dossier(
        case, storage.files.read, lang=lang, generated_at=case.submitted_at, tz=tz
    )
    return [("PDF", f"{case.number}.pdf", pdf), ("ZIP", f"{case.number}.zip", archive)]
