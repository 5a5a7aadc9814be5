"""What is held about one person: `python -m bot export --user ID` (an access request) and the
claimant's own `/mydata` summary."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.config.settings import Settings, open_storage
from dialogs.model import Case, Draft
from storage import Storage


@dataclass(frozen=True)
class Holding:
    """One person's data: their draft, cases, answers to staff, and what the bot sent them."""

    user_id: int
    draft: Draft | None
    cases: list[Case]
    messages: list[dict[str, Any]]
    audit: list[dict[str, Any]]
    sent: list[dict[str, Any]]

    @property
    def files(self) -> dict[str, str]:
        """sha256 → the name the claimant gave it."""
        drafts = ([self.draft] if self.draft else []) + [c.draft for c in self.cases]
        named = {f.sha256: f.name for d in drafts for f in d.files}
        for message in self.messages:
            named |= {f["sha256"]: f["name"] for f in message["files"]}
        return named

    def as_json(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "draft": self.draft.model_dump(mode="json") if self.draft else None,
            "cases": [case.model_dump(mode="json") for case in self.cases],
            "answers_to_staff": self.messages,
            "case_history": self.audit,
            "messages_sent_to_you": self.sent,
            "files": [{"sha256": sha, "name": name} for sha, name in self.files.items()],
        }


async def holding(storage: Storage, user_id: int) -> Holding:
    cases = list(reversed(await storage.cases.list_for_user(user_id)))
    messages: list[dict[str, Any]] = []
    audit: list[dict[str, Any]] = []
    for case in cases:
        messages += [
            {"case": case.number, **m.model_dump(mode="json")}
            for m in await storage.questions.messages(case.id)
            if m.direction == "claimant"
        ]
        audit += [
            {"case": case.number, "action": e.action, "at": e.at.isoformat()}
            for e in await storage.audit.for_case(case.id)
        ]
    async with storage.db.read() as conn:
        rows = await conn.execute_fetchall(
            "SELECT method, payload, sent_at FROM outbox WHERE chat_id = ? AND sent_at IS NOT NULL"
            " ORDER BY id",
            (user_id,),
        )
    sent = [
        {"method": row["method"], "sent_at": row["sent_at"], "text": text}
        for row in rows
        if (text := json.loads(row["payload"]).get("text"))
    ]
    draft = await storage.drafts.load(user_id)
    return Holding(user_id, draft, cases, messages, audit, sent)


async def export_user_command(settings: Settings, user_id: int, out: Path) -> int:
    """`<out>/user-<id>/data.json` and a copy of every file, under the name it was sent with."""
    storage = await open_storage(settings)
    try:
        held = await holding(storage, user_id)
        folder = out / f"user-{user_id}"
        (folder / "files").mkdir(parents=True, exist_ok=True)
        (folder / "data.json").write_text(
            json.dumps(held.as_json(), ensure_ascii=False, indent=1), encoding="utf-8"
        )
        copied = 0
        for sha, name in held.files.items():
            if storage.files.exists(sha):
                target = folder / "files" / f"{sha[:12]}-{Path(name).name}"
                target.write_bytes(await storage.files.read_async(sha))
                copied += 1
    finally:
        await storage.close()
    print(
        f"user {user_id}: {len(held.cases)} case(s), draft: {'yes' if held.draft else 'no'},"
        f" {copied} file(s) -> {folder}"
    )
    return 0
