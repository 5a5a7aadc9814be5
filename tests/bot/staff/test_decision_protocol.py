"""The decision sub-protocol, decided against tables: where a decision stands after each
trail of audit entries (asked, confirmed, cancelled, undone), who may confirm it, and when the
claimant is told. Pure: the trails are written out by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.staff.decision_protocol import (
    ACCEPTED_MARK,
    Decision,
    confirm_detail,
    decision_step,
    due_to_notify,
    last_confirmed,
    listing_outcomes,
    notify_detail,
    to_confirm,
)
from bot.staff.workflow import Refusal
from dialogs.model import CaseStatus

S = CaseStatus
ANNA, BORIS = 1, 2
T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Entry:
    id: int
    action: str
    actor_id: int | None = ANNA
    actor_name: str | None = "Anna"
    detail: dict[str, Any] = field(default_factory=dict)
    at: datetime = T0


def trail(*actions: str | tuple[str, int]) -> list[Entry]:
    """Entries in order; `(action, actor)` for another actor than Anna."""
    out = []
    for i, a in enumerate(actions, 1):
        action, actor = a if isinstance(a, tuple) else (a, ANNA)
        out.append(
            Entry(i, action, actor, detail={"reason": "no_authority"} if "reject" in action else {})
        )
    return out


# trail → the action of the step that says where the decision stands (None: no decision)
STEP: list[tuple[tuple[str, ...], str | None]] = [
    ((), None),
    (("taken", "asked", "answered"), None),
    (("taken", "accept-asked"), "accept-asked"),
    (("accept-asked", "decision-cancelled"), "decision-cancelled"),
    (("reject-asked", "rejected"), "rejected"),
    (("reject-asked", "rejected", "decision-undone"), "decision-undone"),
    (("per-listing-asked", "accepted", "decision-notified"), "accepted"),
    (("accept-asked", "reject-asked", "listing-outcome"), "reject-asked"),
]


@pytest.mark.parametrize(("actions", "expected"), STEP)
def test_the_last_decision_step_says_where_it_stands(
    actions: tuple[str, ...], expected: str | None
) -> None:
    step = decision_step(trail(*actions))
    assert (step.action if step else None) == expected


# trail, who confirms → confirmed (the asked step's id) or refused
CONFIRM: list[tuple[tuple[str | tuple[str, int], ...], int, int | None]] = [
    ((), ANNA, None),  # nothing asked
    (("accept-asked",), ANNA, 1),
    (("taken", "reject-asked"), ANNA, 2),
    (("accept-asked",), BORIS, None),  # only whoever asked confirms
    ((("accept-asked", BORIS), "reject-asked"), ANNA, 2),  # the last ask counts
    (("accept-asked", ("reject-asked", BORIS)), ANNA, None),
    (("accept-asked", "decision-cancelled"), ANNA, None),
    (("accept-asked", "accepted"), ANNA, None),  # confirmed already
    (("reject-asked", "rejected", "decision-undone"), ANNA, None),
    (("per-listing-asked", "answered"), ANNA, 1),  # other entries do not interrupt
]


@pytest.mark.parametrize(("actions", "staff", "asked"), CONFIRM)
def test_only_the_decision_asked_last_is_confirmed_by_whoever_asked_it(
    actions: tuple[str | tuple[str, int], ...], staff: int, asked: int | None
) -> None:
    answer = to_confirm(trail(*actions), staff)
    if asked is None:
        assert answer == Refusal("staff-nothing-to-confirm")
    else:
        assert not isinstance(answer, Refusal)
        step, decision = answer
        assert step.id == asked
        assert decision == Decision.of(step.detail)
        assert confirm_detail(step, decision) == {**decision.detail(), "asked": asked}


WINDOW = timedelta(seconds=30)
# status, trail, seconds since the last entry → told now (the confirmed step's id) or not
NOTIFY: list[tuple[CaseStatus, tuple[str, ...], int, int | None]] = [
    (S.ACCEPTING, ("accept-asked", "accepted"), 30, 2),
    (S.REJECTING, ("reject-asked", "rejected"), 31, 2),
    (S.REJECTING, ("reject-asked", "rejected"), 29, None),  # within the undo window
    (S.IN_REVIEW, ("reject-asked", "rejected", "decision-undone"), 60, None),
    (S.REJECTED, ("reject-asked", "rejected"), 60, None),  # told already
    (S.ACCEPTING, ("accept-asked",), 60, None),  # only asked
]


@pytest.mark.parametrize(("status", "actions", "seconds", "told"), NOTIFY)
def test_the_claimant_is_told_once_the_undo_window_is_over(
    status: CaseStatus, actions: tuple[str, ...], seconds: int, told: int | None
) -> None:
    step = due_to_notify(status, trail(*actions), T0 + timedelta(seconds=seconds), WINDOW)
    assert (step.id if step else None) == told


def test_the_decision_confirmed_last_stands() -> None:
    assert last_confirmed([]) == Decision()  # none recorded: every listing accepted
    entries = [
        Entry(1, "rejected", detail={"reason": "out_of_scope"}),
        Entry(2, "decision-undone"),
        Entry(3, "accepted", detail={"listings": [ACCEPTED_MARK, "no_authority"]}),
        Entry(4, "reject-asked", detail={"reason": "documents_missing"}),
    ]
    assert last_confirmed(entries) == Decision(listings=(ACCEPTED_MARK, "no_authority"))


def test_the_notice_of_a_decision_names_each_listing() -> None:
    links = ["https://a.example/1", "https://a.example/2"]
    step = Entry(9, "accepted", actor_name="Anna", detail={"listings": ["+", "no_authority"]})
    decision, detail = notify_detail(links, step)
    assert decision == Decision(listings=(ACCEPTED_MARK, "no_authority"))
    assert detail == {
        "listings": [
            {"link": links[0], "outcome": "accepted"},
            {"link": links[1], "outcome": "rejected", "reason": "no_authority"},
        ],
        "decision": "accept",
        "actor_name": "Anna",
        "confirmed": 9,
    }
    assert listing_outcomes(links, Decision(reason="out_of_scope")) == [
        {"link": link, "outcome": "rejected", "reason": "out_of_scope"} for link in links
    ]
