"""The case workflow as data, and the one function that applies it: what may happen to a
submitted case, by whom, and what each action produces. Pure: no I/O, no Telegram.

`RULES` declares, per action, the statuses it applies in (and the status each moves to), who
may take it, the audit entry it writes, the case event it emits (for the webhook) and the
notices that follow. `decide(case, action, actor)` answers with an `Outcome` (what the desk
then saves and queues) or a `Refusal` (a catalog key saying why not). The desk only loads,
decides, saves and queues; the card's buttons and the lifecycle diagram are read from here.
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


class Action(StrEnum):
    TAKE = "take"
    TAKE_OVER = "take_over"
    ASK = "ask"
    ACCEPT = "accept"
    REJECT = "reject"
    FORWARD = "forward"
    ANSWER = "answer"  # one message of the claimant's answer to a question
    FINISH_ANSWER = "finish_answer"
    ADD_EVIDENCE = "add_evidence"  # one message of evidence the claimant adds unasked
    FINISH_EVIDENCE = "finish_evidence"
    WITHDRAW = "withdraw"


class Notice(StrEnum):
    """What follows an action, besides the saved change."""

    CLAIMANT = "claimant"  # a message to the claimant in their language
    CARD = "card"  # the staff card redrawn
    STAFF_THREAD = "staff_thread"  # the claimant's words/files posted under the card
    SELLER_NOTICE = "seller_notice"  # the seller notice PDF made, kept and posted to staff


class Assign(StrEnum):
    NO = "no"
    IF_UNASSIGNED = "if_unassigned"
    ALWAYS = "always"


class Event(StrEnum):
    """Case events delivered to `CASE_WEBHOOK_URL`."""

    SUBMITTED = "submitted"
    TAKEN = "taken"
    QUESTION = "question"
    ANSWER = "answer"
    EVIDENCE = "evidence"
    DECISION = "decision"
    FORWARDED = "forwarded"
    WITHDRAWN = "withdrawn"


OPEN = (S.SUBMITTED, S.IN_REVIEW, S.INFO_REQUESTED)
DECIDED = (S.ACCEPTED, S.REJECTED, S.FORWARDED, S.WITHDRAWN)


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
    event: Event | None = None
    notices: tuple[Notice, ...] = ()
    assign: Assign = Assign.NO
    button: bool = False  # offered on the staff card


RULES: tuple[Rule, ...] = (
    Rule(
        Action.TAKE,
        _to(S.IN_REVIEW, S.SUBMITTED),
        frozenset({Role.STAFF}),
        "taken",
        Event.TAKEN,
        (Notice.CLAIMANT, Notice.CARD),
        Assign.ALWAYS,
        button=True,
    ),
    Rule(
        Action.ASK,
        _to(S.INFO_REQUESTED, *OPEN),
        frozenset({Role.ASSIGNEE}),
        "asked",
        Event.QUESTION,
        (Notice.CLAIMANT, Notice.CARD),
        Assign.IF_UNASSIGNED,
        button=True,
    ),
    Rule(
        Action.ACCEPT,
        _to(S.ACCEPTED, *OPEN),
        frozenset({Role.ASSIGNEE}),
        "accepted",
        Event.DECISION,
        (Notice.CLAIMANT, Notice.CARD),
        button=True,
    ),
    Rule(
        Action.REJECT,
        _to(S.REJECTED, *OPEN),
        frozenset({Role.ASSIGNEE}),
        "rejected",
        Event.DECISION,
        (Notice.CLAIMANT, Notice.CARD),
        button=True,
    ),
    Rule(
        Action.FORWARD,
        _to(S.FORWARDED, S.ACCEPTED),
        frozenset({Role.ASSIGNEE}),
        "forwarded",
        Event.FORWARDED,
        (Notice.CLAIMANT, Notice.SELLER_NOTICE, Notice.CARD),
        button=True,
    ),
    Rule(
        Action.TAKE_OVER,
        _stay(S.IN_REVIEW, S.INFO_REQUESTED, S.ACCEPTED),
        frozenset({Role.STAFF}),
        "taken-over",
        Event.TAKEN,
        (Notice.CARD,),
        Assign.ALWAYS,
        button=True,
    ),
    Rule(
        Action.ANSWER,
        _stay(*OPEN),
        frozenset({Role.CLAIMANT}),
        "answered",
        Event.ANSWER,
        (Notice.STAFF_THREAD,),
    ),
    Rule(
        Action.FINISH_ANSWER,
        {S.SUBMITTED: S.SUBMITTED, S.IN_REVIEW: S.IN_REVIEW, S.INFO_REQUESTED: S.IN_REVIEW},
        frozenset({Role.CLAIMANT}),
        "answer-finished",
        None,
        (Notice.CARD,),
    ),
    Rule(
        Action.ADD_EVIDENCE,
        _stay(*OPEN),
        frozenset({Role.CLAIMANT}),
        "evidence-added",
        Event.EVIDENCE,
        (Notice.STAFF_THREAD,),
    ),
    Rule(
        Action.FINISH_EVIDENCE,
        _stay(*OPEN),
        frozenset({Role.CLAIMANT}),
        "evidence-finished",
        None,
        (Notice.CARD,),
    ),
    Rule(
        Action.WITHDRAW,
        _to(S.WITHDRAWN, *OPEN),
        frozenset({Role.CLAIMANT}),
        "withdrawn",
        Event.WITHDRAWN,
        (Notice.CLAIMANT, Notice.CARD),
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
class Outcome:
    action: Action
    before: CaseStatus
    status: CaseStatus
    audit: str
    event: Event | None
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
    if actor.role is not Role.STAFF:
        return frozenset()
    holds = case.assignee_id is None or case.assignee_id == actor.id
    return frozenset({Role.STAFF, Role.ASSIGNEE}) if holds else frozenset({Role.STAFF})


def decide(case: Case, action: Action, actor: Actor) -> Outcome | Refusal:
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
    return Outcome(
        action=action,
        before=case.status,
        status=rule.moves[case.status],
        audit=rule.audit,
        event=rule.event,
        notices=rule.notices,
        assign_to_actor=assign,
    )


def allowed(case: Case, action: Action, actor: Actor) -> bool:
    return isinstance(decide(case, action, actor), Outcome)


def card_actions(status: CaseStatus) -> tuple[Action, ...]:
    """The card's buttons in a status, in the order declared."""
    return tuple(rule.action for rule in RULES if rule.button and status in rule.moves)
