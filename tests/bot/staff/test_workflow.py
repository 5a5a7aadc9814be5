"""The case workflow core: every status × action × actor, decided against the declaration.

`EXPECTED` spells the lifecycle out by hand (which action moves a case from which status to
which); the exhaustive test then checks that `decide` gives exactly what `RULES` declares for
every combination — allowed ones produce the declared status, audit entry, event and notices,
the rest are refused with a reason."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from bot.staff.workflow import (
    RULE,
    RULES,
    Action,
    Actor,
    CaseEvent,
    Notice,
    Refusal,
    Role,
    Transition,
    card_actions,
    decide,
)
from dialogs.buttons import Verb
from dialogs.model import Case, CaseStatus, Draft

S = CaseStatus
A = Action
OPEN = (S.SUBMITTED, S.IN_REVIEW, S.INFO_REQUESTED)
PENDING = (S.ACCEPTING, S.REJECTING)
CLAIMANT_ID, HOLDER_ID, OTHER_STAFF_ID = 7, 501, 502

# (action, from) → to, for every allowed move; everything not listed is refused.
EXPECTED: dict[tuple[Action, CaseStatus], CaseStatus] = {
    (A.TAKE, S.SUBMITTED): S.IN_REVIEW,
    **{(A.ASK, s): S.INFO_REQUESTED for s in (S.SUBMITTED, S.IN_REVIEW, S.INFO_REQUESTED)},
    # Accept, Reject and Per listing only ask for a confirmation; Cancel leaves it at that.
    **{(a, s): s for a in (A.ACCEPT, A.REJECT, A.PER_LISTING, A.CANCEL) for s in OPEN},
    **{(A.CONFIRM_ACCEPT, s): S.ACCEPTING for s in OPEN},
    **{(A.CONFIRM_REJECT, s): S.REJECTING for s in OPEN},
    (A.UNDO, S.ACCEPTING): S.IN_REVIEW,
    (A.UNDO, S.REJECTING): S.IN_REVIEW,
    (A.NOTIFY, S.ACCEPTING): S.ACCEPTED,
    (A.NOTIFY, S.REJECTING): S.REJECTED,
    (A.REMIND, S.SUBMITTED): S.SUBMITTED,
    (A.FORWARD, S.ACCEPTED): S.FORWARDED,
    **{
        (A.TAKE_OVER, s): s
        for s in (S.IN_REVIEW, S.INFO_REQUESTED, S.ACCEPTING, S.REJECTING, S.ACCEPTED)
    },
    # Within the undo window the claimant, told nothing yet, may still do what they could.
    **{(A.ANSWER, s): s for s in (*OPEN, *PENDING)},
    **{(A.FINISH_ANSWER, s): s for s in (S.SUBMITTED, S.IN_REVIEW, *PENDING)},
    (A.FINISH_ANSWER, S.INFO_REQUESTED): S.IN_REVIEW,
    **{(A.ADD_EVIDENCE, s): s for s in (*OPEN, *PENDING)},
    **{(A.FINISH_EVIDENCE, s): s for s in (*OPEN, *PENDING)},
    **{(A.WITHDRAW, s): S.WITHDRAWN for s in (*OPEN, *PENDING)},
    # The marketplace reports what became of the listings of an accepted case (issue 17).
    **{(A.REPORT_OUTCOME, s): s for s in (S.ACCEPTED, S.FORWARDED)},
}
BY_CLAIMANT = {A.ANSWER, A.FINISH_ANSWER, A.ADD_EVIDENCE, A.FINISH_EVIDENCE, A.WITHDRAW}
BY_ANY_STAFF = {A.TAKE, A.TAKE_OVER, A.REPORT_OUTCOME}
BY_SYSTEM = {A.NOTIFY, A.REMIND}  # when a time has come, never at anyone's request

# Who acts, on a case held by HOLDER_ID or by nobody.
ACTORS: dict[str, tuple[Actor, bool]] = {  # name → (actor, case held by HOLDER_ID)
    "holder": (Actor(HOLDER_ID, "Sergey"), True),
    "other staff": (Actor(OTHER_STAFF_ID, "Boris"), True),
    "staff, nobody holds it": (Actor(OTHER_STAFF_ID, "Boris"), False),
    "claimant": (Actor(CLAIMANT_ID, "claimant", Role.CLAIMANT), True),
    "someone else's claimant": (Actor(8, "claimant", Role.CLAIMANT), True),
    "the bot, when a time has come": (Actor(0, "system", Role.SYSTEM), True),
}


def case_in(status: CaseStatus, held: bool) -> Case:
    return Case(
        id=1,
        number="IP-2026-000001",
        user_id=CLAIMANT_ID,
        chat_id=CLAIMANT_ID,
        lang="en",
        status=status,
        assignee_id=HOLDER_ID if held else None,
        assignee_name="Sergey" if held else None,
        submitted_at=datetime(2026, 11, 1, tzinfo=UTC),
        draft=Draft(user_id=CLAIMANT_ID, chat_id=CLAIMANT_ID),
    )


def may(action: Action, actor_name: str) -> bool:
    """Who may, by hand: the claimant their own actions; any staff member take/take over;
    the holder (or anyone while nobody holds the case) the rest."""
    if action in BY_SYSTEM:
        return actor_name == "the bot, when a time has come"
    if action in BY_CLAIMANT:
        return actor_name == "claimant"
    if action in BY_ANY_STAFF:
        return actor_name in ("holder", "other staff", "staff, nobody holds it")
    return actor_name in ("holder", "staff, nobody holds it")


CASES = list(itertools.product(CaseStatus, Action, ACTORS))


@pytest.mark.parametrize(
    ("status", "action", "who"), CASES, ids=[f"{s}-{a}-{w}" for s, a, w in CASES]
)
def test_every_status_action_and_actor(status: CaseStatus, action: Action, who: str) -> None:
    actor, held = ACTORS[who]
    case = case_in(status, held)
    result = decide(case, action, actor)
    rule = RULE[action]
    if (action, status) in EXPECTED and may(action, who):
        assert isinstance(result, Transition), result
        assert result.status is EXPECTED[(action, status)] == rule.moves[status]
        assert (result.before, result.audit, result.event, result.notices) == (
            status,
            rule.audit,
            rule.event,
            rule.notices,
        )
        assigns = rule.assign.value == "always" or (
            rule.assign.value == "if_unassigned" and not held
        )
        assert result.assign_to_actor is assigns
    else:
        assert isinstance(result, Refusal), result
        assert result.code in {
            "staff-refused-state",
            "case-refused-state",
            "staff-refused",
            "staff-refused-not-assignee",
            "case-not-yours",
        }


def test_the_declaration_covers_exactly_the_expected_moves() -> None:
    declared = {(r.action, s): t for r in RULES for s, t in r.moves.items()}
    assert declared == EXPECTED


def test_what_each_decision_produces() -> None:
    """The effects staff and claimants notice, as declared."""
    assert RULE[A.TAKE].event is CaseEvent.TAKEN and Notice.CLAIMANT in RULE[A.TAKE].notices
    assert RULE[A.FORWARD].notices == (Notice.CLAIMANT, Notice.SELLER_NOTICE, Notice.CARD)
    assert RULE[A.WITHDRAW].event is CaseEvent.WITHDRAWN and Notice.CARD in RULE[A.WITHDRAW].notices
    assert RULE[A.ANSWER].notices == (Notice.STAFF_THREAD,)
    # Asking and confirming change nothing the claimant or the webhook sees; the decision
    # goes out when the undo window is over.
    for action in (A.ACCEPT, A.REJECT, A.PER_LISTING, A.CANCEL, A.UNDO):
        assert RULE[action].event is None and Notice.CLAIMANT not in RULE[action].notices
    for action in (A.ACCEPT, A.REJECT, A.PER_LISTING):
        assert RULE[action].notices == (Notice.CONFIRMATION,)
    for action in (A.CONFIRM_ACCEPT, A.CONFIRM_REJECT):
        assert RULE[action].notices == (Notice.UNDO_WINDOW, Notice.CARD)
        assert RULE[action].event is None
    assert RULE[A.NOTIFY].event is CaseEvent.DECISION
    assert RULE[A.NOTIFY].notices == (Notice.CLAIMANT, Notice.CARD)
    assert RULE[A.REMIND].notices == (Notice.REMINDER,) and RULE[A.REMIND].event is None


def test_refusals_say_why() -> None:
    held = case_in(S.IN_REVIEW, held=True)
    assert decide(held, A.ACCEPT, ACTORS["other staff"][0]) == Refusal(
        "staff-refused-not-assignee", {"name": "Sergey"}
    )
    assert decide(held, A.WITHDRAW, ACTORS["someone else's claimant"][0]) == Refusal(
        "case-not-yours"
    )
    decided = case_in(S.REJECTED, held=True)
    assert decide(decided, A.WITHDRAW, ACTORS["claimant"][0]) == Refusal("case-refused-state")
    assert decide(decided, A.ACCEPT, ACTORS["holder"][0]) == Refusal("staff-refused-state")
    # A staff member cannot act as the claimant, nor the claimant as staff.
    assert decide(held, A.WITHDRAW, ACTORS["holder"][0]) == Refusal("staff-refused")
    assert isinstance(decide(held, A.ACCEPT, Actor(CLAIMANT_ID, "x", Role.CLAIMANT)), Refusal)


def test_card_buttons_follow_the_declaration() -> None:
    assert card_actions(S.SUBMITTED) == (A.TAKE, A.ASK, A.ACCEPT, A.REJECT)
    assert card_actions(S.IN_REVIEW) == (A.ASK, A.ACCEPT, A.REJECT, A.TAKE_OVER)
    assert card_actions(S.IN_REVIEW, listings=3) == (
        A.ASK,
        A.ACCEPT,
        A.REJECT,
        A.PER_LISTING,
        A.TAKE_OVER,
    )
    for pending in (S.ACCEPTING, S.REJECTING):
        assert card_actions(pending) == (A.UNDO, A.TAKE_OVER)
    assert card_actions(S.ACCEPTED) == (A.FORWARD, A.TAKE_OVER)
    for final in (S.REJECTED, S.FORWARDED, S.WITHDRAWN):
        assert card_actions(final) == ()


def test_case_buttons_do_not_collide_with_the_intake_buttons() -> None:
    from bot.claimant.cases import ANSWER_PREFIX, CASE_PREFIX
    from bot.staff.card import STAFF_PREFIX

    assert {CASE_PREFIX, ANSWER_PREFIX, STAFF_PREFIX}.isdisjoint({v.value for v in Verb})


def test_every_text_the_workflow_needs_exists_in_both_languages() -> None:
    from dialogs.i18n import LANGS, catalog_keys

    needed = {f"status-{s.value}" for s in CaseStatus} | {
        f"case-status-{s.value}" for s in CaseStatus
    }
    needed |= {f"staff-btn-{r.action.value}" for r in RULES if r.button}
    needed |= {
        f"case-{r.audit}"
        for r in RULES
        if Notice.CLAIMANT in r.notices and r.action not in (A.ASK, A.NOTIFY)
    }
    needed |= {"case-accepted", "case-rejected", "case-decided-listings"}
    needed |= {"case-listing-accepted", "case-listing-rejected", "staff-reminder"}
    needed |= {f"staff-btn-{a}" for a in ("confirm_accept", "confirm_reject", "confirm_listings")}
    needed |= {"staff-btn-cancel_decision", "staff-nothing-to-confirm", "staff-decided-undo"}
    needed |= {"staff-refused-state", "case-refused-state", "staff-refused", "case-not-yours"}
    needed |= {"staff-refused-not-assignee", "staff-evidence", "staff-evidence-file"}
    for lang in LANGS:
        assert needed - catalog_keys(lang) == set(), lang


def test_the_undo_window_is_the_claimants_in_review() -> None:
    """A decision within its undo window is not shown to the claimant: their status line
    still says it is being reviewed, in every language."""
    from dialogs.i18n import LANGS, texts

    for lang in LANGS:
        t = texts(lang)
        for pending in (S.ACCEPTING, S.REJECTING):
            assert t.plain(f"case-status-{pending.value}") == t.plain("case-status-in_review")


def test_a_decision_says_what_asks_and_confirms_it() -> None:
    from bot.staff.decision_protocol import ACCEPTED_MARK, Decision

    accept, reject = Decision(), Decision(reason="no_authority", note="see <b>")
    partly = Decision(listings=(ACCEPTED_MARK, "documents_missing"))
    nothing = Decision(listings=("out_of_scope", "documents_missing"))
    assert (accept.asks, accept.confirms) == (A.ACCEPT, A.CONFIRM_ACCEPT)
    assert (reject.asks, reject.confirms) == (A.REJECT, A.CONFIRM_REJECT)
    assert (partly.asks, partly.confirms) == (A.PER_LISTING, A.CONFIRM_ACCEPT)
    assert nothing.confirms is A.CONFIRM_REJECT
    assert reject.outcomes(2) == ("no_authority", "no_authority")
    for decision in (accept, reject, partly, nothing):
        assert Decision.of(decision.detail()) == decision  # kept in the audit trail and back
    assert partly.valid(2) and not partly.valid(3)
    assert not Decision(reason="bogus").valid(1)
    assert not Decision(listings=(ACCEPTED_MARK, "other")).valid(2)  # "other" needs words
