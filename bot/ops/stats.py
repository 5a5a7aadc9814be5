"""Case figures and the intake funnel, from the database: `python -m bot stats --since DATE`
prints them, `/metrics` exports them.

The funnel counts conversations (a live draft, or a submitted case): how many reached each step,
and for the unfinished ones, at which step they are now — where claimants stop. A draft that
was discarded (/cancel, "start over") is no longer held, so it is not counted.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dialogs.flow import STEPS
from dialogs.model import CaseStatus
from storage import Storage
from storage.database import from_iso, to_iso

SUBMITTED = "submitted"


@dataclass(frozen=True)
class Figures:
    cases: dict[str, int]
    reached: dict[str, int] = field(default_factory=dict)  # step → conversations that got there
    stopped: dict[str, int] = field(default_factory=dict)  # step → unfinished ones standing there
    outbox_backlog: int = 0
    outbox_oldest: datetime | None = None


def _steps_of(draft: dict[str, Any]) -> set[str]:
    history = draft.get("history") or []
    return {str(s) for s in (*history, draft.get("step")) if s}


async def figures(storage: Storage, since: datetime | None = None) -> Figures:
    start = to_iso(since) if since else ""
    async with storage.db.read() as conn:
        status_rows = await conn.execute_fetchall(
            "SELECT status, count(*) FROM cases WHERE submitted_at >= ? GROUP BY status", (start,)
        )
        case_rows = await conn.execute_fetchall(
            "SELECT data FROM cases WHERE submitted_at >= ?", (start,)
        )
        draft_rows = await conn.execute_fetchall("SELECT data FROM drafts WHERE data IS NOT NULL")
        backlog = await conn.execute_fetchall(
            "SELECT count(*), min(created_at) FROM outbox"
            " WHERE sent_at IS NULL AND gave_up_at IS NULL"
        )
    cases = {status.value: 0 for status in CaseStatus} | {r[0]: int(r[1]) for r in status_rows}
    reached: Counter[str] = Counter()
    stopped: Counter[str] = Counter()
    for (data,) in case_rows:
        draft = json.loads(data)
        reached.update(_steps_of(draft) | {SUBMITTED})
    for (data,) in draft_rows:
        draft = json.loads(data)
        if since and from_iso(draft["created_at"]) < since:
            continue
        reached.update(_steps_of(draft))
        stopped[str(draft["step"])] += 1
    order = [*STEPS, SUBMITTED]
    count, oldest = next(iter(backlog), (0, None))
    return Figures(
        cases=cases,
        reached={step: reached[step] for step in order if reached[step]},
        stopped={step: stopped[step] for step in order if stopped[step]},
        outbox_backlog=int(count),
        outbox_oldest=from_iso(oldest) if oldest else None,
    )


def report(found: Figures, since: datetime | None) -> str:
    when = f" since {since.date().isoformat()}" if since else ""
    lines = [f"Cases{when}: {sum(found.cases.values())}"]
    lines += [f"  {status:<16}{n:>6}" for status, n in found.cases.items()]
    lines.append(f"Intake funnel{when} (conversations reaching each step; unfinished ones now at):")
    for step, n in found.reached.items():
        waiting = found.stopped.get(step, 0)
        lines.append(f"  {step:<26}{n:>6}" + (f"   {waiting} stopped here" if waiting else ""))
    lines.append(f"Outbox: {found.outbox_backlog} message(s) waiting")
    return "\n".join(lines)


async def stats_command(storage: Storage, since: datetime | None) -> int:
    print(report(await figures(storage, since), since))
    return 0
