"""Erasure of a claimant's personal data (`python -m bot erase --user ID | --case NUMBER`, and
the retention job for closed cases).

Rows are anonymised in one transaction (`storage.personal_data`) together with an audit entry
that names no erased data; files no other case or draft needs are then deleted from the store;
and the staff group loses what it was sent about the case: its forum topic where topics are on,
else the messages themselves (both queued in the outbox, delivered by the running bot).

Telegram lets a bot delete a message only for 48 hours. Older ones (a closed case erased by the
retention job always is) cannot go: the card is drawn again as a neutral "erased" note without
buttons, and the staff group is told which messages an administrator must delete by hand, with
a link to each (docs/data-retention.md).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.config.settings import Settings, open_storage
from bot.outbox.messages import CardEdit, DeleteMessages, DeleteTopic, Text
from bot.outbox.queue import queue
from bot.outbox.text_limits import split_message
from bot.staff.routing import staff_chat_of
from dialogs.i18n import texts
from dialogs.model import utcnow
from storage import OutboxItem, Storage
from storage import personal_data as pd
from storage.database import Connection, fetch_one, from_iso

log = logging.getLogger(__name__)

DELETE_BATCH = 100  # deleteMessages takes at most 100 ids
# Telegram: "a message can only be deleted if it was sent less than 48 hours ago". An hour less,
# so a deletion queued now still goes in time behind a backlog.
DELETABLE_FOR = timedelta(hours=47)
SUPERGROUP = -1_000_000_000_000  # a supergroup's id is -100…: its messages have t.me links


@dataclass
class Erased:
    cases: list[str] = field(default_factory=list)
    files_deleted: int = 0
    user_ids: set[int] = field(default_factory=set)
    by_hand: dict[str, list[int]] = field(default_factory=dict)  # too old for the bot to delete

    def __str__(self) -> str:
        numbers = ", ".join(self.cases) or "no case"
        text = f"{numbers} anonymised; {self.files_deleted} file(s) deleted"
        if self.by_hand:
            count = sum(len(ids) for ids in self.by_hand.values())
            text += (
                f"; {count} staff-group message(s) older than 48 hours cannot be deleted by the"
                " bot: the staff group is told which to delete by hand"
            )
        return text


async def erase_user(
    storage: Storage, settings: Settings, user_id: int, *, by: str, now: datetime | None = None
) -> Erased:
    """Everything about one claimant: their cases, draft, and messages to them."""
    async with storage.db.read() as conn:
        rows = await conn.execute_fetchall("SELECT id FROM cases WHERE user_id = ?", (user_id,))
    return await _erase(storage, settings, [int(r[0]) for r in rows], {user_id}, by=by, now=now)


async def erase_cases(
    storage: Storage,
    settings: Settings,
    case_ids: list[int],
    *,
    by: str,
    now: datetime | None = None,
) -> Erased:
    """Some cases (their claimant's other cases and draft are kept)."""
    return await _erase(storage, settings, case_ids, set(), by=by, now=now)


async def _erase(
    storage: Storage,
    settings: Settings,
    case_ids: list[int],
    users: set[int],
    *,
    by: str,
    now: datetime | None,
) -> Erased:
    now = now or utcnow()
    erased = Erased(user_ids=set(users))
    async with storage.db.transaction() as conn:
        candidates: set[str] = set()
        for user_id in users:
            draft = await storage.drafts.load(user_id, conn=conn)
            if draft is not None:
                candidates |= {f.sha256 for f in draft.files}
        for case_id in case_ids:
            candidates |= await pd.case_file_refs(conn, case_id)
            number = await _number(conn, case_id)
            by_hand = await _clear_staff_chat(storage, settings, conn, case_id, number, now)
            claimant = await pd.anonymise_case(conn, case_id, now)
            if claimant is None:
                continue
            erased.cases.append(number)
            if by_hand:
                erased.by_hand[number] = by_hand
            await storage.audit.record(
                conn, case_id, actor_id=None, actor_name=by, action="erased", detail={}, at=now
            )
        for user_id in users:
            await pd.forget_user(conn, user_id, now)
        doomed = candidates - await pd.files_in_use(conn, except_cases=set(case_ids))
        await pd.drop_file_rows(conn, doomed)
    erased.files_deleted = unlink_files(storage, doomed)
    log.info("erasure by %s: %d case(s), %d file(s)", by, len(erased.cases), erased.files_deleted)
    return erased


def unlink_files(storage: Storage, shas: set[str]) -> int:
    """Delete files from the store, once the transaction that unindexed them has committed (a
    file is never gone while a row still names it). Returns how many were there."""
    deleted = 0
    for sha in shas:
        if storage.files.delete(sha):  # the folder or the bucket
            deleted += 1
    return deleted


async def _number(conn: Connection, case_id: int) -> str:
    row = await fetch_one(conn, "SELECT number FROM cases WHERE id = ?", (case_id,))
    return str(row["number"]) if row else f"#{case_id}"


async def _clear_staff_chat(
    storage: Storage,
    settings: Settings,
    conn: Connection,
    case_id: int,
    number: str,
    now: datetime,
) -> list[int]:
    """Queue the removal of what the staff group holds about the case (before the outbox's
    records of it are forgotten): its topic, or else each message sent there that Telegram
    still lets the bot delete. Returns the ids of those it does not (older than 48 hours)."""
    staff = await staff_chat_of(storage, case_id, settings, conn)
    row = await fetch_one(
        conn,
        "SELECT staff_thread_id, staff_message_id, user_id FROM cases WHERE id = ?",
        (case_id,),
    )
    if staff is None or row is None or row["user_id"] == 0:
        return []
    key = f"case:{case_id}:erase"
    if row["staff_thread_id"] is not None:
        topic = DeleteTopic(chat_id=staff, message_thread_id=row["staff_thread_id"])
        await queue(conn, storage, topic, key=f"{key}:topic", now=now)
        return []
    fresh: list[int] = []
    old: list[int] = []
    for result, sent_at in await conn.execute_fetchall(
        "SELECT result, sent_at FROM outbox WHERE case_id = ? AND chat_id = ?"
        " AND sent_at IS NOT NULL AND result IS NOT NULL ORDER BY id",
        (case_id, staff),
    ):
        deletable = now - from_iso(sent_at) < DELETABLE_FOR
        (fresh if deletable else old).extend(_message_ids(json.loads(result)))
    card = row["staff_message_id"]
    if card is not None and card not in fresh and card not in old:
        old.append(card)  # its record forgotten (OUTBOX_RETENTION_DAYS): long past 48 hours
    old = [i for i in dict.fromkeys(old) if i not in fresh]
    for start in range(0, len(fresh), DELETE_BATCH):
        batch = DeleteMessages(chat_id=staff, message_ids=fresh[start : start + DELETE_BATCH])
        await queue(conn, storage, batch, key=f"{key}:messages:{start}", now=now)
    if old:
        await _tell_staff(conn, storage, settings, staff, case_id, number, old, card, now)
    return old


async def deletion_given_up(storage: Storage, settings: Settings, item: OutboxItem) -> bool:
    """The outbox gave up on deleting an erased case's messages (Telegram refused: "message
    can't be deleted", the 48 hours were over by the time it went): the same fallback as for
    messages known to be old. True when it was such a deletion."""
    prefix, _, rest = item.dedupe_key.partition(":")
    case_ref, _, what = rest.partition(":erase:messages:")
    if prefix != "case" or not what or not case_ref.isdigit():
        return False
    case_id = int(case_ref)
    ids = [int(i) for i in item.payload.get("message_ids", [])]
    async with storage.db.transaction() as conn:
        number = await _number(conn, case_id)
        row = await fetch_one(conn, "SELECT staff_message_id FROM cases WHERE id = ?", (case_id,))
        card = row["staff_message_id"] if row else None
        await _tell_staff(
            conn,
            storage,
            settings,
            item.chat_id,
            case_id,
            number,
            ids,
            card,
            utcnow(),
            key=f"case:{case_id}:erase:refused:{item.id}",
        )
    log.warning("case %s: %d staff-group message(s) left to delete by hand", number, len(ids))
    return True


async def _tell_staff(
    conn: Connection,
    storage: Storage,
    settings: Settings,
    staff: int,
    case_id: int,
    number: str,
    old: list[int],
    card: int | None,
    now: datetime,
    *,
    key: str | None = None,
) -> None:
    """The card, if it is among them, becomes a neutral note without buttons; the group is
    told which messages to delete by hand. Neither is the case's (the erasure forgets those)."""
    t = texts(settings.staff_lang)
    key = key or f"case:{case_id}:erase"
    if card in old:
        note = CardEdit(
            chat_id=staff,
            case_id=case_id,
            text=t("staff-erased-card", number=number, date=now.date().isoformat()),
            keyboard=[],
        )
        await queue(conn, storage, note, key=f"{key}:card", now=now)
    lines = [t("staff-erased-by-hand", number=number, count=len(old))]
    lines += [_link(staff, message_id) for message_id in old]
    lines.append(t("staff-erased-search", number=number))
    for i, chunk in enumerate(split_message("\n".join(lines))):
        report = Text(chat_id=staff, text=chunk)
        await queue(conn, storage, report, key=f"{key}:by-hand:{i}", now=now)


def _link(chat_id: int, message_id: int) -> str:
    """A link an administrator opens the message by (a supergroup's), else its number."""
    if chat_id <= SUPERGROUP:
        internal = str(chat_id)[4:]  # -100XXXXXXXXXX → XXXXXXXXXX
        return f'<a href="https://t.me/c/{internal}/{message_id}">#{message_id}</a>'
    return f"#{message_id}"


def _message_ids(result: object) -> list[int]:
    if isinstance(result, dict):
        if isinstance(result.get("message_id"), int):
            return [result["message_id"]]
        return _message_ids(result.get("result"))
    if isinstance(result, list):
        return [i for item in result for i in _message_ids(item)]
    return []


async def erase_command(settings: Settings, user_id: int | None, number: str | None) -> int:
    storage = await open_storage(settings)
    try:
        if user_id is not None:
            erased = await erase_user(storage, settings, user_id, by="operator")
            print(f"user {user_id}: {erased}")
            return 0
        assert number is not None
        case = await storage.cases.get_by_number(number)
        if case is None:
            print(f"no case {number}")
            return 1
        erased = await erase_cases(storage, settings, [case.id], by="operator")
        print(f"{erased}" if erased.cases else f"{number} was erased before")
        return 0
    finally:
        await storage.close()
