"""The intake engine: (saved draft, event) -> (new draft, replies). Pure: no I/O, no Telegram.

Bad input never changes the draft: the outcome then carries the very draft it was given with
`changed=False`, and the shell saves nothing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from zoneinfo import ZoneInfo

from dialogs.answering import answer, choose, done, toggle
from dialogs.buttons import GLOBAL_VERBS, ButtonData, Verb
from dialogs.collecting import clear, offer_reuse, reuse, take_links, take_upload
from dialogs.flow import FLOW, STEPS
from dialogs.i18n import texts
from dialogs.inputs import (
    Command,
    Context,
    Input,
    LinkList,
    Pressed,
    Typed,
    Unsupported,
    Uploaded,
    UploadRefused,
)
from dialogs.model import Confirmation, Draft
from dialogs.navigation import back, command, deep_link, edit, global_press, submit
from dialogs.progress import current_step, is_answered
from dialogs.render import button, confirmation_wording, local_time, render_step
from dialogs.replies import Reply
from dialogs.steps import Kind, Step
from dialogs.turn import Turn, advance, refuse, show, stale, with_status
from dialogs.validators import Invalid

RESUME_OFFER_AFTER = timedelta(days=2)
_CSV_SEPARATORS = str.maketrans({";": "\n", ",": "\n", "\t": "\n"})


def handle(draft: Draft | None, event: Input, ctx: Context) -> Turn:
    """Apply one event to the saved draft."""
    if draft is None:
        fresh = Draft(
            user_id=ctx.user_id,
            chat_id=ctx.chat_id,
            lang=ctx.lang_hint,
            features=list(ctx.features),
        )
        outcome = _dispatch(fresh, event, ctx)
        return outcome if outcome.changed else replace(outcome, draft=fresh, changed=True)
    outcome = _keyboard_left(draft, _dispatch(draft, event, ctx))
    if _coming_back(draft, event, ctx):
        t = texts(draft.lang)
        notice = Reply(
            t(
                "welcome-back",
                date=local_time(draft.updated_at, ZoneInfo(ctx.time_zone), date_only=True),
            ),
            ((button(t, "btn-discard", Verb.DISCARD, "", "ask"),),),
        )
        return replace(outcome, replies=[notice, *outcome.replies])
    return outcome


def _coming_back(draft: Draft, event: Input, ctx: Context) -> bool:
    idle = ctx.now - draft.updated_at
    return (
        idle > RESUME_OFFER_AFTER
        and draft.step not in ("welcome", "review")
        and not isinstance(event, Command)
    )


def _dispatch(draft: Draft, event: Input, ctx: Context) -> Turn:
    match event:
        case Command(name="start", args=args) if args:
            return deep_link(draft, args, ctx)
        case Command(name=name):
            return command(draft, name, ctx)
        case Pressed(data=data):
            return _press(draft, data, ctx)
        case Typed(text=text):
            return _text(draft, text, ctx)
        case LinkList(text=text) if current_step(draft).kind is Kind.LINKS:
            cells = text.translate(_CSV_SEPARATORS)  # a spreadsheet's cells, each on its own
            return take_links(draft, cells, ctx, limit=ctx.link_rules.max_links_per_file)
        case LinkList():
            return refuse(draft, ctx, Invalid(f"err-expected-{current_step(draft).kind}", {}))
        case Uploaded():
            return take_upload(draft, event, ctx)
        case UploadRefused(error=error):
            return refuse(draft, ctx, error)
        case Unsupported():
            return refuse(draft, ctx, Invalid(f"err-expected-{current_step(draft).kind}", {}))
    raise TypeError(f"unknown event {event!r}")


def _keyboard_left(before: Draft, outcome: Turn) -> Turn:
    """Leaving the phone step by any way but the number (/back, Back, Skip, discarding): its
    "share" keyboard is taken away, by the first reply without buttons of its own, else by a
    short note of where the claimant went."""
    left = STEPS.get(before.step, STEPS["welcome"])
    if not left.shares_contact or any(r.remove_keyboard for r in outcome.replies):
        return outcome
    after = outcome.draft
    if after is not None and current_step(after).shares_contact:
        return outcome
    replies = list(outcome.replies)
    for i, reply in enumerate(replies):
        if not reply.has_markup:
            replies[i] = replace(reply, remove_keyboard=True)
            return replace(outcome, replies=replies)
    t = texts(before.lang)
    kept = after.answers.get(left.id) if after is not None else None
    if after is not None and _position(after.step) < _position(before.step):
        note = t("phone-left-back")
    elif after is not None and kept:  # "Keep the saved answer"
        note = t("contact-saved", value=left.shown(after, kept) if left.shown else kept)
    else:
        note = t("phone-left-skip")
    return replace(outcome, replies=[Reply(note, remove_keyboard=True), *replies])


def _position(step_id: str) -> int:
    return next(i for i, step in enumerate(FLOW) if step.id == step_id)


def _reply_key(draft: Draft, step: Step, raw: str, ctx: Context) -> str | None:
    """The button a reply-keyboard key stands for ("⬅️ Back" typed by the keyboard), if any."""
    drawn = render_step(draft, step, ctx, texts(draft.lang))
    return next((b.data for row in drawn.buttons for b in row if b.label == raw.strip()), None)


def _press(draft: Draft, data: str, ctx: Context) -> Turn:
    t = texts(draft.lang)
    pressed = ButtonData.decode(data)
    if pressed is None:
        return stale(draft, ctx)
    if pressed.verb in GLOBAL_VERBS:
        return global_press(draft, pressed, ctx)
    step = current_step(draft)
    if pressed.step != step.id:
        return stale(draft, ctx)
    match pressed.verb:
        case Verb.ANSWER if step.kind is Kind.PICK:
            return toggle(draft, step, pressed.arg, ctx)
        case Verb.ANSWER:
            return choose(draft, step, pressed.arg, ctx)
        case Verb.KEEP if step.kind not in (Kind.INFO, Kind.REVIEW) and is_answered(draft, step):
            return advance(draft, ctx)
        case Verb.SKIP if step.optional:
            answers = {k: v for k, v in draft.answers.items() if k != step.id}
            # Skipping the phone: its "share" keyboard goes too.
            gone = (
                [Reply(t("contact-skipped"), remove_keyboard=True)] if step.shares_contact else []
            )
            return advance(draft.model_copy(update={"answers": answers}), ctx, before=gone)
        case Verb.DONE:
            return done(draft, step, ctx)
        case Verb.CLEAR:
            return clear(draft, step, pressed.arg, ctx)
        case Verb.REUSE if step.kind is Kind.FILES:
            return offer_reuse(draft, step, pressed.arg, ctx)
        case Verb.ATTACH if step.kind in (Kind.LINKS, Kind.FILES) and not pressed.arg:
            return show(draft, ctx, changed=False)
        case Verb.ATTACH if step.kind is Kind.FILES:
            return reuse(draft, step, pressed.arg, ctx)
        case Verb.CONFIRM if step.kind is Kind.CONFIRM:
            confirmation = Confirmation(
                key=step.id,
                text=confirmation_wording(step, draft, ctx, t),
                lang=draft.lang,
                at=ctx.now,
            )
            confirmations = {**draft.confirmations, step.id: confirmation}
            return advance(draft.model_copy(update={"confirmations": confirmations}), ctx)
        case Verb.DECLINE if step.kind is Kind.CONFIRM:
            return show(draft, ctx, changed=False, before=[Reply(t("declined", step=step.id))])
        case Verb.BACK:
            return back(draft, ctx)
        case Verb.EDIT if step.kind is Kind.REVIEW:
            return edit(draft, pressed.arg, ctx)
        case Verb.SUBMIT if step.kind is Kind.REVIEW:
            return submit(draft, ctx)
    return stale(draft, ctx)


def _text(draft: Draft, raw: str, ctx: Context) -> Turn:
    step = current_step(draft)
    match step.kind:
        case Kind.TEXT:
            assert step.validator is not None
            if step.shares_contact and (pressed := _reply_key(draft, step, raw, ctx)):
                return _press(draft, pressed, ctx)
            verdict = step.validator(raw)
            if isinstance(verdict, Invalid):
                return refuse(draft, ctx, verdict)
            mismatch = step.cross_check(draft, verdict.value) if step.cross_check else None
            if mismatch is not None:
                return refuse(draft, ctx, mismatch)
            return answer(draft, step, verdict.value, ctx)
        case Kind.LINKS:
            return take_links(draft, raw, ctx)
    return refuse(draft, ctx, Invalid(f"err-expected-{step.kind}", {}))


def show_current(draft: Draft | None, ctx: Context, *, album: int = 0, received: int = 0) -> Turn:
    """The current step drawn again; after an album, prefixed with how many files arrived;
    after `received` files sent at once (not an album), how many, and the step's state."""
    if draft is None:
        return handle(None, Command("start"), ctx)
    t = texts(draft.lang)
    if received and current_step(draft).kind is Kind.FILES:
        note = t("files-received", count=received)
        return Turn(draft, [with_status(note, draft, ctx, t)], changed=False)
    before = [Reply(t("album-received", count=album))] if album else []
    return show(draft, ctx, changed=False, before=before)


def expected_file_section(draft: Draft | None) -> str | None:
    """The file section the current step collects, so the shell downloads only then."""
    if draft is None:
        return None
    step = current_step(draft)
    return step.file_section.value if step.file_section else None
