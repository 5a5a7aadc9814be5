"""Many cases and drafts written straight into the database (for the metrics bench and the
tests that /metrics does not grow with them)."""

from __future__ import annotations

from datetime import timedelta

from dialogs.flow import STEPS
from dialogs.model import CaseStatus, Draft, utcnow
from storage import Storage
from storage.database import to_iso

STEP_IDS = list(STEPS)
BATCH = 5_000


def sample_draft(user_id: int, step: str, depth: int) -> Draft:
    """A complaint as the database holds it: answers, links, a history of `depth` steps."""
    history = [s for s in STEP_IDS[:depth] if s != step]
    return Draft(
        user_id=user_id,
        chat_id=user_id,
        step=step,
        history=history,
        answers={f"answer_{i}": "Lorem ipsum dolor sit amet, " * 8 for i in range(6)},
        links=[f"https://market.example/item/{user_id}{i}.html" for i in range(3)],
    )


async def seed(storage: Storage, cases: int, drafts: int) -> None:
    """`cases` submitted cases (statuses mixed) and `drafts` live drafts, in bulk."""
    statuses = [s.value for s in CaseStatus]
    now = utcnow()
    for start in range(0, cases, BATCH):
        rows = []
        for i in range(start, min(cases, start + BATCH)):
            user = 1_000_000 + i
            draft = sample_draft(user, "review", len(STEP_IDS))
            when = to_iso(now - timedelta(minutes=cases - i))
            rows.append(
                (
                    f"IP-BENCH-{i:07d}",
                    user,
                    user,
                    "en",
                    statuses[i % len(statuses)],
                    when,
                    when,
                    draft.model_dump_json(),
                )
            )
        async with storage.db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO cases (number, user_id, chat_id, lang, status, submitted_at,"
                " updated_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
    draft_rows: list[tuple[int, str, int, str]] = []
    for i in range(drafts):
        user = 2_000_000 + i
        depth = 1 + i % (len(STEP_IDS) - 1)
        draft = sample_draft(user, STEP_IDS[depth], depth)
        draft_rows.append((user, draft.model_dump_json(), 1, to_iso(now)))
    async with storage.db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO drafts (user_id, data, revision, updated_at) VALUES (?, ?, ?, ?)",
            draft_rows,
        )
