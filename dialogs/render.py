"""Drawing a step, the review and summaries as replies. Every word comes from the catalogs."""

from __future__ import annotations

import html

from dialogs.buttons import ButtonData, Verb
from dialogs.events import Context
from dialogs.filenames import shown_name
from dialogs.flow import SECTIONS
from dialogs.i18n import LANGS, Texts
from dialogs.model import Draft
from dialogs.progress import TOTAL_SECTIONS, applicable_steps, is_answered, missing_steps
from dialogs.replies import Button, Reply
from dialogs.steps import Kind, Step

MAX_FILES_NAMED = 10
MAX_LINKS_SHOWN = 20  # to the claimant; staff always get every link


def catalog_args(draft: Draft, ctx: Context) -> dict[str, object]:
    """Arguments every prompt may use to vary by role and right type."""
    return {
        "role": draft.answers.get("role", "holder"),
        "right_type": draft.answers.get("right_type", "other"),
        "patent_kind": draft.answers.get("patent_kind", "other"),
        "platform": ctx.platform_name,
        "privacy_url": ctx.privacy_policy_url,
        "total": TOTAL_SECTIONS,
    }


def button(t: Texts, key: str, verb: Verb, step: str = "", arg: str = "", **args: object) -> Button:
    return Button(t.plain(key, **args), ButtonData(verb, step, arg).encode())


def plain_answer(draft: Draft, step: Step, t: Texts) -> str:
    """A choice or typed answer as plain text: the option's words, or what was typed."""
    value = draft.answers.get(step.id)
    if not value:
        return ""
    return t.plain(f"opt-{step.id}-{value}") if step.kind is Kind.CHOICE else value


def display_value(draft: Draft, step: Step, t: Texts, *, all_links: bool = False) -> str:
    """The saved answer to a step as the claimant would read it (HTML-escaped)."""
    match step.kind:
        case Kind.CHOICE | Kind.TEXT:
            return html.escape(plain_answer(draft, step, t))
        case Kind.LINKS:
            shown = draft.links if all_links else draft.links[:MAX_LINKS_SHOWN]
            lines = [f"{i}. {html.escape(link)}" for i, link in enumerate(shown, 1)]
            if len(draft.links) > len(shown):
                lines.append(t("links-more", count=len(draft.links) - len(shown)))
            return "\n".join(lines)
        case Kind.FILES:
            assert step.file_section is not None
            files = draft.files_in(step.file_section)
            names = ", ".join(html.escape(shown_name(f.name)) for f in files[:MAX_FILES_NAMED])
            more = len(files) - MAX_FILES_NAMED
            tail = t("files-more", count=more) if more > 0 else ""
            return t("files-count", count=len(files)) + (f": {names}{tail}" if files else "")
        case Kind.CONFIRM:
            confirmation = draft.confirmations.get(step.id)
            return (
                t("confirmed-at", at=confirmation.at.strftime("%Y-%m-%d %H:%M UTC"))
                if (confirmation)
                else ""
            )
        case _:
            return ""


def progress_header(step: Step, t: Texts) -> str:
    if step.kind in (Kind.INFO, Kind.REVIEW):
        return ""
    section = step.section
    return (
        t(
            "progress",
            number=section.number,
            total=TOTAL_SECTIONS,
            section=t.plain(f"section-{section.id}"),
        )
        + "\n\n"
    )


def render_step(draft: Draft, step: Step, ctx: Context, t: Texts) -> Reply:
    if step.kind is Kind.REVIEW:
        return render_review(draft, t)
    args = catalog_args(draft, ctx)
    body = progress_header(step, t) + t(f"ask-{step.id}", **args)
    rows: list[tuple[Button, ...]] = []
    answered = is_answered(draft, step)
    editing_saved_answer = answered and step.kind in (Kind.TEXT, Kind.CONFIRM)
    if editing_saved_answer and step.kind is Kind.TEXT:
        body += "\n\n" + t("current-answer", value=draft.answers[step.id])
    match step.kind:
        case Kind.INFO:
            rows.append((button(t, "btn-start", Verb.ANSWER, step.id, "go"),))
            other = next(lang for lang in LANGS if lang != draft.lang)
            rows.append((button(t, f"lang-{other}", Verb.LANGUAGE, "", other),))
        case Kind.CHOICE:
            chosen = draft.answers.get(step.id)
            for option in step.options:
                key = f"opt-{step.id}-{option.id}"
                label = ("✓ " if option.id == chosen else "") + t.plain(key)
                rows.append((Button(label, ButtonData(Verb.ANSWER, step.id, option.id).encode()),))
        case Kind.LINKS:
            if draft.links:
                body += "\n\n" + t("links-saved", count=len(draft.links))
                body += "\n" + display_value(draft, step, t)
                rows.append((button(t, "btn-done", Verb.DONE, step.id),))
                rows.append((button(t, "btn-clear-links", Verb.CLEAR, step.id),))
        case Kind.FILES:
            rows.extend(reuse_buttons(draft, step, ctx, t))
            if answered:
                body += "\n\n" + display_value(draft, step, t)
                rows.append((button(t, "btn-done", Verb.DONE, step.id),))
                rows.append((button(t, "btn-clear-files", Verb.CLEAR, step.id),))
        case Kind.CONFIRM:
            body += "\n\n<i>" + t(f"confirm-{step.id}", **args) + "</i>"
            rows.append((button(t, f"btn-confirm-{step.id}", Verb.CONFIRM, step.id),))
            if step.id != "disclosure":
                rows.append((button(t, "btn-decline", Verb.DECLINE, step.id),))
    if editing_saved_answer:
        rows.append((button(t, "btn-keep", Verb.KEEP, step.id),))
    if step.optional:
        rows.append((button(t, "btn-skip", Verb.SKIP, step.id),))
    if step.kind is not Kind.INFO and draft.history:
        rows.append((button(t, "btn-back", Verb.BACK, step.id),))
    return Reply(body, tuple(rows))


def reuse_buttons(draft: Draft, step: Step, ctx: Context, t: Texts) -> list[tuple[Button, ...]]:
    """For a returning claimant: reuse this section's documents from an earlier case."""
    have = {f.sha256 for f in draft.files}
    return [
        (
            button(
                t,
                "btn-reuse",
                Verb.REUSE,
                step.id,
                earlier.case_number,
                number=earlier.case_number,
                count=len(earlier.files),
            ),
        )
        for earlier in ctx.earlier_documents
        if earlier.section == step.file_section and not {f.sha256 for f in earlier.files} <= have
    ]


def confirmation_wording(step: Step, draft: Draft, ctx: Context, t: Texts) -> str:
    """The exact statement shown for a confirmation, as stored with it."""
    return t.plain(f"confirm-{step.id}", **catalog_args(draft, ctx))


def summary(
    draft: Draft, t: Texts, *, include_confirmations: bool = True, all_links: bool = False
) -> str:
    """Every applicable answer, section by section (review screen, receipt, staff card)."""
    steps = applicable_steps(draft)
    parts: list[str] = []
    for section in SECTIONS[1:]:
        section_steps = [s for s in steps if s.section == section]
        if section.id == "confirmations" and not include_confirmations:
            continue
        lines = [f"<b>{section.number}. {t('section-' + section.id)}</b>"]
        for step in section_steps:
            value = display_value(draft, step, t, all_links=all_links) or t("not-answered")
            label = t(f"label-{step.id}")
            separator = "\n" if step.kind is Kind.LINKS else " "
            lines.append(f"{label}:{separator}{value}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def render_review(draft: Draft, t: Texts) -> Reply:
    missing = missing_steps(draft)
    text = t("review-title") + "\n\n" + summary(draft, t)
    if missing:
        names = "\n".join(f"• {t('label-' + s.id)}" for s in missing)
        text += "\n\n" + t("review-missing", count=len(missing)) + "\n" + names
    else:
        text += "\n\n" + t("review-ready")
    edit_buttons = [
        button(
            t, "btn-edit", Verb.EDIT, "review", section.id, section=t.plain(f"section-{section.id}")
        )
        for section in SECTIONS[1:]
    ]
    rows = [tuple(edit_buttons[i : i + 2]) for i in range(0, len(edit_buttons), 2)]
    if not missing:
        rows.insert(0, (button(t, "btn-submit", Verb.SUBMIT, "review"),))
    return Reply(text, tuple(rows))


def render_receipt(number: str, draft: Draft, t: Texts) -> Reply:
    text = t("receipt", number=number) + "\n\n" + summary(draft, t, include_confirmations=False)
    return Reply(text)
