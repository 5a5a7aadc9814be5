"""The case desk: everything done to a submitted case, by whoever acts — staff
(`bot.staff.staff_desk`), the claimant (`bot.staff.claimant_desk`), or the bot itself when a
time has come (`bot.staff.timers`). Each of them loads the case, decides with the workflow
(`bot.staff.workflow`) and has `bot.staff.apply` save and queue what follows."""

from __future__ import annotations

from bot.staff.claimant_desk import ClaimantDesk
from bot.staff.staff_desk import StaffDesk
from bot.staff.timers import Timers


class CaseDesk(StaffDesk, ClaimantDesk, Timers):
    """One object for the runtimes and the API to hold; the actions are its parts'."""
