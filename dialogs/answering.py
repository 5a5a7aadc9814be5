"""Answering the current step: a choice, a typed value, a PICK step's options, its Done button.
An accepted answer is saved and the claimant moves on; a changed answer that later steps depend
on reopens them; a matter the platform does not consider ends the draft with the reason.
"""

from __future__ import annotations

from dialogs.buttons import Verb
from dialogs.flow import FLOW
from dialogs.i18n import Texts, texts
from dialogs.inputs import Context
from dialogs.model import Draft
from dialogs.progress import is_answered
from dialogs.render import button
from dialogs.replies import Reply
from dialogs.steps import Kind, Step
from dialogs.turn import Turn, advance, fresh_draft, refuse, show, stale
from dialogs.validators import Invalid


def _reopen_dependents(draft: Draft, key: str, value: str) -> tuple[Draft, list[Step]]:
    """A changed answer that decides what later steps ask (the right type decides the rights
    documents, the role the authority documents…): those steps' answers and files go, so they
    are asked again and the review counts them as missing."""
    old = draft.answers.get(key)
    if old is None or old == value:
        return draft, []
    reopened = [s for s in FLOW if key in s.depends_on and is_answered(draft, s)]
    if not reopened:
        return draft, []
    ids = {s.id for s in reopened}
    sections = {s.file_section for s in reopened if s.file_section}
    answers = {k: v for k, v in draft.answers.items() if k not in ids}
    files = [f for f in draft.files if f.section not in sections]
    return draft.model_copy(update={"answers": answers, "files": files}), reopened


def _named(draft: Draft, step: Step, t: Texts) -> str:
    """A cleared answer as the claimant knows it: its label, and a typed answer's value
    ("Registration / patent numbers (654321, 765432)")."""
    label = t.plain(f"label-{step.id}")
    value = draft.answers.get(step.id, "") if step.kind is Kind.TEXT else ""
    return f"{label} ({', '.join(value.splitlines())})" if value else label


def answer(draft: Draft, step: Step, value: str, ctx: Context) -> Turn:
    """Save an accepted answer and move on, reopening the steps that depended on it."""
    t = texts(draft.lang)
    updated, reopened = _reopen_dependents(draft, step.id, value)
    answered = updated.model_copy(update={"answers": {**updated.answers, step.id: value}})
    asked_again = [s for s in reopened if s.applies(answered)]
    dropped = [s for s in reopened if not s.applies(answered)]
    before: list[Reply] = []
    if step.echo is not None:  # what was read, so a misreading is seen at once
        before.append(Reply(t(f"echo-{step.id}", **step.echo(value))))
    if step.shares_contact:  # the phone's "share" keyboard goes once the number is in
        shown = step.shown(answered, value) if step.shown else value
        before.append(Reply(t("contact-saved", value=shown), remove_keyboard=True))
    if dropped:
        names = ", ".join(_named(draft, s, t) for s in dropped)
        before.append(Reply(t("cleared", steps=names)))
    if asked_again:
        names = ", ".join(_named(draft, s, t) for s in asked_again)
        before.append(Reply(t("reopened", steps=names)))
    return advance(answered, ctx, before=before)


def toggle(draft: Draft, step: Step, option_id: str, ctx: Context) -> Turn:
    """A PICK step's option switched on or off; the step is drawn again with the change."""
    if step.option(option_id) is None:
        return stale(draft, ctx)
    on = step.picked(draft)
    on = [o for o in on if o != option_id] if option_id in on else [*on, option_id]
    picked = ",".join(o.id for o in step.options if o.id in on)
    updated = draft.model_copy(update={"answers": {**draft.answers, step.id: picked}})
    return show(updated, ctx, changed=True)


def choose(draft: Draft, step: Step, option_id: str, ctx: Context) -> Turn:
    """A CHOICE option pressed (or an INFO step's button): the answer, or the rejection."""
    if step.kind is Kind.INFO:
        return advance(draft, ctx)
    option = step.option(option_id)
    if option is None:
        return stale(draft, ctx)
    if option.reject:
        return _reject(draft, option.reject, ctx)
    return answer(draft, step, option.id, ctx)


def _reject(draft: Draft, reason: str, ctx: Context) -> Turn:
    """A matter the platform does not consider: say why and what to do; allow a fresh start."""
    t = texts(draft.lang)
    # A fresh start, but /back still leads to the question that was answered (a mis-tap).
    fresh = fresh_draft(draft).model_copy(update={"history": [draft.step]})
    reply = Reply(
        t(f"reject-{reason}", platform=ctx.platform_name, country=ctx.circulation_country),
        ((button(t, "btn-start-again", Verb.ANSWER, "welcome", "go"),),),
    )
    return Turn(fresh, [reply], changed=True)


def done(draft: Draft, step: Step, ctx: Context) -> Turn:
    """Done at a LINKS, FILES or PICK step: on, once there is something to go on with."""
    if step.kind is Kind.LINKS and not draft.links:
        return refuse(draft, ctx, Invalid("err-links-none", {}))
    if step.kind is Kind.FILES:
        assert step.file_section is not None
        if not draft.files_in(step.file_section):
            return refuse(draft, ctx, Invalid("err-files-none", {}))
        return advance(draft, ctx)
    if step.kind is Kind.LINKS:
        return advance(draft, ctx)
    if step.kind is Kind.PICK:  # the defaults, if nothing was switched, are the choice
        picked = ",".join(step.picked(draft))
        return advance(
            draft.model_copy(update={"answers": {**draft.answers, step.id: picked}}), ctx
        )
    return stale(draft, ctx)
