""" "📎 Files" on the card: the claimant's originals sent on demand, under the card (in the case's
topic or thread), once per press. One album when they fit one (two to ten files a cloud Bot API
accepts), one document for a single file, else the dossier's ZIP (also once Telegram has refused
some of them: the card names those). Queued through the outbox in
the press's transaction; files Telegram refuses are named on the card (`undelivered`)."""

from __future__ import annotations

from bot.notifications import dossier_zip, queue
from bot.outbox_messages import Album, AlbumItem, Document, OutboxMessage
from bot.staff.desk import APPLYING, AlreadyApplied, CaseDesk
from bot.staff.routing import staff_chat_of
from bot.staff.undelivered import undelivered_names
from bot.staff.workflow import Actor
from bot.telegram_text import truncate_caption
from dialogs.i18n import Texts, texts
from dialogs.model import Case, Lang, StoredFile

ALBUM_MAX = 10  # Telegram's media group
UPLOAD_MAX_BYTES = 50 * 1024 * 1024  # what the cloud Bot API takes per uploaded file


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


def _item(case: Case, stored: StoredFile, t: Texts) -> AlbumItem:
    caption = t(
        "staff-file-caption",
        number=case.number,
        section=t.plain(f"file-section-{stored.section.value}"),
        name=stored.name,
        sha256=stored.sha256,
    )
    return AlbumItem(sha256=stored.sha256, filename=stored.name, caption=truncate_caption(caption))


async def send_files(desk: CaseDesk, case: Case, actor: Actor, lang: Lang) -> str:
    """Queue the case's files for its staff group; the toast for the staff member. A press
    delivered twice (the same Telegram update) queues them once."""
    t = texts(lang)
    if not case.draft.files:
        return t.plain("staff-files-none", number=case.number)
    storage = desk.storage
    # Files Telegram refused before (named on the card) come in the ZIP from then on.
    fits = fits_an_album(case.draft.files) and not await undelivered_names(storage, case.id)
    zip_sha256 = (
        None
        if fits
        else await dossier_zip(storage, case, desk.settings.staff_lang, desk.settings.tz)
    )
    update_id = APPLYING.get()
    async with storage.db.transaction() as conn:
        if update_id is not None:
            APPLYING.set(None)
            if not await storage.updates.claim(conn, update_id, actor.id, now=desk.clock()):
                raise AlreadyApplied(update_id)
        chat_id = await staff_chat_of(storage, case.id, desk.settings, conn)
        if chat_id is None:
            return t.plain("staff-refused-state")
        press = update_id if update_id is not None else desk.clock().isoformat()
        await queue(
            conn,
            storage,
            files_message(case, chat_id, t, zip_sha256),
            key=f"case:{case.id}:files:{press}",
            case_id=case.id,
        )
    return t.plain("staff-files-sent", number=case.number, count=len(case.draft.files))
