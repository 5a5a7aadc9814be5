"""A decision asked and confirmed, as staff do it on the card (for tests of what follows)."""

from __future__ import annotations

from bot.staff.decision_protocol import Decision
from bot.staff.desk import CaseDesk
from bot.staff.workflow import Actor
from dialogs.model import Case


async def decided(
    desk: CaseDesk,
    case: Case,
    staff: Actor,
    reason: str | None = None,
    note: str = "",
    listings: tuple[str, ...] | None = None,
) -> Case:
    await desk.propose(case, staff, Decision(reason=reason, note=note, listings=listings))
    confirmed, _ = await desk.confirm(case, staff)
    return confirmed
