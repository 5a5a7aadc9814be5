"""Personal data in the database: what refers to a file, anonymising a case, forgetting texts.

The policy (what is erased when, what the staff group is told) is in `bot.ops`; here is only how
rows change. A case erased keeps its number, dates, status, listing links, the confirmations'
standard wording and the sha256 of every file; names, contacts, free texts, file names, the
claimant's Telegram ids, their answers to staff and the texts the bot sent about it go.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic_core import to_json

from dialogs.model import Draft
from storage.database import Connection, fetch_one, to_iso

ERASED = "[erased]"
# Answers that are choices among fixed options (no personal data); every other answer is text.
CHOICE_ANSWERS = frozenset(
    {"screen_listing", "screen_matter", "role", "right_type", "patent_kind", "claim_subject"}
)


def anonymised(draft: Draft) -> Draft:
    return draft.model_copy(
        update={
            "user_id": 0,
            "chat_id": 0,
            "answers": {
                key: value if key in CHOICE_ANSWERS else ERASED
                for key, value in draft.answers.items()
            },
            "files": [
                f.model_copy(update={"name": f"file-{f.sha256[:12]}", "telegram_file_id": None})
                for f in draft.files
            ],
        }
    )


def stores_in(value: Any) -> set[str]:
    """Every sha256 a JSON value refers to (`{"sha256": …}` and the outbox's `{"store": …}`)."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key in ("sha256", "store"):
            if isinstance(value.get(key), str):
                found.add(value[key])
        for item in value.values():
            found |= stores_in(item)
    elif isinstance(value, list):
        for item in value:
            found |= stores_in(item)
    return found


async def case_file_refs(conn: Connection, case_id: int) -> set[str]:
    """Files that belong to one case: its own, its answers' and the documents sent about it."""
    found = {
        row[0]
        for row in await conn.execute_fetchall(
            "SELECT sha256 FROM case_files WHERE case_id = ?", (case_id,)
        )
    }
    for (files,) in await conn.execute_fetchall(
        "SELECT files FROM case_messages WHERE case_id = ?", (case_id,)
    ):
        found |= stores_in(json.loads(files))
    for (payload,) in await conn.execute_fetchall(
        "SELECT payload FROM outbox WHERE case_id = ?", (case_id,)
    ):
        found |= stores_in(json.loads(payload))
    return found


async def files_in_use(conn: Connection, *, except_cases: set[int]) -> set[str]:
    """Files still needed by anything but `except_cases`: other cases, live drafts, answers,
    the outbox's unsent documents."""
    skip = tuple(sorted(except_cases)) or (-1,)
    marks = ", ".join("?" for _ in skip)
    used = {
        row[0]
        for row in await conn.execute_fetchall(
            f"SELECT sha256 FROM case_files WHERE case_id NOT IN ({marks})", skip
        )
    }
    for (data,) in await conn.execute_fetchall("SELECT data FROM drafts WHERE data IS NOT NULL"):
        used |= stores_in(json.loads(data))
    for (files,) in await conn.execute_fetchall(
        f"SELECT files FROM case_messages WHERE case_id NOT IN ({marks})", skip
    ):
        used |= stores_in(json.loads(files))
    for (payload,) in await conn.execute_fetchall(
        "SELECT payload FROM outbox WHERE sent_at IS NULL AND gave_up_at IS NULL"
        f" AND (case_id IS NULL OR case_id NOT IN ({marks}))",
        skip,
    ):
        used |= stores_in(json.loads(payload))
    return used


async def anonymise_case(conn: Connection, case_id: int, now: datetime) -> int | None:
    """Anonymise one case's rows (see the module's note); returns the claimant's user id, or
    None when there is no such case or it was anonymised before."""
    row = await fetch_one(conn, "SELECT user_id, data FROM cases WHERE id = ?", (case_id,))
    if row is None or row["user_id"] == 0:
        return None
    user_id = int(row["user_id"])
    draft = Draft.model_validate_json(row["data"])
    await conn.execute(
        "UPDATE cases SET user_id = 0, chat_id = 0, claimant_username = NULL, data = ?"
        " WHERE id = ?",
        (anonymised(draft).model_dump_json(), case_id),
    )
    await conn.execute(
        "UPDATE case_files SET name = 'file-' || substr(sha256, 1, 12) WHERE case_id = ?",
        (case_id,),
    )
    # The JSON is rewritten here rather than in SQL: one spelling for SQLite and PostgreSQL.
    for message in await conn.execute_fetchall(
        "SELECT id, files FROM case_messages WHERE case_id = ? AND direction = 'claimant'",
        (case_id,),
    ):
        files = [
            {**f, "name": f"file-{str(f.get('sha256', ''))[:12]}", "telegram_file_id": None}
            for f in json.loads(message["files"])
        ]
        await conn.execute(
            "UPDATE case_messages SET text = ?, author_id = NULL, files = ? WHERE id = ?",
            (ERASED, json.dumps(files), message["id"]),
        )
    for entry in await conn.execute_fetchall(
        "SELECT id, actor_id, detail FROM audit WHERE case_id = ?", (case_id,)
    ):
        detail = json.loads(entry["detail"])
        if entry["actor_id"] == user_id or detail.get("text") is not None:
            detail.pop("text", None)
            await conn.execute(
                "UPDATE audit SET actor_id = NULL, detail = ? WHERE id = ?",
                (to_json(detail).decode(), entry["id"]),
            )
    await forget_outbox(conn, "case_id = ?", (case_id,), now)
    # Events already delivered to the case webhook keep no copy here (undelivered ones still go).
    await conn.execute(
        "UPDATE case_events SET data = '{}' WHERE case_id = ? AND delivered_at IS NOT NULL",
        (case_id,),
    )
    return user_id


async def forget_user(conn: Connection, user_id: int, now: datetime) -> None:
    """What is kept about a user outside their cases: the draft (discarded), their place in a
    conversation, the messages the bot sent them."""
    await conn.execute(
        "UPDATE drafts SET data = NULL, revision = revision + 1, updated_at = ? WHERE user_id = ?",
        (to_iso(now), user_id),
    )
    await conn.execute("DELETE FROM answering WHERE user_id = ?", (user_id,))
    await conn.execute("DELETE FROM adding_evidence WHERE user_id = ?", (user_id,))
    # The marks of their updates stay (an update delivered again is still applied once, and
    # marks go after two days anyway); only whose they were is forgotten.
    await conn.execute("UPDATE applied_updates SET user_id = NULL WHERE user_id = ?", (user_id,))
    await forget_outbox(conn, "chat_id = ?", (user_id,), now)


async def forget_outbox(
    conn: Connection, where: str, params: tuple[Any, ...], now: datetime
) -> None:
    """Drop the texts of the outbox items matching `where`; unsent ones are given up."""
    await conn.execute(
        "UPDATE outbox SET gave_up_at = ?, last_error = 'erased'"
        f" WHERE {where} AND sent_at IS NULL AND gave_up_at IS NULL",
        (to_iso(now), *params),
    )
    await conn.execute(f"UPDATE outbox SET payload = '{{}}', result = NULL WHERE {where}", params)


async def drop_file_rows(conn: Connection, shas: set[str]) -> None:
    """Unindex files about to be deleted from the store (and their cases' links to them)."""
    for sha in sorted(shas):
        await conn.execute("DELETE FROM case_files WHERE sha256 = ?", (sha,))
        await conn.execute("DELETE FROM files WHERE sha256 = ?", (sha,))
