"""Moving around the flow rather than answering it: /start (and its deep link from a listing),
/back, /cancel, /help, /language, discarding or resuming a draft, and from the review, editing a
section or submitting.
"""

from __future__ import annotations

from dialogs.buttons import ButtonData, Verb
from dialogs.flow import SECTIONS, STEPS
from dialogs.i18n import LANGS, Texts, texts
from dialogs.inputs import Context
from dialogs.model import Draft
from dialogs.progress import current_step, first_step_of, missing_steps
from dialogs.render import button, render_step
from dialogs.replies import Reply
from dialogs.turn import Turn, fresh_draft, go, show, stale
from dialogs.validators.links import listing_from_payload


def command(draft: Draft, name: str, ctx: Context) -> Turn:
    """/start, /back, /cancel, /help, /language; anything else is an unknown command."""
    t = texts(draft.lang)
    match name:
        case "start":
            if draft.step in ("welcome", STEPS["screen_listing"].id) and not draft.answers:
                at_welcome = draft.model_copy(update={"step": "welcome"})
                return show(at_welcome, ctx, changed=draft.step != "welcome")
            offer = Reply(
                t("resume-offer", section=t.plain(f"section-{current_step(draft).section.id}")),
                (
                    (button(t, "btn-continue", Verb.RESUME, "", "continue"),),
                    (button(t, "btn-restart", Verb.RESUME, "", "restart"),),
                ),
            )
            return Turn(draft, [offer])
        case "back":
            return back(draft, ctx)
        case "cancel":
            return Turn(draft, [_discard_question(t)])
        case "help":
            return show(draft, ctx, changed=False, before=[Reply(t("help"))])
        case "language":
            rows = tuple((button(t, f"lang-{lang}", Verb.LANGUAGE, "", lang),) for lang in LANGS)
            return Turn(draft, [Reply(t("choose-language"), rows)])
    return show(draft, ctx, changed=False, before=[Reply(t("unknown-command"))])


def deep_link(draft: Draft, payload: str, ctx: Context) -> Turn:
    """`/start <payload>` from the listing page's link: that listing is filled in and the
    "do you have a particular listing?" question answered; an invalid payload is a plain /start."""
    link = listing_from_payload(payload, ctx.link_rules)
    if link is None:
        return command(draft, "start", ctx)
    t = texts(draft.lang)
    links = draft.links if link in draft.links else [*draft.links, link]
    note = Reply(t("deep-link-listing", link=link))
    if draft.answers:  # a complaint under way: the listing joins it
        updated = draft.model_copy(update={"links": links})
        return show(updated, ctx, changed=links != draft.links, before=[note])
    started = draft.model_copy(
        update={
            "links": links,
            "answers": {"screen_listing": "yes"},
            "step": "screen_matter",
            "history": ["welcome", "screen_listing"],
        }
    )
    welcome = render_step(draft, STEPS["welcome"], ctx, t)
    return show(started, ctx, changed=True, before=[Reply(welcome.text), note])


def _discard_question(t: Texts) -> Reply:
    return Reply(
        t("discard-question"),
        (
            (button(t, "btn-discard-yes", Verb.DISCARD, "", "yes"),),
            (button(t, "btn-discard-no", Verb.DISCARD, "", "no"),),
        ),
    )


def back(draft: Draft, ctx: Context) -> Turn:
    """The previous step that still applies (a changed answer may have made some moot)."""
    history = list(draft.history)
    while history:
        previous = STEPS.get(history.pop())
        if previous is not None and previous.applies(draft):
            moved = draft.model_copy(update={"step": previous.id, "history": history})
            return show(moved, ctx, changed=True)
    t = texts(draft.lang)
    return show(draft, ctx, changed=False, before=[Reply(t("nothing-to-go-back-to"))])


def global_press(draft: Draft, pressed: ButtonData, ctx: Context) -> Turn:
    """The buttons that work at any step: language, discard and resume."""
    t = texts(draft.lang)
    match pressed.verb, pressed.arg:
        case Verb.LANGUAGE, lang if lang in LANGS:
            switched = draft.model_copy(update={"lang": lang})
            return show(switched, ctx, changed=lang != draft.lang)
        case Verb.DISCARD, "ask":
            return Turn(draft, [_discard_question(t)])
        case Verb.DISCARD, "yes" | "restart":
            return _restart(draft, ctx, t("discarded"))
        case Verb.RESUME, "restart":
            return _restart(draft, ctx, t("discarded"))
        case Verb.DISCARD, "no":
            return show(draft, ctx, changed=False)
        case Verb.RESUME, "continue":
            return show(draft, ctx, changed=False)
    return stale(draft, ctx)


def _restart(draft: Draft, ctx: Context, message: str) -> Turn:
    fresh = fresh_draft(draft)
    return show(fresh, ctx, changed=True, before=[Reply(message)])


def edit(draft: Draft, section_id: str, ctx: Context) -> Turn:
    """From the review: the first step of a section to change; answering returns to review."""
    section = next((s for s in SECTIONS if s.id == section_id), None)
    first = first_step_of(section, draft) if section else None
    if first is None:
        return stale(draft, ctx)
    editing = go(draft, first).model_copy(update={"editing_section": section_id})
    return show(editing, ctx, changed=True)


def submit(draft: Draft, ctx: Context) -> Turn:
    """From the review: submitted only with nothing missing, else the review again."""
    if missing_steps(draft):
        return show(draft, ctx, changed=False)
    return Turn(draft, [], changed=False, submit=True)
