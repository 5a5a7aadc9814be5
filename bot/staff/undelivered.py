"""Files of a case that Telegram would not take into the staff group (a 400 for a document or an
album, or a payload that failed every try). They are in the dossier's ZIP all the same; the case
card names them so staff know to look there. Recorded in the audit trail, framework-free."""

from __future__ import annotations

from typing import Any

import aiosqlite

from dialogs.model import Case
from storage import OutboxItem, Storage

ACTION = "files_undelivered"
FILE_METHODS = frozenset({"sendDocument", "sendMediaGroup"})


def _store_refs(value: Any) -> list[dict[str, Any]]:
    """Every `{"store": sha256, "filename": name}` in a payload, in order."""
    if isinstance(value, dict):
        if "store" in value:
            return [value]
        return [ref for item in value.values() for ref in _store_refs(item)]
    if isinstance(value, list):
        return [ref for item in value for ref in _store_refs(item)]
    return []


def claimant_files_in(item: OutboxItem, case: Case) -> list[dict[str, str]]:
    """The claimant's files an outbox item carried (not the dossier's own PDF and ZIP)."""
    if item.method not in FILE_METHODS:
        return []
    names = {f.sha256: f.name for f in case.draft.files}
    return [
        {"sha256": ref["store"], "name": names[ref["store"]]}
        for ref in _store_refs(item.payload)
        if ref["store"] in names
    ]


async def record_undelivered(
    conn: aiosqlite.Connection, storage: Storage, case: Case, files: list[dict[str, str]]
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
