""" "📎 Files" on the card: the claimant's originals sent on demand, under the card (in the case's
topic or thread), once per press. One album when they fit one (two to ten files a cloud Bot API
accepts), one document for a single file, else the dossier's ZIP (also once Telegram has refused
some of them: the card names those), in parts of at most `ZIP_PART_BYTES` when it is larger.
Queued through the outbox in the press's transaction; files Telegram refuses are named on the
card (`undelivered`), and a part Telegram still finds too large is named under it with how to
get it (`bot.staff.undelivered.too_large_replacements`)."""

from __future__ import annotations

import asyncio

from bot.dossier.archive import split_archive
from bot.outbox.messages import Album, AlbumItem, Document, OutboxMessage
from bot.outbox.queue import queue
from bot.outbox.text_limits import truncate_caption
from bot.staff.apply import claim_update
from bot.staff.desk import CaseDesk
from bot.staff.routing import staff_chat_of
from bot.staff.submission import dossier_zip
from bot.staff.undelivered import undelivered_names
from bot.staff.workflow import Actor
from dialogs.i18n import Texts, texts
from dialogs.model import Case, Lang, StoredFile
from storage import Storage

ALBUM_MAX = 10  # Telegram's media group
UPLOAD_MAX_BYTES = 50 * 1024 * 1024  # what the cloud Bot API takes per uploaded file
# A ZIP part: under the limit by a margin for the request's other fields (Telegram answers 413).
ZIP_PART_BYTES = UPLOAD_MAX_BYTES - 1024 * 1024


def fits_an_album(files: list[StoredFile]) -> bool:
    return len(files) <= ALBUM_MAX and all(f.size <= UPLOAD_MAX_BYTES for f in files)


def files_message(case: Case, chat_id: int, t: Texts, zip_sha256: str | None) -> OutboxMessage:
    """The originals as one album (or one document), or the ZIP (`zip_sha256`) when they do
    not fit one."""
    files = case.draft.files
    here = case.id  # under the card, in the case's topic if it has one
    if zip_sha256 is not None:
        caption = t("staff-files-zip", number=case.number, count=len(files))
        return Document(
            chat_id=chat_id,
            sha256=zip_sha256,
            filename=f"{case.number}.zip",
            caption=truncate_caption(caption),
            topic_of=here,
            reply_to_card_of=here,
        )
    items = [_item(case, f, t) for f in files[:ALBUM_MAX]]
    if len(items) == 1:
        item = items[0]
        return Document(
            chat_id=chat_id,
            sha256=item.sha256,
            filename=item.filename,
            caption=item.caption,
            topic_of=here,
            reply_to_card_of=here,
        )
    return Album(chat_id=chat_id, documents=items, topic_of=here, reply_to_card_of=here)


def zip_part_messages(case: Case, chat_id: int, t: Texts, parts: list[str]) -> list[OutboxMessage]:
    """The ZIP in parts (`split_archive`), one document each, in order, under the card."""
    here = case.id
    return [
        Document(
            chat_id=chat_id,
            sha256=sha256,
            filename=f"{case.number}.part{i}.zip",
            caption=t("staff-files-zip-part", number=case.number, part=i, parts=len(parts)),
            topic_of=here,
            reply_to_card_of=here,
        )
        for i, sha256 in enumerate(parts, 1)
    ]


async def zip_parts(storage: Storage, zip_sha256: str) -> list[str]:
    """The stored ZIP, or its parts (stored too) when it is larger than `ZIP_PART_BYTES`."""
    archive = await storage.files.read_async(zip_sha256)
    if len(archive) <= ZIP_PART_BYTES:
        return [zip_sha256]
    parts = await asyncio.to_thread(split_archive, archive, ZIP_PART_BYTES)
    return [await storage.files.put_async(part) for part in parts]


def _item(case: Case, stored: StoredFile, t: Texts) -> AlbumItem:
    caption = t(
        "staff-file-caption",
        number=case.number,
        section=t.plain(f"file-section-{stored.section.value}"),
        name=stored.name,
        sha256=stored.sha256,
    )
    return AlbumItem(sha256=stored.sha256, filename=stored.name, caption=truncate_caption(caption))


async def send_files(
    desk: CaseDesk, case: Case, actor: Actor, lang: Lang, *, update_id: int | None = None
) -> str:
    """Queue the case's files for its staff group; the toast for the staff member. A press
    delivered twice (the same Telegram update) queues them once."""
    t = texts(lang)
    if not case.draft.files:
        return t.plain("staff-files-none", number=case.number)
    storage = desk.storage
    # Files Telegram refused before (named on the card) come in the ZIP from then on.
    fits = fits_an_album(case.draft.files) and not await undelivered_names(storage, case.id)
    parts = None
    if not fits:
        zipped = await dossier_zip(storage, case, desk.settings.staff_lang, desk.settings.tz)
        parts = await zip_parts(storage, zipped)
    async with storage.db.transaction() as conn:
        await claim_update(conn, storage, update_id, actor, desk.clock())
        chat_id = await staff_chat_of(storage, case.id, desk.settings, conn)
        if chat_id is None:
            return t.plain("staff-refused-state")
        press = update_id if update_id is not None else desk.clock().isoformat()
        key = f"case:{case.id}:files:{press}"
        if parts is None or len(parts) == 1:
            message = files_message(case, chat_id, t, parts[0] if parts else None)
            await queue(conn, storage, message, key=key, case_id=case.id)
        else:
            for i, part in enumerate(zip_part_messages(case, chat_id, t, parts)):
                await queue(conn, storage, part, key=f"{key}:{i}", case_id=case.id)
    return t.plain("staff-files-sent", number=case.number, count=len(case.draft.files))
