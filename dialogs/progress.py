"""Where a draft stands in the flow: which steps apply, what is answered, what is missing."""

from __future__ import annotations

from dialogs.flow import FLOW, SECTIONS, STEPS
from dialogs.model import Draft
from dialogs.steps import Kind, Section, Step

TOTAL_SECTIONS = len(SECTIONS)
_ASKED = tuple(step for step in FLOW if step.kind not in (Kind.INFO, Kind.REVIEW))


def is_answered(draft: Draft, step: Step) -> bool:
    match step.kind:
        case Kind.CHOICE | Kind.TEXT:
            return step.id in draft.answers
        case Kind.LINKS:
            return bool(draft.links)
        case Kind.FILES:
            return step.file_section is not None and bool(draft.files_in(step.file_section))
        case Kind.CONFIRM:
            return step.id in draft.confirmations
        case _:  # INFO, REVIEW; a PICK step reads as its defaults until changed
            return True


def applicable_steps(draft: Draft) -> list[Step]:
    """The questions this claimant is asked, given their answers so far."""
    return [step for step in _ASKED if step.applies(draft)]


def reported_steps(draft: Draft) -> list[Step]:
    """The answers the review, receipt and dossier list: an answer shown inside another's
    (the offices beside the registration numbers) is not listed again."""
    return [
        step for step in applicable_steps(draft) if not (step.shown_in and is_answered(draft, step))
    ]


def missing_steps(draft: Draft) -> list[Step]:
    """What still has to be answered before the complaint can be submitted."""
    return [
        step
        for step in applicable_steps(draft)
        if not step.optional and not is_answered(draft, step)
    ]


def next_step(draft: Draft, after: Step) -> Step:
    """The next step after `after` that applies to this draft (the review at the end)."""
    index = FLOW.index(after)
    return next(step for step in FLOW[index + 1 :] if step.applies(draft))


def first_step_of(section: Section, draft: Draft) -> Step | None:
    return next((s for s in applicable_steps(draft) if s.section == section), None)


def current_step(draft: Draft) -> Step:
    return STEPS.get(draft.step, STEPS["welcome"])


def without_stale_answers(draft: Draft) -> Draft:
    """The draft with answers to steps that no longer apply dropped (e.g. after a right-type
    change, the patent kind of a trademark complaint), as it is submitted."""
    live = {step.id for step in applicable_steps(draft)}
    answers = {
        key: value for key, value in draft.answers.items() if key not in STEPS or key in live
    }
    return draft.model_copy(update={"answers": answers})
