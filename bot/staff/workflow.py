"""The case workflow as data, and the one function that applies it: what may happen to a
submitted case, by whom, and what each action produces. Pure: no I/O, no Telegram.

`RULES` declares, per action, the statuses it applies in (and the status each moves to), who
may take it, the audit entry it writes, the case event it emits (for the webhook) and the
notices that follow. `decide(case, action, actor)` answers with a `Transition` (what the desk
then saves and queues) or a `Refusal` (a catalog key saying why not). The desk only loads,
decides, saves and queues; the card's buttons and the lifecycle diagram are read from here.
What staff decide, and where a decision in the making stands, is `bot.staff.decision_protocol`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from dialogs.model import Case, CaseStatus

S = CaseStatus


class Role(StrEnum):
    """Who is acting, relative to the case."""

    STAFF = "staff"  # any member of the staff group
    ASSIGNEE = "assignee"  # the staff member holding the case (anyone while nobody holds it)
    CLAIMANT = "claimant"  # the person who filed the case
    SYSTEM = "system"  # the bot itself, when a time has come (the undo window, a reminder)


class Action(StrEnum):
    TAKE = "take"
    TAKE_OVER = "take_over"
    ASK = "ask"
    ACCEPT = "accept"  # asks for confirmation: accept every listing
    REJECT = "reject"  # asks for confirmation: reject every listing, for a reason
    PER_LISTING = "per_listing"  # asks for confirmation: an outcome for each listing
    CONFIRM_ACCEPT = "confirm_accept"  # the decision asked (some listing accepted) confirmed
    CONFIRM_REJECT = "confirm_reject"  # the decision asked (every listing rejected) confirmed
    CANCEL = "cancel"  # the decision asked not confirmed
    UNDO = "undo"  # a confirmed decision reverted within the undo window
    NOTIFY = "notify"  # the undo window over: the decision stands, the claimant is told
    REMIND = "remind"  # nobody took the case in time: a reminder under its card
    FORWARD = "forward"
    ANSWER = "answer"  # one message of the claimant's answer to a question
    FINISH_ANSWER = "finish_answer"
    ADD_EVIDENCE = "add_evidence"  # one message of evidence the claimant adds unasked
    FINISH_EVIDENCE = "finish_evidence"
    WITHDRAW = "withdraw"
    REPORT_OUTCOME = "report_outcome"  # the marketplace reports what became of listings


class Notice(StrEnum):
    """What follows an action, besides the saved change."""

    CLAIMANT = "claimant"  # a message to the claimant in their language
    CARD = "card"  # the staff card redrawn
    STAFF_THREAD = "staff_thread"  # the claimant's words/files posted under the card
    SELLER_NOTICE = "seller_notice"  # the seller notice PDF made, kept and posted to staff
    CONFIRMATION = "confirmation"  # the card's buttons become "Confirm / Cancel"
    UNDO_WINDOW = "undo_window"  # the claimant is told when the undo window is over
    REMINDER = "reminder"  # a reminder posted under the card


class Assign(StrEnum):
    NO = "no"
    IF_UNASSIGNED = "if_unassigned"
    ALWAYS = "always"


class CaseEvent(StrEnum):
    """Case events delivered to `CASE_WEBHOOK_URL`."""

    SUBMITTED = "submitted"
    TAKEN = "taken"
    QUESTION = "question"
    ANSWER = "answer"
    EVIDENCE = "evidence"
    DECISION = "decision"
    FORWARDED = "forwarded"
    WITHDRAWN = "withdrawn"
    LISTING_OUTCOME = "listing_outcome"


OPEN = (S.SUBMITTED, S.IN_REVIEW, S.INFO_REQUESTED)
PENDING = (S.ACCEPTING, S.REJECTING)  # decided, within the undo window
# The claimant is not told of a decision within its undo window: to them the case is still
# open (they may answer, add evidence, withdraw), as staff may still undo the decision.
CLAIMANT_OPEN = (*OPEN, *PENDING)
DECIDED = (*PENDING, S.ACCEPTED, S.REJECTED, S.FORWARDED, S.WITHDRAWN)


def _stay(*statuses: CaseStatus) -> dict[CaseStatus, CaseStatus]:
    return {status: status for status in statuses}


def _to(target: CaseStatus, *statuses: CaseStatus) -> dict[CaseStatus, CaseStatus]:
    return dict.fromkeys(statuses, target)


@dataclass(frozen=True)
class Rule:
    action: Action
    moves: Mapping[CaseStatus, CaseStatus]  # status it applies in → status it leaves
    by: frozenset[Role]
    audit: str  # the audit entry's action
    event: CaseEvent | None = None
    notices: tuple[Notice, ...] = ()
    assign: Assign = Assign.NO
    button: bool = False  # offered on the staff card
    several: bool = False  # offered only for a complaint about several listings


RULES: tuple[Rule, ...] = (
    Rule(
        Action.TAKE,
        _to(S.IN_REVIEW, S.SUBMITTED),
        frozenset({Role.STAFF}),
        "taken",
        CaseEvent.TAKEN,
        (Notice.CLAIMANT, Notice.CARD),
        Assign.ALWAYS,
        button=True,
    ),
    Rule(
        Action.ASK,
        _to(S.INFO_REQUESTED, *OPEN),
        frozenset({Role.ASSIGNEE}),
        "asked",
        CaseEvent.QUESTION,
        (Notice.CLAIMANT, Notice.CARD),
        Assign.IF_UNASSIGNED,
        button=True,
    ),
    Rule(
        Action.ACCEPT,
        _stay(*OPEN),
        frozenset({Role.ASSIGNEE}),
        "accept-asked",
        None,
        (Notice.CONFIRMATION,),
        button=True,
    ),
    Rule(
        Action.REJECT,
        _stay(*OPEN),
        frozenset({Role.ASSIGNEE}),
        "reject-asked",
        None,
        (Notice.CONFIRMATION,),
        button=True,
    ),
    Rule(
        Action.PER_LISTING,
        _stay(*OPEN),
        frozenset({Role.ASSIGNEE}),
        "per-listing-asked",
        None,
        (Notice.CONFIRMATION,),
        button=True,
        several=True,
    ),
    Rule(
        Action.CONFIRM_ACCEPT,
        _to(S.ACCEPTING, *OPEN),
        frozenset({Role.ASSIGNEE}),
        "accepted",
        None,
        (Notice.UNDO_WINDOW, Notice.CARD),
        Assign.IF_UNASSIGNED,
    ),
    Rule(
        Action.CONFIRM_REJECT,
        _to(S.REJECTING, *OPEN),
        frozenset({Role.ASSIGNEE}),
        "rejected",
        None,
        (Notice.UNDO_WINDOW, Notice.CARD),
        Assign.IF_UNASSIGNED,
    ),
    Rule(
        Action.CANCEL,
        _stay(*OPEN),
        frozenset({Role.ASSIGNEE}),
        "decision-cancelled",
        None,
        (Notice.CARD,),
    ),
    Rule(
        Action.UNDO,
        _to(S.IN_REVIEW, *PENDING),
        frozenset({Role.ASSIGNEE}),
        "decision-undone",
        None,
        (Notice.CARD,),
        button=True,
    ),
    Rule(
        Action.NOTIFY,
        {S.ACCEPTING: S.ACCEPTED, S.REJECTING: S.REJECTED},
        frozenset({Role.SYSTEM}),
        "decision-notified",
        CaseEvent.DECISION,
        (Notice.CLAIMANT, Notice.CARD),
    ),
    Rule(
        Action.REMIND,
        _stay(S.SUBMITTED),
        frozenset({Role.SYSTEM}),
        "reminded",
        None,
        (Notice.REMINDER,),
    ),
    Rule(
        Action.FORWARD,
        _to(S.FORWARDED, S.ACCEPTED),
        frozenset({Role.ASSIGNEE}),
        "forwarded",
        CaseEvent.FORWARDED,
        (Notice.CLAIMANT, Notice.SELLER_NOTICE, Notice.CARD),
        button=True,
    ),
    Rule(
        Action.TAKE_OVER,
        _stay(S.IN_REVIEW, S.INFO_REQUESTED, *PENDING, S.ACCEPTED),
        frozenset({Role.STAFF}),
        "taken-over",
        CaseEvent.TAKEN,
        (Notice.CARD,),
        Assign.ALWAYS,
        button=True,
    ),
    Rule(
        Action.ANSWER,
        _stay(*CLAIMANT_OPEN),
        frozenset({Role.CLAIMANT}),
        "answered",
        CaseEvent.ANSWER,
        (Notice.STAFF_THREAD,),
    ),
    Rule(
        Action.FINISH_ANSWER,
        {**_stay(*CLAIMANT_OPEN), S.INFO_REQUESTED: S.IN_REVIEW},
        frozenset({Role.CLAIMANT}),
        "answer-finished",
        None,
        (Notice.CARD,),
    ),
    Rule(
        Action.ADD_EVIDENCE,
        _stay(*CLAIMANT_OPEN),
        frozenset({Role.CLAIMANT}),
        "evidence-added",
        CaseEvent.EVIDENCE,
        (Notice.STAFF_THREAD,),
    ),
    Rule(
        Action.FINISH_EVIDENCE,
        _stay(*CLAIMANT_OPEN),
        frozenset({Role.CLAIMANT}),
        "evidence-finished",
        None,
        (Notice.CARD,),
    ),
    Rule(
        Action.WITHDRAW,
        _to(S.WITHDRAWN, *CLAIMANT_OPEN),
        frozenset({Role.CLAIMANT}),
        "withdrawn",
        CaseEvent.WITHDRAWN,
        (Notice.CLAIMANT, Notice.CARD),
    ),
    # The claimant is told of listing outcomes once the reports arriving together are in
    # (`Timers.tell_outcomes_due`), not per report.
    Rule(
        Action.REPORT_OUTCOME,
        _stay(S.ACCEPTED, S.FORWARDED),
        frozenset({Role.STAFF}),
        "listing-outcome",
        CaseEvent.LISTING_OUTCOME,
        (Notice.CARD,),
    ),
)
RULE: dict[Action, Rule] = {rule.action: rule for rule in RULES}


@dataclass(frozen=True)
class Actor:
    """Whoever acts on a case, as recorded in the audit trail. Staff membership is checked by
    the shell (asked of Telegram) before an actor with `Role.STAFF` is made."""

    id: int
    name: str
    role: Role = Role.STAFF


@dataclass(frozen=True)
class Transition:
    action: Action
    before: CaseStatus
    status: CaseStatus
    audit: str
    event: CaseEvent | None
    notices: tuple[Notice, ...]
    assign_to_actor: bool

    @property
    def moves(self) -> bool:
        return self.status is not self.before


@dataclass(frozen=True)
class Refusal:
    code: str  # a catalog message id
    params: dict[str, str] = field(default_factory=dict)


def roles_of(case: Case, actor: Actor) -> frozenset[Role]:
    """The roles `actor` holds on `case`."""
    if actor.role is Role.CLAIMANT:
        return frozenset({Role.CLAIMANT}) if actor.id == case.user_id else frozenset()
    if actor.role is Role.SYSTEM:
        return frozenset({Role.SYSTEM})
    if actor.role is not Role.STAFF:
        return frozenset()
    holds = case.assignee_id is None or case.assignee_id == actor.id
    return frozenset({Role.STAFF, Role.ASSIGNEE}) if holds else frozenset({Role.STAFF})


def decide(case: Case, action: Action, actor: Actor) -> Transition | Refusal:
    rule = RULE.get(action)
    if rule is None:
        return Refusal("staff-refused-state")
    roles = roles_of(case, actor)
    if actor.role is Role.CLAIMANT and Role.CLAIMANT not in roles:
        return Refusal("case-not-yours")
    if case.status not in rule.moves:
        return Refusal(
            "case-refused-state" if actor.role is Role.CLAIMANT else "staff-refused-state"
        )
    if not rule.by & roles:
        if Role.ASSIGNEE in rule.by and Role.STAFF in roles:
            return Refusal("staff-refused-not-assignee", {"name": case.assignee_name or "—"})
        return Refusal("staff-refused")
    assign = rule.assign is Assign.ALWAYS or (
        rule.assign is Assign.IF_UNASSIGNED and case.assignee_id is None
    )
    return Transition(
        action=action,
        before=case.status,
        status=rule.moves[case.status],
        audit=rule.audit,
        event=rule.event,
        notices=rule.notices,
        assign_to_actor=assign,
    )


def allowed(case: Case, action: Action, actor: Actor) -> bool:
    return isinstance(decide(case, action, actor), Transition)


def card_actions(status: CaseStatus, listings: int = 1) -> tuple[Action, ...]:
    """The card's buttons in a status (for a complaint about `listings` listings), in the
    order declared."""
    return tuple(
        rule.action
        for rule in RULES
        if rule.button and status in rule.moves and (listings > 1 or not rule.several)
    )
