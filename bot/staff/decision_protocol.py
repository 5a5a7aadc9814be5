"""The decision sub-protocol of the workflow: what staff decide (`Decision`), and where a
decision in the making stands. Pure: no I/O, no Telegram.

A decision is asked (its audit entry holds it), then confirmed by whoever asked it, or
cancelled; once confirmed it may be undone within the undo window, after which the claimant
is told (`Action.NOTIFY`). Where it stands is the last of those steps in the case's audit
trail (the case's status says only whether it is confirmed): the functions below read it
from the trail the desk loads, so the steps are decided here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from bot.staff.workflow import PENDING, RULE, Action, Refusal
from dialogs.model import CaseStatus

REJECT_REASONS = ("out_of_scope", "documents_missing", "no_authority", "not_platform_listing")
OTHER_REASON = "other"
ACCEPTED_MARK = "+"  # a listing accepted, in `Decision.listings`


@dataclass(frozen=True)
class Decision:
    """What staff decide: every listing accepted (`reason` None), every listing rejected for
    `reason`, or an outcome for each listing (`listings`: `ACCEPTED_MARK` or a reason code,
    in the order of the complaint's links)."""

    reason: str | None = None
    note: str = ""
    listings: tuple[str, ...] | None = None

    def outcomes(self, count: int) -> tuple[str, ...]:
        """Each listing's outcome: `ACCEPTED_MARK` or the reason it was rejected for."""
        if self.listings is not None:
            return self.listings
        return (self.reason or ACCEPTED_MARK,) * count

    @property
    def accepts(self) -> bool:
        """Some listing is accepted (the case is accepted, maybe in part)."""
        if self.listings is not None:
            return ACCEPTED_MARK in self.listings
        return self.reason is None

    @property
    def asks(self) -> Action:
        """The action asking for it."""
        if self.listings is not None:
            return Action.PER_LISTING
        return Action.ACCEPT if self.reason is None else Action.REJECT

    @property
    def confirms(self) -> Action:
        return Action.CONFIRM_ACCEPT if self.accepts else Action.CONFIRM_REJECT

    def valid(self, count: int) -> bool:
        codes = (*REJECT_REASONS, OTHER_REASON)
        if self.listings is not None:
            marks = (ACCEPTED_MARK, *REJECT_REASONS)
            return len(self.listings) == count and all(m in marks for m in self.listings)
        return self.reason is None or self.reason in codes

    def detail(self) -> dict[str, object]:
        """As kept in the audit trail."""
        out: dict[str, object] = {}
        if self.reason is not None:
            out["reason"] = self.reason
        if self.note:
            out["note"] = self.note
        if self.listings is not None:
            out["listings"] = list(self.listings)
        return out

    @classmethod
    def of(cls, detail: Mapping[str, object]) -> Decision:
        reason, listings = detail.get("reason"), detail.get("listings")
        return cls(
            reason=str(reason) if reason is not None else None,
            note=str(detail.get("note") or ""),
            listings=tuple(str(m) for m in listings) if isinstance(listings, list) else None,
        )


# --- where a decision stands -------------------------------------------------------------

# The audit entries of a decision in the making, the last of which says where it stands.
ASKED = {RULE[a].audit: a for a in (Action.ACCEPT, Action.REJECT, Action.PER_LISTING)}
CONFIRMED = (RULE[Action.CONFIRM_ACCEPT].audit, RULE[Action.CONFIRM_REJECT].audit)
DECISION_STEPS = (*ASKED, *CONFIRMED, RULE[Action.CANCEL].audit, RULE[Action.UNDO].audit)


class Step(Protocol):
    """An audit entry as the protocol reads it (`storage.audit.AuditEntry`)."""

    @property
    def id(self) -> int: ...
    @property
    def actor_id(self) -> int | None: ...
    @property
    def actor_name(self) -> str | None: ...
    @property
    def action(self) -> str: ...
    @property
    def detail(self) -> dict[str, Any]: ...
    @property
    def at(self) -> datetime: ...


T = TypeVar("T", bound=Step)


def decision_step(trail: Sequence[T]) -> T | None:
    """The last step of a decision in the trail (asked, confirmed, cancelled, undone)."""
    steps = [e for e in trail if e.action in DECISION_STEPS]
    return steps[-1] if steps else None


def to_confirm(trail: Sequence[T], staff_id: int) -> tuple[T, Decision] | Refusal:
    """The decision `staff_id` asked last, if nothing was asked (or cancelled) since."""
    step = decision_step(trail)
    if step is None or step.action not in ASKED or step.actor_id != staff_id:
        return Refusal("staff-nothing-to-confirm")
    return step, Decision.of(step.detail)


def confirm_detail(step: Step, decision: Decision) -> dict[str, object]:
    """The confirming audit entry's detail: the decision, and the entry that asked it."""
    return {**decision.detail(), "asked": step.id}


def last_confirmed(trail: Sequence[Step]) -> Decision:
    """The decision confirmed last (every listing accepted if none is recorded)."""
    confirmed = [e for e in trail if e.action in CONFIRMED]
    return Decision.of(confirmed[-1].detail) if confirmed else Decision()


def due_to_notify(
    status: CaseStatus, trail: Sequence[T], now: datetime, window: timedelta
) -> T | None:
    """The confirmed step whose undo window is over at `now`, for a case pending in it."""
    step = decision_step(trail)
    if status not in PENDING or step is None or step.action not in CONFIRMED:
        return None
    return None if step.at + window > now else step


def listing_outcomes(links: Sequence[str], decision: Decision) -> list[dict[str, Any]]:
    """Each listing with its outcome, as case events and the seller notice carry them."""
    return [
        {"link": link, "outcome": "accepted"}
        if outcome == ACCEPTED_MARK
        else {"link": link, "outcome": "rejected", "reason": outcome}
        for link, outcome in zip(links, decision.outcomes(len(links)), strict=True)
    ]


def notify_detail(links: Sequence[str], step: Step) -> tuple[Decision, dict[str, Any]]:
    """The confirmed decision (from its step), and the detail `Action.NOTIFY` records."""
    decision = Decision.of(step.detail)
    detail: dict[str, Any] = {
        **decision.detail(),
        "decision": "accept" if decision.accepts else "reject",
        "actor_name": step.actor_name,
        "confirmed": step.id,
        "listings": listing_outcomes(links, decision),
    }
    return decision, detail
