"""What one event makes of the draft (`Turn`), and the ways every handler of the engine ends:
the current step drawn (where it was, or after moving on), a refusal that changes nothing, a
button from an earlier message, a fresh draft in place of the old one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dialogs.flow import STEPS
from dialogs.i18n import Texts, texts
from dialogs.inputs import Context
from dialogs.model import Draft
from dialogs.progress import current_step, missing_steps, next_step
from dialogs.render import render_step
from dialogs.replies import Reply
from dialogs.steps import Kind, Step
from dialogs.validators import Invalid


@dataclass(frozen=True)
class Turn:
    draft: Draft | None  # None: the draft was discarded
    replies: list[Reply] = field(default_factory=list)
    changed: bool = False
    submit: bool = False
    toast: str | None = None  # a short note for the button press itself (answerCallbackQuery)


def show(
    draft: Draft,
    ctx: Context,
    *,
    changed: bool,
    before: list[Reply] | None = None,
    toast: str | None = None,
) -> Turn:
    """The current step drawn, after any `before` replies (the phone step with its keyboard)."""
    t = texts(draft.lang)
    step = current_step(draft)
    shown = render_step(draft, step, ctx, t)
    if step.shares_contact:  # one message: the question, and the keyboard sharing the number
        shown = Reply(
            shown.text + "\n\n" + t("share-contact-hint"),
            contact_button=t.plain("btn-share-contact"),
            reply_keys=tuple(b.label for row in shown.buttons for b in row),
        )
    return Turn(draft, [*(before or []), shown], changed, toast=toast)


def go(draft: Draft, step: Step) -> Draft:
    """`draft` moved to `step`, remembering where it was for /back."""
    history = [*draft.history, draft.step] if draft.step != step.id else draft.history
    return draft.model_copy(
        update={
            "step": step.id,
            "history": history,
            "editing_section": None if step.kind is Kind.REVIEW else draft.editing_section,
        }
    )


def advance(draft: Draft, ctx: Context, before: list[Reply] | None = None) -> Turn:
    """After an accepted answer: the next step, or back to the review when editing."""
    step = current_step(draft)
    following = next_step(draft, step)
    if draft.editing_section and following.section.id != draft.editing_section:
        missing = missing_steps(draft)
        following = missing[0] if missing else STEPS["review"]
    return show(go(draft, following), ctx, changed=True, before=before)


def refuse(draft: Draft, ctx: Context, error: Invalid) -> Turn:
    """Explain in a line or two what is wrong; the question (and its buttons) stays where it
    is on the screen, and the draft stays exactly as it was."""
    t = texts(draft.lang)
    message = t(error.code, platform=ctx.platform_name, **error.params)
    return Turn(draft, [Reply("⚠️ " + message)], changed=False)


def stale(draft: Draft, ctx: Context) -> Turn:
    """A button from an earlier message (or made up): nothing changes; here is where you are."""
    t = texts(draft.lang)
    return show(
        draft,
        ctx,
        changed=False,
        before=[Reply(t("stale-button"))],
        toast=t.plain("stale-button-toast"),
    )


def with_status(note: str, draft: Draft, ctx: Context, t: Texts) -> Reply:
    """A short note on what was just received, then the step's state and buttons (not the
    whole question again)."""
    status = render_step(draft, current_step(draft), ctx, t, brief=True)
    return Reply(note + "\n\n" + status.text, status.buttons)


def fresh_draft(draft: Draft) -> Draft:
    """An empty draft in place of `draft` (same revision line, so it saves over it)."""
    return Draft(
        user_id=draft.user_id,
        chat_id=draft.chat_id,
        lang=draft.lang,
        revision=draft.revision,
        features=draft.features,
    )
