"""The intake engine: (saved draft, event) -> (new draft, replies). Pure: no I/O, no Telegram.

Bad input never changes the draft: the outcome then carries the very draft it was given with
`changed=False`, and the shell saves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta
from zoneinfo import ZoneInfo

from dialogs.buttons import GLOBAL_VERBS, ButtonData, Verb
from dialogs.events import (
    Command,
    Context,
    Event,
    LinkList,
    Press,
    Text,
    Unsupported,
    Upload,
    UploadRefused,
)
from dialogs.filenames import shown_name
from dialogs.flow import FLOW, SECTIONS, STEPS
from dialogs.i18n import LANGS, Texts, texts
from dialogs.model import Confirmation, Draft
from dialogs.progress import (
    current_step,
    first_step_of,
    is_answered,
    missing_steps,
    next_step,
)
from dialogs.render import (
    button,
    confirmation_wording,
    file_key,
    link_key,
    local_time,
    removal_picker,
    render_step,
    reusable_documents,
)
from dialogs.replies import Reply
from dialogs.steps import Kind, Step
from dialogs.validators import Invalid
from dialogs.validators.links import listing_from_payload, parse_links

RESUME_OFFER_AFTER = timedelta(days=2)
_CSV_SEPARATORS = str.maketrans({";": "\n", ",": "\n", "\t": "\n"})


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
        fresh = Draft(
            user_id=ctx.user_id,
            chat_id=ctx.chat_id,
            lang=ctx.lang_hint,
            features=list(ctx.features),
        )
        outcome = _dispatch(fresh, event, ctx)
        return outcome if outcome.changed else replace(outcome, draft=fresh, changed=True)
    outcome = _dispatch(draft, event, ctx)
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


def _coming_back(draft: Draft, event: Event, ctx: Context) -> bool:
    idle = ctx.now - draft.updated_at
    return (
        idle > RESUME_OFFER_AFTER
        and draft.step not in ("welcome", "review")
        and not isinstance(event, Command)
    )


def _dispatch(draft: Draft, event: Event, ctx: Context) -> Outcome:
    match event:
        case Command(name="start", args=args) if args:
            return _deep_link(draft, args, ctx)
        case Command(name=name):
            return _command(draft, name, ctx)
        case Press(data=data):
            return _press(draft, data, ctx)
        case Text(text=text):
            return _text(draft, text, ctx)
        case LinkList(text=text) if current_step(draft).kind is Kind.LINKS:
            cells = text.translate(_CSV_SEPARATORS)  # a spreadsheet's cells, each on its own
            return _links(draft, cells, ctx, limit=ctx.link_rules.max_links_per_file)
        case LinkList():
            return _refuse(draft, ctx, Invalid(f"err-expected-{current_step(draft).kind}", {}))
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
    step = current_step(draft)
    replies = [*(before or []), render_step(draft, step, ctx, t)]
    if step.shares_contact:
        offer = Reply(t("share-contact-hint"), contact_button=t.plain("btn-share-contact"))
        replies.append(offer)
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
    """Explain in a line or two what is wrong; the question (and its buttons) stays where it
    is on the screen, and the draft stays exactly as it was."""
    t = texts(draft.lang)
    message = t(error.code, platform=ctx.platform_name, **error.params)
    return Outcome(draft, [Reply("⚠️ " + message)], changed=False)


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


def _answer(draft: Draft, step: Step, value: str, ctx: Context) -> Outcome:
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
    return _advance(answered, ctx, before=before)


def _toggle(draft: Draft, step: Step, option_id: str, ctx: Context) -> Outcome:
    """A PICK step's option switched on or off; the step is drawn again with the change."""
    if step.option(option_id) is None:
        return _stale(draft, ctx)
    on = step.picked(draft)
    on = [o for o in on if o != option_id] if option_id in on else [*on, option_id]
    picked = ",".join(o.id for o in step.options if o.id in on)
    updated = draft.model_copy(update={"answers": {**draft.answers, step.id: picked}})
    return _show(updated, ctx, changed=True)


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


def _deep_link(draft: Draft, payload: str, ctx: Context) -> Outcome:
    """`/start <payload>` from the listing page's link: that listing is filled in and the
    "do you have a particular listing?" question answered; an invalid payload is a plain /start."""
    link = listing_from_payload(payload, ctx.link_rules)
    if link is None:
        return _command(draft, "start", ctx)
    t = texts(draft.lang)
    links = draft.links if link in draft.links else [*draft.links, link]
    note = Reply(t("deep-link-listing", link=link))
    if draft.answers:  # a complaint under way: the listing joins it
        updated = draft.model_copy(update={"links": links})
        return _show(updated, ctx, changed=links != draft.links, before=[note])
    started = draft.model_copy(
        update={
            "links": links,
            "answers": {"screen_listing": "yes"},
            "step": "screen_matter",
            "history": ["welcome", "screen_listing"],
        }
    )
    welcome = render_step(draft, STEPS["welcome"], ctx, t)
    return _show(started, ctx, changed=True, before=[Reply(welcome.text), note])


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
        case Verb.ANSWER if step.kind is Kind.PICK:
            return _toggle(draft, step, pressed.arg, ctx)
        case Verb.ANSWER:
            return _choose(draft, step, pressed.arg, ctx)
        case Verb.KEEP if step.kind not in (Kind.INFO, Kind.REVIEW) and is_answered(draft, step):
            return _advance(draft, ctx)
        case Verb.SKIP if step.optional:
            answers = {k: v for k, v in draft.answers.items() if k != step.id}
            # Skipping the phone: its "share" keyboard goes too.
            gone = (
                [Reply(t("contact-skipped"), remove_keyboard=True)] if step.shares_contact else []
            )
            return _advance(draft.model_copy(update={"answers": answers}), ctx, before=gone)
        case Verb.DONE:
            return _done(draft, step, ctx)
        case Verb.CLEAR:
            return _clear(draft, step, pressed.arg, ctx)
        case Verb.REUSE if step.kind is Kind.FILES:
            return _offer_reuse(draft, step, pressed.arg, ctx)
        case Verb.ATTACH if step.kind in (Kind.LINKS, Kind.FILES) and not pressed.arg:
            return _show(draft, ctx, changed=False)
        case Verb.ATTACH if step.kind is Kind.FILES:
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
        user_id=draft.user_id,
        chat_id=draft.chat_id,
        lang=draft.lang,
        revision=draft.revision,
        features=draft.features,
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
    return _answer(draft, step, option.id, ctx)


def _reject(draft: Draft, reason: str, ctx: Context) -> Outcome:
    """A matter the platform does not consider: say why and what to do; allow a fresh start."""
    t = texts(draft.lang)
    # A fresh start, but /back still leads to the question that was answered (a mis-tap).
    fresh = _fresh(draft).model_copy(update={"history": [draft.step]})
    reply = Reply(
        t(f"reject-{reason}", platform=ctx.platform_name, country=ctx.circulation_country),
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
    if step.kind is Kind.PICK:  # the defaults, if nothing was switched, are the choice
        picked = ",".join(step.picked(draft))
        return _advance(
            draft.model_copy(update={"answers": {**draft.answers, step.id: picked}}), ctx
        )
    return _stale(draft, ctx)


def _clear(draft: Draft, step: Step, which: str, ctx: Context) -> Outcome:
    """`?`: which one to remove; an item's key: that link or file; empty: all of the step."""
    t = texts(draft.lang)
    if step.kind not in (Kind.LINKS, Kind.FILES):
        return _stale(draft, ctx)
    if which == "?":
        return Outcome(draft, [removal_picker(draft, step, t)])
    if step.kind is Kind.LINKS:
        links = [link for link in draft.links if which and link_key(link) != which]
        sources = {k: v for k, v in draft.link_sources.items() if k in links}
        removed = len(draft.links) - len(links)
        cleared = draft.model_copy(update={"links": links, "link_sources": sources})
    else:
        files = [
            f
            for f in draft.files
            if f.section != step.file_section or (which and file_key(f) != which)
        ]
        removed = len(draft.files) - len(files)
        cleared = draft.model_copy(update={"files": files})
    if not removed:
        return _stale(draft, ctx)
    note = Reply(t("items-removed", count=removed))
    return _show(cleared, ctx, changed=True, before=[note])


def _offer_reuse(draft: Draft, step: Step, case_number: str, ctx: Context) -> Outcome:
    """Name the documents and whose they are, and ask before attaching anything."""
    t = texts(draft.lang)
    earlier = next(
        (e for e in reusable_documents(draft, step, ctx) if e.case_number == case_number), None
    )
    if earlier is None:
        return _stale(draft, ctx)
    names = ", ".join(shown_name(f.name) for f in earlier.files)
    question = Reply(
        t(
            "reuse-question",
            number=case_number,
            holder=earlier.holder,
            names=names,
            rejected="yes" if earlier.rejected else "no",
        ),
        (
            (button(t, "btn-reuse-yes", Verb.ATTACH, step.id, case_number),),
            (button(t, "btn-reuse-no", Verb.ATTACH, step.id, ""),),
        ),
    )
    return Outcome(draft, [question])


def _reuse(draft: Draft, step: Step, case_number: str, ctx: Context) -> Outcome:
    t = texts(draft.lang)
    earlier = next(
        (e for e in reusable_documents(draft, step, ctx) if e.case_number == case_number), None
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
            mismatch = step.cross_check(draft, verdict.value) if step.cross_check else None
            if mismatch is not None:
                return _refuse(draft, ctx, mismatch)
            return _answer(draft, step, verdict.value, ctx)
        case Kind.LINKS:
            return _links(draft, raw, ctx)
    return _refuse(draft, ctx, Invalid(f"err-expected-{step.kind}", {}))


def _links(draft: Draft, raw: str, ctx: Context, *, limit: int | None = None) -> Outcome:
    t = texts(draft.lang)
    verdict = parse_links(
        raw, ctx.link_rules, already=draft.links, resolved=ctx.resolved_links, limit=limit
    )
    if verdict.error is not None:
        return _refuse(draft, ctx, verdict.error)
    lines = []
    for item in verdict.items:
        if item.status == "accepted" and item.via_short_link:
            lines.append(t("link-accepted-short", link=item.canonical or "", pasted=item.raw))
        elif item.status == "accepted":
            lines.append(t("link-accepted", link=item.canonical or ""))
        elif item.status == "duplicate":
            lines.append(t("link-duplicate", link=item.canonical or item.raw))
        else:
            assert item.error is not None
            reason = t(item.error.code, platform=ctx.platform_name, **item.error.params)
            lines.append(t("link-rejected", link=item.raw, reason=reason))
    report = "\n".join(lines) or t("err-links-none")
    if not verdict.accepted:
        return Outcome(draft, [Reply(report)], changed=False)
    sources = {
        **draft.link_sources,
        **{
            i.canonical: i.raw
            for i in verdict.items
            if i.status == "accepted" and i.via_short_link and i.canonical
        },
    }
    links = [*draft.links, *verdict.accepted]
    updated = draft.model_copy(update={"links": links, "link_sources": sources})
    return Outcome(updated, [_with_status(report, updated, ctx, t)], changed=True)


def _with_status(note: str, draft: Draft, ctx: Context, t: Texts) -> Reply:
    """A short note on what was just received, then the step's state and buttons (not the
    whole question again)."""
    status = render_step(draft, current_step(draft), ctx, t, brief=True)
    return Reply(note + "\n\n" + status.text, status.buttons)


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
    received = t("file-received", name=stored.name)
    return Outcome(updated, [_with_status(received, updated, ctx, t)], changed=True)


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
