"""Case figures and the intake funnel, counted by the database (`storage.funnel`):
`python -m bot stats --since DATE` prints them.

The funnel counts conversations (a live draft, or a submitted case): how many reached each step,
and for the unfinished ones, at which step they are now — where claimants stop. A draft that
was discarded (/cancel, "start over") is no longer held, so it is not counted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from dialogs.flow import STEPS
from dialogs.model import CaseStatus
from storage import Storage
from storage.database import from_iso, to_iso
from storage.funnel import SUBMITTED, cases_reached, drafts_funnel


@dataclass(frozen=True)
class Figures:
    cases: dict[str, int]
    reached: dict[str, int] = field(default_factory=dict)  # step → conversations that got there
    stopped: dict[str, int] = field(default_factory=dict)  # step → unfinished ones standing there
    outbox_backlog: int = 0
    outbox_oldest: datetime | None = None


async def figures(storage: Storage, since: datetime | None = None) -> Figures:
    start = to_iso(since) if since else ""
    async with storage.db.read() as conn:
        status_rows = await conn.execute_fetchall(
            "SELECT status, count(*) FROM cases WHERE submitted_at >= ? GROUP BY status", (start,)
        )
        reached = await cases_reached(conn, since=start)
        drafts_reached, stopped = await drafts_funnel(conn, since=start)
        backlog = await conn.execute_fetchall(
            "SELECT count(*), min(created_at) FROM outbox"
            " WHERE sent_at IS NULL AND gave_up_at IS NULL"
        )
    cases = {status.value: 0 for status in CaseStatus} | {r[0]: int(r[1]) for r in status_rows}
    reached.update(drafts_reached)
    count, oldest = next(iter(backlog), (0, None))
    return Figures(
        cases=cases,
        reached=in_order(reached),
        stopped=in_order(stopped),
        outbox_backlog=int(count),
        outbox_oldest=from_iso(oldest) if oldest else None,
    )


def in_order(counts: Counter[str]) -> dict[str, int]:
    """The steps of the flow in their order, then SUBMITTED; those counted only."""
    return {step: counts[step] for step in [*STEPS, SUBMITTED] if counts[step]}


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
