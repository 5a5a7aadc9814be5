"""Migration 14: outbox rows queued before messages were typed (Bot API parameters with `store`,
`card_of`, `topic_of` and `_purpose` markers) are rewritten into the typed shape, so an upgrade
with messages still queued loses none of them and the sender reads one shape only.

Each test starts from a database at migration 13 holding such rows, on SQLite and PostgreSQL,
opens it with this release (which migrates it), and sends with the real sender."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import aiosqlite
import asyncpg
from aiogram import Bot

from bot.aiogram.transport import AiogramTransport
from bot.outbox.messages import (
    Album,
    AlbumItem,
    Button,
    CardEdit,
    ComposeDossier,
    Delete,
    DeleteMessages,
    DeleteTopic,
    Document,
    OpenTopic,
    OutboxMessage,
    StaffCard,
    Text,
    parse_message,
)
from bot.outbox.sender import OutboxSender
from bot.staff.submission import compose_staff_dossier
from dialogs.model import utcnow
from storage import MIGRATIONS, Storage
from storage.backends.base import Connection
from storage.backends.postgres import PostgresConnection
from storage.backends.sqlite import DB_FILENAME, SqliteConnection
from storage.database import to_iso
from storage.legacy_outbox import typed_message
from storage.migrations import apply_migrations, latest_version
from tests.backends import TEST_DATABASE_URL, Backend
from tests.bot.outbox.sending import (
    ANNA,
    BORIS,
    FAST_PRIVATE,
    GROUP,
    ScriptedTransport,
)
from tests.fake_telegram import FakeTelegram
from tests.submitted import submitted

LEGACY = 13  # the last migration before typed rows were retired

# One legacy row: (dedupe key, method, payload, case id, sent).
Row = tuple[str, str, dict[str, Any], int | None, bool]


async def at_migration_13(backend: Backend, rows: list[Row]) -> None:
    """An empty database of `backend` migrated to 13, with `rows` queued in the old shape."""

    async def fill(conn: Connection) -> None:
        assert await apply_migrations(conn, MIGRATIONS[:LEGACY]) == LEGACY
        now = to_iso(utcnow())
        for key, method, payload, case_id, sent in rows:
            await conn.execute(
                "INSERT INTO outbox (chat_id, method, payload, dedupe_key, created_at, case_id,"
                " sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    payload["chat_id"],
                    method,
                    json.dumps(payload),
                    key,
                    now,
                    case_id,
                    now if sent else None,
                ),
            )

    if backend.name == "sqlite":
        backend.data_dir.mkdir(parents=True, exist_ok=True)
        raw = await aiosqlite.connect(backend.data_dir / DB_FILENAME, isolation_level=None)
        try:
            await fill(SqliteConnection(raw))
        finally:
            await raw.close()
        return
    assert TEST_DATABASE_URL is not None and backend.schema is not None
    pg = await asyncpg.connect(TEST_DATABASE_URL, server_settings={"search_path": backend.schema})
    try:
        await fill(PostgresConnection(pg))
    finally:
        await pg.close()


async def outbox_rows(storage: Storage) -> dict[str, tuple[str, dict[str, Any]]]:
    async with storage.db.read() as conn:
        rows = await conn.execute_fetchall("SELECT dedupe_key, method, payload FROM outbox")
    return {r["dedupe_key"]: (r["method"], json.loads(r["payload"])) for r in rows}


def is_typed(method: str, payload: dict[str, Any]) -> bool:
    """Stored exactly as `bot.outbox.queue.queue` stores the message today."""
    return parse_message(method, payload).model_dump(mode="json", exclude={"kind"}) == payload


RECEIPT = b"%PDF-1.4 receipt"
RECEIPT_SHA = hashlib.sha256(RECEIPT).hexdigest()


async def test_rows_queued_by_the_previous_version_are_still_delivered(backend: Backend) -> None:
    """Upgrading with messages still queued (Bot API payloads with `store` / `card_of`
    markers, written before messages were typed) loses none of them."""
    await at_migration_13(
        backend,
        [
            ("old:text", "sendMessage", {"chat_id": ANNA, "text": "old receipt"}, None, False),
            (
                "old:doc",
                "sendDocument",
                {"chat_id": ANNA, "document": {"store": RECEIPT_SHA, "filename": "r.pdf"}},
                None,
                False,
            ),
            ("old:bogus", "sendSticker", {"chat_id": BORIS}, None, False),
        ],
    )
    storage = await backend.storage()
    try:
        assert await storage.db.schema_version() == latest_version()
        sha = await storage.files.put_async(RECEIPT)
        assert sha == RECEIPT_SHA
        transport = ScriptedTransport()
        sender = OutboxSender(storage, transport, rates=FAST_PRIVATE)
        await sender.deliver_due()
        assert [(m, p.get("text")) for m, p in transport.calls] == [
            ("sendMessage", "old receipt"),
            ("sendDocument", None),
        ]
        upload = transport.calls[1][1]["document"]
        assert (upload.sha256, upload.filename) == (sha, "r.pdf")
        assert await storage.outbox.pending_count() == 0  # the unreadable one set aside
    finally:
        await storage.close()


async def test_erasures_queued_by_the_previous_version_are_still_delivered(
    backend: Backend,
) -> None:
    """An erasure queued before messages were typed (a staff topic or messages to delete, as
    plain Bot API parameters) is still carried out after an upgrade."""
    await at_migration_13(
        backend,
        [
            (
                "old:topic",
                "deleteForumTopic",
                {"chat_id": GROUP, "message_thread_id": 77},
                None,
                False,
            ),
            (
                "old:messages",
                "deleteMessages",
                {"chat_id": GROUP, "message_ids": [5, 6, 7]},
                None,
                False,
            ),
        ],
    )
    storage = await backend.storage()
    try:
        transport = ScriptedTransport()
        sender = OutboxSender(storage, transport, rates=FAST_PRIVATE)
        await sender.deliver_due()
        assert transport.calls == [
            ("deleteForumTopic", {"chat_id": GROUP, "message_thread_id": 77}),
            ("deleteMessages", {"chat_id": GROUP, "message_ids": [5, 6, 7]}),
        ]
        assert await storage.outbox.pending_count() == 0
    finally:
        await storage.close()


KEYBOARD = {"inline_keyboard": [[{"text": "Open", "callback_data": "open:1"}]]}
PHOTO = b"\x89PNG proof"
PHOTO_SHA = hashlib.sha256(PHOTO).hexdigest()


async def test_migrated_rows_are_typed_and_reach_telegram(
    backend: Backend, fake: FakeTelegram, bot: Bot
) -> None:
    """The rows are rewritten in place (the typed shape, as queued today), each sent once by the
    sender against the Bot API; a row already sent stays as it was, an unreadable one is
    left for the sender to set aside."""
    await at_migration_13(
        backend,
        [
            ("old:sent", "sendMessage", {"chat_id": ANNA, "text": "long ago"}, None, True),
            (
                "old:text",
                "sendMessage",
                {"chat_id": ANNA, "text": "<b>Your case</b>", "reply_markup": KEYBOARD},
                None,
                False,
            ),
            (
                "old:doc",
                "sendDocument",
                {"chat_id": ANNA, "document": {"store": RECEIPT_SHA, "filename": "r.pdf"}},
                None,
                False,
            ),
            (
                "old:album",
                "sendMediaGroup",
                {
                    "chat_id": GROUP,
                    "media": [
                        {"type": "document", "media": {"store": RECEIPT_SHA, "filename": "a.pdf"}},
                        {"type": "document", "media": {"store": PHOTO_SHA}, "caption": "proof"},
                    ],
                },
                None,
                False,
            ),
            ("old:bogus", "sendSticker", {"chat_id": BORIS, "sticker": "x"}, None, False),
        ],
    )
    storage = await backend.storage()
    try:
        assert await storage.db.schema_version() == latest_version()
        await storage.files.put_async(RECEIPT)
        await storage.files.put_async(PHOTO)
        rows = await outbox_rows(storage)
        assert rows["old:sent"] == ("sendMessage", {"chat_id": ANNA, "text": "long ago"})
        assert rows["old:bogus"][0] == "sendSticker"
        for key in ("old:text", "old:doc", "old:album"):
            assert is_typed(*rows[key]), rows[key]
        assert [rows[k][0] for k in ("old:text", "old:doc", "old:album")] == [
            "text",
            "document",
            "album",
        ]

        sender = OutboxSender(storage, AiogramTransport(bot, storage.files), rates=FAST_PRIVATE)
        await sender.deliver_due()
        await sender.deliver_due()
        assert await storage.outbox.pending_count() == 0

        anna = fake.messages(ANNA)
        assert [m.content for m in anna] == ["Your case", ""]
        assert anna[0].reply_markup == KEYBOARD
        assert anna[1].document is not None and anna[1].document.file_name == "r.pdf"
        assert anna[1].document.data == RECEIPT
        album = fake.messages(GROUP)
        assert [m.document.file_name for m in album if m.document] == ["a.pdf", PHOTO_SHA]
        assert [m.caption for m in album] == [None, "proof"]
        assert len({m.media_group_id for m in album}) == 1
        assert len(fake.calls("sendMessage")) == 1  # the sent one never again
        assert not fake.messages(BORIS)
        bogus = await storage.outbox.due(utcnow())
        assert bogus == []
    finally:
        await storage.close()


def typed(method: str, payload: dict[str, Any], chat: int, case: int | None) -> OutboxMessage:
    found = typed_message(method, payload, chat, case)
    assert found is not None
    assert is_typed(*found)
    return parse_message(*found)


def test_every_legacy_shape_becomes_its_typed_message() -> None:
    """The shapes the version before typed messages queued, each as the message it meant."""
    markup = {"inline_keyboard": [[{"text": "Take", "callback_data": "take:5"}]]}
    buttons = [[Button(text="Take", callback_data="take:5")]]
    topic, card = {"topic_of": 5}, {"card_of": 5}
    compose = {"case_id": 5, "staff_lang": "ru", "username": "ann", "topic": True}
    assert typed("composeStaffDossier", compose, GROUP, 5) == ComposeDossier(
        chat_id=GROUP, case_id=5, staff_lang="ru", username="ann", topic=True
    )
    staff_card = {"text": "card", "_purpose": "staff_card", "reply_markup": markup}
    assert typed("sendMessage", {**staff_card, "message_thread_id": topic}, GROUP, 5) == StaffCard(
        chat_id=GROUP, case_id=5, text="card", keyboard=buttons, topic_of=5
    )
    question = {"text": "q", "reply_parameters": {"message_id": card}, "message_thread_id": topic}
    assert typed("sendMessage", question, GROUP, 5) == Text(
        chat_id=GROUP, text="q", reply_to_card_of=5, topic_of=5
    )
    answer = {"text": "a", "reply_parameters": {"message_id": 44}, "message_thread_id": 9}
    assert typed("sendMessage", answer, GROUP, None) == Text(
        chat_id=GROUP, text="a", reply_to_message_id=44, message_thread_id=9
    )
    document = {
        "document": {"store": "a" * 64},
        "caption": "c",
        "reply_parameters": {"message_id": card},
    }
    assert typed("sendDocument", document, GROUP, 5) == Document(
        chat_id=GROUP, sha256="a" * 64, filename="a" * 64, caption="c", reply_to_card_of=5
    )
    album = {"media": [{"media": {"store": "b" * 64, "filename": "x.png"}, "caption": "c"}]}
    assert typed("sendMediaGroup", {**album, "message_thread_id": topic}, GROUP, 5) == Album(
        chat_id=GROUP,
        documents=[AlbumItem(sha256="b" * 64, filename="x.png", caption="c")],
        topic_of=5,
    )
    edit = {"message_id": card, "text": "t", "reply_markup": markup}
    assert typed("editMessageText", edit, GROUP, 5) == CardEdit(
        chat_id=GROUP, case_id=5, text="t", keyboard=buttons
    )
    assert typed("deleteMessage", {"message_id": 77}, GROUP, None) == Delete(
        chat_id=GROUP, message_id=77
    )
    assert typed("deleteMessages", {"message_ids": [5, 6]}, GROUP, None) == DeleteMessages(
        chat_id=GROUP, message_ids=[5, 6]
    )
    assert typed("deleteForumTopic", {"message_thread_id": 7}, GROUP, None) == DeleteTopic(
        chat_id=GROUP, message_thread_id=7
    )
    assert typed("createForumTopic", {"name": "IP-1 · Ann"}, GROUP, 5) == OpenTopic(
        chat_id=GROUP, case_id=5, name="IP-1 · Ann"
    )
    # What cannot be read is left as it is (the sender sets it aside).
    for method, payload, case in [
        ("sendSticker", {"sticker": "x"}, None),
        ("sendMessage", {}, None),
        ("sendDocument", {"document": "x"}, None),
        ("editMessageText", {"message_id": 4, "text": "t"}, 4),
        ("deleteMessage", {"message_id": card}, None),
        ("createForumTopic", {"name": "n"}, None),
        ("composeStaffDossier", {"case_id": 5, "staff_lang": "de"}, 5),
    ]:
        assert typed_message(method, payload, GROUP, case) is None, method


async def test_a_case_s_messages_queued_by_the_previous_version_are_composed_and_sent(
    backend: Backend, fake: FakeTelegram, bot: Bot
) -> None:
    """Queued in the old shape before an upgrade: for a new case, the claimant's receipt and
    the instruction to compose the staff dossier; for a case whose card is in the group, a
    reply under the card and the card drawn again. After the upgrade the dossier is composed
    (its card the PDF's caption), the reply goes under the older card, and that card is
    edited."""
    storage = await backend.storage()
    try:
        new, old = await submitted(storage, ANNA), await submitted(storage, BORIS)
        sent = await bot.send_message(GROUP, f"card of {old.number}")
        async with storage.db.transaction() as conn:
            await storage.cases.set_staff_message(conn, old.id, sent.message_id, None)
            legacy = [
                (new.id, ANNA, "receipt", "sendMessage", {"chat_id": ANNA, "text": "Received"}),
                (
                    new.id,
                    GROUP,
                    "dossier",
                    "composeStaffDossier",
                    {"case_id": new.id, "staff_lang": "en", "username": "ann"},
                ),
                (
                    old.id,
                    GROUP,
                    "answer",
                    "sendMessage",
                    {
                        "chat_id": GROUP,
                        "text": "The claimant answered",
                        "reply_parameters": {"message_id": {"card_of": old.id}},
                    },
                ),
                (
                    old.id,
                    GROUP,
                    "card",
                    "editMessageText",
                    {
                        "chat_id": GROUP,
                        "message_id": {"card_of": old.id},
                        "text": f"card of {old.number}: taken",
                        "reply_markup": KEYBOARD,
                    },
                ),
            ]
            for case_id, chat, key, method, payload in legacy:
                await storage.outbox.enqueue(
                    conn,
                    chat_id=chat,
                    method=method,
                    payload=payload,
                    dedupe_key=f"case:{case_id}:{key}",
                    case_id=case_id,
                )
            # Back at migration 13, as the previous version left it (14 changes no table).
            await conn.execute("DELETE FROM schema_migrations WHERE version > ?", (LEGACY,))
            if backend.name == "sqlite":
                await conn.execute(f"PRAGMA user_version = {LEGACY}")
    finally:
        await storage.close()

    storage = await backend.storage()
    try:
        assert await storage.db.schema_version() == latest_version()
        sender = OutboxSender(
            storage,
            AiogramTransport(bot, storage.files),
            rates=FAST_PRIVATE,
            compose_dossier=compose_staff_dossier,
        )
        for _ in range(5):
            await sender.deliver_due()
            await sender.composing_done()
            if not await storage.outbox.pending_count():
                break
        assert await storage.outbox.pending_count() == 0
        assert [m.content for m in fake.messages(ANNA)] == ["Received"]
        old_card, answer, card = fake.messages(GROUP)
        assert answer.content == "The claimant answered"
        assert answer.reply_to_message_id == old_card.message_id == sent.message_id
        assert old_card.content == f"card of {old.number}: taken"
        assert old_card.reply_markup == KEYBOARD
        assert card.document is not None and card.document.file_name == f"{new.number}.pdf"
        assert new.number in card.content
        staff = await storage.cases.staff_message(new.id)
        assert staff is not None and staff[0] == card.message_id
    finally:
        await storage.close()
