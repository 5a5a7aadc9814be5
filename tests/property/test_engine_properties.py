"""The engine, at every step of the flow, under any event: it never raises, every reply would be
accepted by Telegram, a refused input leaves the draft as it was, and the same event twice is
harmless (a refused duplicate changes nothing either)."""

from __future__ import annotations

import pytest
from hypothesis import event, given, settings, target
from hypothesis import strategies as st

from bot.outbox.text_limits import visible_length
from dialogs.engine import handle
from dialogs.flow import STEPS
from dialogs.inputs import Input
from dialogs.model import Draft
from dialogs.turn import Turn
from tests.property.profiles import examples
from tests.property.states import STEP_IDS, State, all_states, states_at
from tests.property.strategies import EVENT_KINDS, events
from tests.property.telegram import send_message_errors, toast_errors


def state_and_event(
    step_id: str, kind: str | None = None
) -> st.SearchStrategy[tuple[State, Input, bool]]:
    """A state at this step (any path), an event of the kind for it, whether days have passed."""
    return st.sampled_from(states_at(step_id)).flatmap(
        lambda state: st.tuples(st.just(state), events(state, kind), st.booleans())
    )


def check(before: Draft | None, outcome: Turn) -> None:
    """What must hold of any outcome, whatever the event."""
    problems = [error for reply in outcome.replies for error in send_message_errors(reply)]
    problems += toast_errors(outcome.toast)
    assert not problems, problems
    if not outcome.changed:
        assert before is not None, "no draft, yet nothing to save"
        assert outcome.draft is not None and outcome.draft == before, "a refusal altered the draft"
        assert outcome.draft.model_dump_json() == before.model_dump_json()
    if outcome.draft is not None:
        assert outcome.draft.step in STEPS, outcome.draft.step
        # What storage writes and reads back is the same draft.
        assert Draft.model_validate_json(outcome.draft.model_dump_json()) == outcome.draft
    if outcome.submit:
        assert outcome.draft is not None and outcome.draft.step == "review"


def saved(before: Draft | None, outcome: Turn, state: State) -> Draft | None:
    """The draft the shell keeps after an outcome (a change is saved: next revision, stamped)."""
    if not outcome.changed:
        return before
    if outcome.draft is None:
        return None
    return outcome.draft.model_copy(
        update={"revision": outcome.draft.revision + 1, "updated_at": state.ctx().now}
    )


def test_every_step_is_reached_by_some_path() -> None:
    reached = {state.step for state in all_states()}
    assert reached == set(STEP_IDS), set(STEP_IDS) - reached
    # Each branch: both roles, every right type and patent kind, both claim subjects.
    answers = [s.draft.answers for s in all_states() if s.draft is not None]
    for key, values in {
        "role": {"holder", "representative", "licensee"},
        "right_type": {"trademark", "patent", "copyright"},
        "patent_kind": {"invention", "industrial_design", "utility_model"},
        "claim_subject": {"remove_listings", "other"},
    }.items():
        assert {a[key] for a in answers if key in a} == values, key
    # A section reopened from the review, and the fresh start after a rejection.
    assert any(s.draft is not None and s.draft.editing_section for s in all_states())
    assert any("rejected" in s.label for s in all_states())


def any_event_at_any_step(step_id: str, kind: str, data: st.DataObject) -> None:
    state, happening, later = data.draw(state_and_event(step_id, kind), label="state, event, later")
    outcome = handle(state.draft, happening, state.ctx(later=later))
    check(state.draft, outcome)
    # Steer towards the longest replies (Telegram's limit is where they break).
    target(max((visible_length(r.text) for r in outcome.replies), default=0), label="reply length")
    # Shown by --hypothesis-show-statistics: how the examples spread over kinds and outcomes.
    event(f"{type(happening).__name__}: {'changed' if outcome.changed else 'unchanged'}")


# Typed input has the most room (any length, any script, many links): more examples for it.
TYPED = ("text", "link_file")


@pytest.mark.parametrize("kind", TYPED)
@pytest.mark.parametrize("step_id", STEP_IDS)
@settings(max_examples=examples(30))
@given(data=st.data())
def test_any_typed_input_at_any_step(step_id: str, kind: str, data: st.DataObject) -> None:
    any_event_at_any_step(step_id, kind, data)


@pytest.mark.parametrize("kind", [k for k in EVENT_KINDS if k not in TYPED])
@pytest.mark.parametrize("step_id", STEP_IDS)
@settings(max_examples=examples(8))
@given(data=st.data())
def test_any_other_event_at_any_step(step_id: str, kind: str, data: st.DataObject) -> None:
    any_event_at_any_step(step_id, kind, data)


@pytest.mark.parametrize("step_id", STEP_IDS)
@settings(max_examples=examples(20))
@given(data=st.data())
def test_the_same_event_twice(step_id: str, data: st.DataObject) -> None:
    state, event, _ = data.draw(state_and_event(step_id), label="state, event")
    first = handle(state.draft, event, state.ctx())
    check(state.draft, first)
    after_first = saved(state.draft, first, state)
    second = handle(after_first, event, state.ctx())
    check(after_first, second)
    if not first.changed:
        # Refused (or neutral) once, refused again the same way: still nothing changed.
        assert not second.changed and second.draft == state.draft
        assert second.replies == first.replies
