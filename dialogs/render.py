"""Drawing a step, the review and summaries as replies. Every word comes from the catalogs."""

from __future__ import annotations

import hashlib
import html
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from dialogs.buttons import ButtonData, Verb
from dialogs.filenames import shown_name
from dialogs.flow import SECTIONS, STEPS, numbers_cited
from dialogs.i18n import LANGS, Texts, texts
from dialogs.inputs import Context, EarlierDocuments
from dialogs.model import Draft, FileSection, StoredFile
from dialogs.progress import TOTAL_SECTIONS, is_answered, missing_steps, reported_steps
from dialogs.replies import Choice, Reply
from dialogs.steps import Kind, Step

MAX_FILES_NAMED = 10
DISPLAY_TZ = ZoneInfo("Europe/Moscow")  # times are stored in UTC and shown in this zone
MAX_LINKS_SHOWN = 20  # to the claimant; staff always get every link
MAX_REMOVABLE = 20  # items offered one by one for removal (more: remove all, or from the end)
REMOVE_BUTTONS_PER_ROW = 5


def catalog_args(draft: Draft, ctx: Context) -> dict[str, object]:
    """Arguments every prompt may use to vary by role and right type."""
    numbers = [n for n in draft.answers.get("rights_number", "").splitlines() if n]
    return {
        "role": draft.answers.get("role", "holder"),
        "licence_kind": draft.answers.get("licence_kind", "other"),
        "right_type": draft.answers.get("right_type", "other"),
        "patent_kind": draft.answers.get("patent_kind", "other"),
        "platform": ctx.platform_name,
        "privacy_url": ctx.privacy_policy_url,
        "total": TOTAL_SECTIONS,
        "country": ctx.circulation_country,
        # The registrations cited: how many, and listed in order for their offices.
        "rights": numbers_cited(draft),
        "numbers": "\n".join(f"{i}. {n}" for i, n in enumerate(numbers, 1)),
        "layout": draft.answers.get("offices_same", "one") if len(numbers) > 1 else "one",
        "documents": len(draft.files_in(FileSection.RIGHTS_DOCS)),
        # The contacts the seller may see, named in the consent to their transfer.
        "seller_contacts": seller_contacts_named(draft, texts(draft.lang)),
    }


def picked_named(draft: Draft, step: Step, t: Texts) -> str:
    """A PICK step's options now on, as words: the contacts the seller may see, "name, email"."""
    picked = step.picked(draft)
    if not picked:
        return t.plain(f"{step.id}-none")
    return ", ".join(t.plain(f"val-{step.id}-{option}") for option in picked)


def seller_contacts_named(draft: Draft, t: Texts) -> str:
    return picked_named(draft, STEPS["seller_contacts"], t)


def button(t: Texts, key: str, verb: Verb, step: str = "", arg: str = "", **args: object) -> Choice:
    return Choice(t.plain(key, **args), ButtonData(verb, step, arg).encode())


def plain_answer(draft: Draft, step: Step, t: Texts) -> str:
    """A choice or typed answer as plain text, in the third person as staff and the review
    read it ("Filed by: the right holder's representative"), not the button's "I represent…"."""
    value = draft.answers.get(step.id)
    if not value:
        return ""
    if step.kind is Kind.CHOICE:
        return t.plain(f"val-{step.id}-{value}")
    return step.shown(draft, value) if step.shown else value


def with_role(draft: Draft, t: Texts) -> str:
    """Who files, in one phrase: "a licensee (exclusive licence)"."""
    role = draft.answers.get("role")
    if not role:
        return ""
    shown = t.plain(f"val-role-{role}")
    kind = draft.answers.get("licence_kind")
    if role == "licensee" and kind:
        shown += f" ({t.plain(f'val-licence_kind-{kind}')})"
    return shown


def local_time(at: datetime, tz: tzinfo = DISPLAY_TZ, *, date_only: bool = False) -> str:
    """A stored (UTC) time as people read it: ``2024-05-01 15:00 MSK``."""
    local = at.astimezone(tz)
    return local.strftime("%Y-%m-%d") if date_only else local.strftime("%Y-%m-%d %H:%M %Z")


def link_key(link: str) -> str:
    """A short stable id of a saved link, for its remove button."""
    return hashlib.sha256(link.encode()).hexdigest()[:10]


def file_key(file: StoredFile) -> str:
    return file.sha256[-16:]


def link_line(draft: Draft, link: str) -> str:
    """A saved link, with the short link it was pasted as, if any (HTML-escaped)."""
    pasted = draft.link_sources.get(link)
    return html.escape(link) + (f" ← {html.escape(pasted)}" if pasted else "")


def display_value(
    draft: Draft, step: Step, t: Texts, *, all_links: bool = False, tz: tzinfo = DISPLAY_TZ
) -> str:
    """The saved answer to a step as the claimant would read it (HTML-escaped)."""
    match step.kind:
        case Kind.CHOICE | Kind.TEXT:
            return html.escape(plain_answer(draft, step, t))
        case Kind.PICK:
            return html.escape(picked_named(draft, step, t))
        case Kind.LINKS:
            shown = draft.links if all_links else draft.links[:MAX_LINKS_SHOWN]
            lines = [f"{i}. {link_line(draft, link)}" for i, link in enumerate(shown, 1)]
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
            return t("confirmed-at", at=local_time(confirmation.at, tz)) if confirmation else ""
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


def render_step(draft: Draft, step: Step, ctx: Context, t: Texts, *, brief: bool = False) -> Reply:
    """The step's question with its buttons; `brief`: only where the step stands and its
    buttons (after a link or file was accepted, so a phone screen is not refilled)."""
    if step.kind is Kind.REVIEW:
        return render_review(draft, t, tz=ZoneInfo(ctx.time_zone))
    args = catalog_args(draft, ctx)
    if brief and step.kind in (Kind.LINKS, Kind.FILES):
        return Reply(_saved_so_far(draft, step, t), tuple(_collection_rows(draft, step, ctx, t)))
    body = progress_header(step, t) + t(f"ask-{step.id}", **args)
    rows: list[tuple[Choice, ...]] = []
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
                label = ("✓ " if option.id == chosen else "") + t.plain(key, **args)
                rows.append((Choice(label, ButtonData(Verb.ANSWER, step.id, option.id).encode()),))
        case Kind.PICK:
            on = step.picked(draft)
            for option in step.options:
                mark = "✅ " if option.id in on else "⬜ "
                label = mark + t.plain(f"opt-{step.id}-{option.id}", **args)
                rows.append((Choice(label, ButtonData(Verb.ANSWER, step.id, option.id).encode()),))
            rows.append((button(t, "btn-done", Verb.DONE, step.id),))
        case Kind.LINKS | Kind.FILES:
            if answered:
                body += "\n\n" + _saved_so_far(draft, step, t)
            offers = reusable_documents(draft, step, ctx)
            if offers:
                body += "\n\n" + "\n".join(_reuse_offer_line(e, t) for e in offers)
            rows.extend(_collection_rows(draft, step, ctx, t))
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


def _saved_so_far(draft: Draft, step: Step, t: Texts) -> str:
    if step.kind is Kind.LINKS:
        saved = t("links-saved", count=len(draft.links))
        return saved + ("\n" + display_value(draft, step, t) if draft.links else "")
    return display_value(draft, step, t) + "\n" + t("files-send-more")


def _collection_rows(draft: Draft, step: Step, ctx: Context, t: Texts) -> list[tuple[Choice, ...]]:
    """Done and "remove one" once something is saved, then any reuse offer (never on top,
    where a mis-tap is likeliest)."""
    rows: list[tuple[Choice, ...]] = []
    if is_answered(draft, step):
        rows.append((button(t, "btn-done", Verb.DONE, step.id),))
        remove = "btn-remove-link" if step.kind is Kind.LINKS else "btn-remove-file"
        rows.append((button(t, remove, Verb.CLEAR, step.id, "?"),))
    rows.extend(
        (button(t, "btn-reuse", Verb.REUSE, step.id, e.case_number, number=e.case_number),)
        for e in reusable_documents(draft, step, ctx)
    )
    return rows


def _same_holder(a: str, b: str) -> bool:
    def norm(name: str) -> str:
        return " ".join("".join(c for c in name.casefold() if c.isalnum() or c.isspace()).split())

    return bool(a.strip()) and norm(a) == norm(b)


def reusable_documents(draft: Draft, step: Step, ctx: Context) -> list[EarlierDocuments]:
    """Documents of this section from earlier cases of the *same right holder* (and, for
    rights documents, the same right type) not attached yet: another client's certificate
    or power of attorney is never offered."""
    if step.kind is not Kind.FILES:
        return []
    have = {f.sha256 for f in draft.files}
    holder = draft.answers.get("rights_holder", "")
    right_type = draft.answers.get("right_type", "")
    return [
        e
        for e in ctx.earlier_documents
        if e.section == step.file_section
        and _same_holder(e.holder, holder)
        and (step.id != "rights_docs" or e.right_type == right_type)
        and not {f.sha256 for f in e.files} <= have
    ]


def _reuse_offer_line(earlier: EarlierDocuments, t: Texts) -> str:
    return t(
        "reuse-offer",
        number=earlier.case_number,
        holder=earlier.holder,
        names=", ".join(shown_name(f.name) for f in earlier.files),
        rejected="yes" if earlier.rejected else "no",
    )


def removal_picker(draft: Draft, step: Step, t: Texts) -> Reply:
    """The saved links or files, numbered, with a button to remove each one (and all)."""
    if step.kind is Kind.LINKS:
        items = [(link_key(link), link_line(draft, link)) for link in draft.links]
        all_key = "btn-remove-all-links"
    else:
        assert step.file_section is not None
        files = draft.files_in(step.file_section)
        items = [(file_key(f), html.escape(shown_name(f.name))) for f in files]
        all_key = "btn-remove-all-files"
    shown = items[:MAX_REMOVABLE]
    lines = [f"{i}. {label}" for i, (_, label) in enumerate(shown, 1)]
    buttons = [
        button(t, "btn-remove-number", Verb.CLEAR, step.id, key, number=i)
        for i, (key, _) in enumerate(shown, 1)
    ]
    rows = [
        tuple(buttons[i : i + REMOVE_BUTTONS_PER_ROW])
        for i in range(0, len(buttons), REMOVE_BUTTONS_PER_ROW)
    ]
    rows.append((button(t, all_key, Verb.CLEAR, step.id, "", count=len(items)),))
    rows.append((button(t, "btn-remove-none", Verb.ATTACH, step.id, ""),))
    return Reply(t("remove-which") + "\n" + "\n".join(lines), tuple(rows))


def confirmation_wording(step: Step, draft: Draft, ctx: Context, t: Texts) -> str:
    """The exact statement shown for a confirmation, as stored with it."""
    return t.plain(f"confirm-{step.id}", **catalog_args(draft, ctx))


def summary(
    draft: Draft,
    t: Texts,
    *,
    include_confirmations: bool = True,
    all_links: bool = False,
    tz: tzinfo = DISPLAY_TZ,
) -> str:
    """Every applicable answer, section by section (review screen, receipt, staff card)."""
    steps = reported_steps(draft)
    parts: list[str] = []
    for section in SECTIONS[1:]:
        section_steps = [s for s in steps if s.section == section]
        if section.id == "confirmations" and not include_confirmations:
            continue
        lines = [f"<b>{section.number}. {t('section-' + section.id)}</b>"]
        confirmed = [draft.confirmations.get(s.id) for s in section_steps if s.kind is Kind.CONFIRM]
        all_confirmed = bool(confirmed) and all(confirmed)
        for step in section_steps:
            if all_confirmed and step.kind is Kind.CONFIRM:
                continue  # all given: one line below, not one a statement (two phone screens)
            value = display_value(draft, step, t, all_links=all_links, tz=tz) or t("not-answered")
            label = t(f"label-{step.id}")
            separator = "\n" if step.kind is Kind.LINKS else " "
            lines.append(f"{label}:{separator}{value}")
        if all_confirmed:
            latest = max(c.at for c in confirmed if c is not None)
            lines.append(t("confirmed-all", count=len(confirmed), at=local_time(latest, tz)))
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def render_review(draft: Draft, t: Texts, *, tz: tzinfo = DISPLAY_TZ) -> Reply:
    missing = missing_steps(draft)
    text = t("review-title") + "\n\n" + summary(draft, t, tz=tz)
    if missing:
        names = "\n".join(f"• {t('label-' + s.id)}" for s in missing)
        text += "\n\n" + t("review-missing", count=len(missing)) + "\n" + names
    else:
        text += "\n\n" + t("review-ready")
    edit_buttons = [
        button(t, f"btn-edit-{section.id}", Verb.EDIT, "review", section.id)
        for section in SECTIONS[1:]
    ]
    rows = [tuple(edit_buttons[i : i + 2]) for i in range(0, len(edit_buttons), 2)]
    if not missing:
        rows.insert(0, (button(t, "btn-submit", Verb.SUBMIT, "review"),))
    return Reply(text, tuple(rows))


DEFAULT_ANSWER_DAYS = 10


def render_receipt(
    number: str,
    draft: Draft,
    t: Texts,
    *,
    days: int = DEFAULT_ANSWER_DAYS,
    tz: tzinfo = DISPLAY_TZ,
) -> Reply:
    """The claimant's receipt: the case number, when to expect an answer, and what was filed in
    a line (the right, the holder, how many listings and files; the review showed it all, and
    /case shows it again), so it fits one phone screen."""
    receipt = t("receipt", number=number, days=days)
    right = draft.answers.get("right_type")
    filed = t(
        "receipt-filed",
        right=t.plain(f"val-right_type-{right}") if right else t.plain("not-answered"),
        holder=draft.answers.get("rights_holder") or t.plain("not-answered"),
        listings=len(draft.links),
        files=t.plain("files-count", count=len(draft.files)),
    )
    return Reply(receipt + "\n\n" + filed)
