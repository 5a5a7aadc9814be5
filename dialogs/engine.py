"""The intake engine: (saved draft, event) -> (new draft, replies). Pure: no I/O, no Telegram.

Bad input never changes the draft: the outcome then carries the very draft it was given with
`changed=False`, and the shell saves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta

from dialogs.buttons import GLOBAL_VERBS, ButtonData, Verb
from dialogs.events import (
    Command,
    Context,
    Event,
    Press,
    Text,
    Unsupported,
    Upload,
    UploadRefused,
)
from dialogs.flow import SECTIONS, STEPS
from dialogs.i18n import LANGS, Texts, texts
from dialogs.model import Confirmation, Draft
from dialogs.progress import (
    current_step,
    first_step_of,
    is_answered,
    missing_steps,
    next_step,
)
from dialogs.render import button, confirmation_wording, render_step
from dialogs.replies import Reply
from dialogs.steps import Kind, Step
from dialogs.validators import Invalid
from dialogs.validators.links import parse_links

RESUME_OFFER_AFTER = timedelta(days=2)


@dataclass(frozen=True)
class Outcome:
    draft: Draft | None  # None: the draft was discarded
    replies: list[Reply] = field(default_factory=list)
    changed: bool = False
    submit: bool = False
    toast: str | None = None  # a short note for the button press itself (answerCallbackQuery)


def handle(draft: Draft | None, event: Event, ctx: Context) -> Outcome:
    """Apply one event to the saved draft."""
    if draft is None:
        fresh = Draft(user_id=ctx.user_id, chat_id=ctx.chat_id, lang=ctx.lang_hint)
        outcome = _dispatch(fresh, event, ctx)
        return outcome if outcome.changed else replace(outcome, draft=fresh, changed=True)
    outcome = _dispatch(draft, event, ctx)
    if _coming_back(draft, event, ctx):
        t = texts(draft.lang)
        notice = Reply(
            t("welcome-back", date=draft.updated_at.strftime("%Y-%m-%d")),
            ((button(t, "btn-discard", Verb.DISCARD, "", "ask"),),),
        )
        return replace(outcome, replies=[notice, *outcome.replies])
    return outcome


def _coming_back(draft: Draft, event: Event, ctx: Context) -> bool:
    idle = ctx.now - draft.updated_at
    return (
        idle > RESUME_OFFER_AFTER
        and draft.step not in ("welcome", "review")
        and not isinstance(event, Command)
    )


def _dispatch(draft: Draft, event: Event, ctx: Context) -> Outcome:
    match event:
        case Command(name=name):
            return _command(draft, name, ctx)
        case Press(data=data):
            return _press(draft, data, ctx)
        case Text(text=text):
            return _text(draft, text, ctx)
        case Upload():
            return _upload(draft, event, ctx)
        case UploadRefused(error=error):
            return _refuse(draft, ctx, error)
        case Unsupported():
            return _refuse(draft, ctx, Invalid(f"err-expected-{current_step(draft).kind}", {}))
    raise TypeError(f"unknown event {event!r}")


# --- moving through the flow -----------------------------------------------------------


def _show(
    draft: Draft,
    ctx: Context,
    *,
    changed: bool,
    before: list[Reply] | None = None,
    toast: str | None = None,
) -> Outcome:
    t = texts(draft.lang)
    replies = [*(before or []), render_step(draft, current_step(draft), ctx, t)]
    return Outcome(draft, replies, changed, toast=toast)


def _go(draft: Draft, step: Step) -> Draft:
    history = [*draft.history, draft.step] if draft.step != step.id else draft.history
    return draft.model_copy(
        update={
            "step": step.id,
            "history": history,
            "editing_section": None if step.kind is Kind.REVIEW else draft.editing_section,
        }
    )


def _advance(draft: Draft, ctx: Context, before: list[Reply] | None = None) -> Outcome:
    """After an accepted answer: the next step, or back to the review when editing."""
    step = current_step(draft)
    following = next_step(draft, step)
    if draft.editing_section and following.section.id != draft.editing_section:
        missing = missing_steps(draft)
        following = missing[0] if missing else STEPS["review"]
    return _show(_go(draft, following), ctx, changed=True, before=before)


def _refuse(draft: Draft, ctx: Context, error: Invalid) -> Outcome:
    """Explain what is wrong and ask again; the draft stays exactly as it was."""
    t = texts(draft.lang)
    message = t(error.code, platform=ctx.platform_name, **error.params)
    return _show(draft, ctx, changed=False, before=[Reply("⚠️ " + message)])


# --- commands --------------------------------------------------------------------------


def _command(draft: Draft, name: str, ctx: Context) -> Outcome:
    t = texts(draft.lang)
    match name:
        case "start":
            if draft.step in ("welcome", STEPS["screen_listing"].id) and not draft.answers:
                at_welcome = draft.model_copy(update={"step": "welcome"})
                return _show(at_welcome, ctx, changed=draft.step != "welcome")
            offer = Reply(
                t("resume-offer", section=t.plain(f"section-{current_step(draft).section.id}")),
                (
                    (button(t, "btn-continue", Verb.RESUME, "", "continue"),),
                    (button(t, "btn-restart", Verb.RESUME, "", "restart"),),
                ),
            )
            return Outcome(draft, [offer])
        case "back":
            return _back(draft, ctx)
        case "cancel":
            return Outcome(draft, [_discard_question(t)])
        case "help":
            return _show(draft, ctx, changed=False, before=[Reply(t("help"))])
        case "language":
            rows = tuple((button(t, f"lang-{lang}", Verb.LANGUAGE, "", lang),) for lang in LANGS)
            return Outcome(draft, [Reply(t("choose-language"), rows)])
    return _show(draft, ctx, changed=False, before=[Reply(t("unknown-command"))])


def _discard_question(t: Texts) -> Reply:
    return Reply(
        t("discard-question"),
        (
            (button(t, "btn-discard-yes", Verb.DISCARD, "", "yes"),),
            (button(t, "btn-discard-no", Verb.DISCARD, "", "no"),),
        ),
    )


def _back(draft: Draft, ctx: Context) -> Outcome:
    """The previous step that still applies (a changed answer may have made some moot)."""
    history = list(draft.history)
    while history:
        previous = STEPS.get(history.pop())
        if previous is not None and previous.applies(draft):
            moved = draft.model_copy(update={"step": previous.id, "history": history})
            return _show(moved, ctx, changed=True)
    t = texts(draft.lang)
    return _show(draft, ctx, changed=False, before=[Reply(t("nothing-to-go-back-to"))])


# --- buttons ---------------------------------------------------------------------------


def _stale(draft: Draft, ctx: Context) -> Outcome:
    """A button from an earlier message (or made up): nothing changes; here is where you are."""
    t = texts(draft.lang)
    return _show(
        draft,
        ctx,
        changed=False,
        before=[Reply(t("stale-button"))],
        toast=t.plain("stale-button-toast"),
    )


def _press(draft: Draft, data: str, ctx: Context) -> Outcome:
    t = texts(draft.lang)
    pressed = ButtonData.decode(data)
    if pressed is None:
        return _stale(draft, ctx)
    if pressed.verb in GLOBAL_VERBS:
        return _global_press(draft, pressed, ctx)
    step = current_step(draft)
    if pressed.step != step.id:
        return _stale(draft, ctx)
    match pressed.verb:
        case Verb.ANSWER:
            return _choose(draft, step, pressed.arg, ctx)
        case Verb.KEEP if step.kind not in (Kind.INFO, Kind.REVIEW) and is_answered(draft, step):
            return _advance(draft, ctx)
        case Verb.SKIP if step.optional:
            answers = {k: v for k, v in draft.answers.items() if k != step.id}
            return _advance(draft.model_copy(update={"answers": answers}), ctx)
        case Verb.DONE:
            return _done(draft, step, ctx)
        case Verb.CLEAR:
            return _clear(draft, step, ctx)
        case Verb.REUSE if step.kind is Kind.FILES:
            return _reuse(draft, step, pressed.arg, ctx)
        case Verb.CONFIRM if step.kind is Kind.CONFIRM:
            confirmation = Confirmation(
                key=step.id,
                text=confirmation_wording(step, draft, ctx, t),
                lang=draft.lang,
                at=ctx.now,
            )
            confirmations = {**draft.confirmations, step.id: confirmation}
            return _advance(draft.model_copy(update={"confirmations": confirmations}), ctx)
        case Verb.DECLINE if step.kind is Kind.CONFIRM:
            return _show(draft, ctx, changed=False, before=[Reply(t("declined", step=step.id))])
        case Verb.BACK:
            return _back(draft, ctx)
        case Verb.EDIT if step.kind is Kind.REVIEW:
            return _edit(draft, pressed.arg, ctx)
        case Verb.SUBMIT if step.kind is Kind.REVIEW:
            return _submit(draft, ctx)
    return _stale(draft, ctx)


def _global_press(draft: Draft, pressed: ButtonData, ctx: Context) -> Outcome:
    t = texts(draft.lang)
    match pressed.verb, pressed.arg:
        case Verb.LANGUAGE, lang if lang in LANGS:
            switched = draft.model_copy(update={"lang": lang})
            return _show(switched, ctx, changed=lang != draft.lang)
        case Verb.DISCARD, "ask":
            return Outcome(draft, [_discard_question(t)])
        case Verb.DISCARD, "yes" | "restart":
            return _restart(draft, ctx, t("discarded"))
        case Verb.RESUME, "restart":
            return _restart(draft, ctx, t("discarded"))
        case Verb.DISCARD, "no":
            return _show(draft, ctx, changed=False)
        case Verb.RESUME, "continue":
            return _show(draft, ctx, changed=False)
    return _stale(draft, ctx)


def _fresh(draft: Draft) -> Draft:
    """An empty draft in place of `draft` (same revision line, so it saves over it)."""
    return Draft(
        user_id=draft.user_id, chat_id=draft.chat_id, lang=draft.lang, revision=draft.revision
    )


def _restart(draft: Draft, ctx: Context, message: str) -> Outcome:
    fresh = _fresh(draft)
    return _show(fresh, ctx, changed=True, before=[Reply(message)])


def _choose(draft: Draft, step: Step, option_id: str, ctx: Context) -> Outcome:
    if step.kind is Kind.INFO:
        return _advance(draft, ctx)
    option = step.option(option_id)
    if option is None:
        return _stale(draft, ctx)
    if option.reject:
        return _reject(draft, option.reject, ctx)
    answers = {**draft.answers, step.id: option.id}
    return _advance(draft.model_copy(update={"answers": answers}), ctx)


def _reject(draft: Draft, reason: str, ctx: Context) -> Outcome:
    """A matter the platform does not consider: say why and what to do; allow a fresh start."""
    t = texts(draft.lang)
    fresh = _fresh(draft)
    reply = Reply(
        t(f"reject-{reason}", platform=ctx.platform_name),
        ((button(t, "btn-start-again", Verb.ANSWER, "welcome", "go"),),),
    )
    return Outcome(fresh, [reply], changed=True)


def _done(draft: Draft, step: Step, ctx: Context) -> Outcome:
    if step.kind is Kind.LINKS and not draft.links:
        return _refuse(draft, ctx, Invalid("err-links-none", {}))
    if step.kind is Kind.FILES:
        assert step.file_section is not None
        if not draft.files_in(step.file_section):
            return _refuse(draft, ctx, Invalid("err-files-none", {}))
        return _advance(draft, ctx)
    if step.kind is Kind.LINKS:
        return _advance(draft, ctx)
    return _stale(draft, ctx)


def _clear(draft: Draft, step: Step, ctx: Context) -> Outcome:
    t = texts(draft.lang)
    if step.kind is Kind.LINKS:
        cleared = draft.model_copy(update={"links": []})
        return _show(cleared, ctx, changed=True, before=[Reply(t("links-cleared"))])
    if step.kind is Kind.FILES:
        kept = [f for f in draft.files if f.section != step.file_section]
        cleared = draft.model_copy(update={"files": kept})
        return _show(cleared, ctx, changed=True, before=[Reply(t("files-cleared"))])
    return _show(draft, ctx, changed=False)


def _reuse(draft: Draft, step: Step, case_number: str, ctx: Context) -> Outcome:
    t = texts(draft.lang)
    earlier = next(
        (
            e
            for e in ctx.earlier_documents
            if e.case_number == case_number and e.section == step.file_section
        ),
        None,
    )
    if earlier is None:
        return _stale(draft, ctx)
    have = {f.sha256 for f in draft.files_in(earlier.section)}
    added = [f for f in earlier.files if f.sha256 not in have]
    updated = draft.model_copy(update={"files": [*draft.files, *added]})
    note = Reply(t("files-reused", count=len(added), number=case_number))
    return _show(updated, ctx, changed=bool(added), before=[note])


def _edit(draft: Draft, section_id: str, ctx: Context) -> Outcome:
    section = next((s for s in SECTIONS if s.id == section_id), None)
    first = first_step_of(section, draft) if section else None
    if first is None:
        return _stale(draft, ctx)
    editing = _go(draft, first).model_copy(update={"editing_section": section_id})
    return _show(editing, ctx, changed=True)


def _submit(draft: Draft, ctx: Context) -> Outcome:
    if missing_steps(draft):
        return _show(draft, ctx, changed=False)
    return Outcome(draft, [], changed=False, submit=True)


# --- typed input and uploads -----------------------------------------------------------


def _text(draft: Draft, raw: str, ctx: Context) -> Outcome:
    step = current_step(draft)
    match step.kind:
        case Kind.TEXT:
            assert step.validator is not None
            verdict = step.validator(raw)
            if isinstance(verdict, Invalid):
                return _refuse(draft, ctx, verdict)
            answers = {**draft.answers, step.id: verdict.value}
            return _advance(draft.model_copy(update={"answers": answers}), ctx)
        case Kind.LINKS:
            return _links(draft, raw, ctx)
    return _refuse(draft, ctx, Invalid(f"err-expected-{step.kind}", {}))


def _links(draft: Draft, raw: str, ctx: Context) -> Outcome:
    t = texts(draft.lang)
    verdict = parse_links(raw, ctx.link_rules, already=draft.links)
    if verdict.error is not None:
        return _refuse(draft, ctx, verdict.error)
    lines = []
    for item in verdict.items:
        if item.status == "accepted":
            lines.append(t("link-accepted", link=item.canonical or ""))
        elif item.status == "duplicate":
            lines.append(t("link-duplicate", link=item.canonical or item.raw))
        else:
            assert item.error is not None
            reason = t(item.error.code, platform=ctx.platform_name, **item.error.params)
            lines.append(t("link-rejected", link=item.raw, reason=reason))
    report = Reply("\n".join(lines) or t("err-links-none"))
    if not verdict.accepted:
        return _show(draft, ctx, changed=False, before=[report])
    updated = draft.model_copy(update={"links": [*draft.links, *verdict.accepted]})
    return _show(updated, ctx, changed=True, before=[report])


def _upload(draft: Draft, event: Upload, ctx: Context) -> Outcome:
    t = texts(draft.lang)
    step = current_step(draft)
    if step.kind is not Kind.FILES or step.file_section is None:
        return _refuse(draft, ctx, Invalid(f"err-expected-{step.kind}", {}))
    stored = event.file.model_copy(update={"section": step.file_section})
    section_files = draft.files_in(step.file_section)
    if any(f.sha256 == stored.sha256 for f in section_files):
        return Outcome(draft, [Reply(t("file-duplicate", name=stored.name))])
    updated = draft.model_copy(update={"files": [*draft.files, stored]})
    if event.quiet:
        return Outcome(updated, [], changed=True)
    received = Reply(t("file-received", name=stored.name, count=len(section_files) + 1))
    return _show(updated, ctx, changed=True, before=[received])


def show_current(draft: Draft | None, ctx: Context, *, album: int = 0) -> Outcome:
    """The current step drawn again; after an album, prefixed with how many files arrived."""
    if draft is None:
        return handle(None, Command("start"), ctx)
    t = texts(draft.lang)
    before = [Reply(t("album-received", count=album))] if album else []
    return _show(draft, ctx, changed=False, before=before)


def expected_file_section(draft: Draft | None) -> str | None:
    """The file section the current step collects, so the shell downloads only then."""
    if draft is None:
        return None
    step = current_step(draft)
    return step.file_section.value if step.file_section else None
