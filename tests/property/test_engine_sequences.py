"""Runs of events from any state: the drafts they leave (long answers, odd file names, many
links, a language switched halfway) are drawn again at every step and in the review, and every
outcome along the way holds to the same rules as a single event's."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dialogs.engine import handle, show_current
from dialogs.flow import STEPS
from dialogs.inputs import Command
from dialogs.model import Draft
from tests.property.profiles import examples
from tests.property.states import State, all_states
from tests.property.strategies import EVENT_KINDS, current_presses, events
from tests.property.test_engine_properties import check, saved

# Presses of the current step's buttons and typed answers move the claimant on; weigh them up
# so that runs get somewhere (answers saved, steps passed, the review reached).
MOVING = ("current_press", "current_press", "text", "upload")


@settings(max_examples=examples(60))
@given(start=st.sampled_from(all_states()), data=st.data())
def test_any_run_of_events(start: State, data: st.DataObject) -> None:
    draft: Draft | None = start.draft
    for _ in range(data.draw(st.integers(min_value=1, max_value=25), label="length")):
        state = State(start.label, draft, start.lang, start.features)
        kind = data.draw(st.sampled_from([*EVENT_KINDS, *MOVING]), label="kind")
        strategy = current_presses(state) if kind == "current_press" else events(state, kind)
        happening = data.draw(strategy, label="event")
        outcome = handle(draft, happening, state.ctx())
        check(draft, outcome)
        if outcome.submit:
            break
        draft = saved(draft, outcome, state)
    # Wherever the run ended, the step (or the review) is drawn again without trouble.
    if draft is not None:
        final = State(start.label, draft, start.lang, start.features)
        check(draft, show_current(draft, final.ctx()))
        check(draft, handle(draft, Command("help"), final.ctx()))
        assert draft.step in STEPS
