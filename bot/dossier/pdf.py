"""The staff dossier as a PDF: everything about one case on A4 pages readable on a phone.

Rendered with fpdf2 through the layout helpers of `bot.dossier.layout` (fonts, page, fields,
tables). Sections, questions and labels come from the intake's declaration and its Fluent
catalogs (`pdf-*` messages for the dossier's own words), in English or Russian.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any, Protocol, runtime_checkable

from dialogs.filenames import shown_name
from dialogs.flow import SECTIONS
from dialogs.i18n import Texts, texts
from dialogs.model import Case, Draft, Lang
from dialogs.progress import reported_steps
from dialogs.render import DISPLAY_TZ, picked_named, plain_answer
from dialogs.steps import Kind, Step

from .archive import plan_layout
from .layout import (
    ALERT_RED,
    BLACK,
    GREY,
    LINK_BLUE,
    DossierPDF,
    Writer,
    clean,
    is_web_link,
    load_fonts,
    shown_time,
)

__all__ = ["AuditEntry", "AuditRow", "build_dossier_pdf"]


@runtime_checkable
class AuditRow(Protocol):
    """One line of the audit trail: who did what, when. ``detail`` may be empty."""

    @property
    def actor_name(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def at(self) -> datetime: ...
    @property
    def detail(self) -> str | None: ...


@dataclass(frozen=True)
class AuditEntry:
    """A plain :class:`AuditRow` for callers that have no row type of their own."""

    actor_name: str
    action: str
    at: datetime
    detail: str | None = None


def readable_detail(detail: Mapping[str, Any]) -> str:
    """An audit entry's detail as a line people read (``reason: no_authority; note: …``),
    not JSON; the update key that made it idempotent is no reader's business."""
    parts = []
    for key, value in sorted(detail.items()):
        if key == "key" or value in (None, "", [], {}):
            continue
        if isinstance(value, list | tuple):
            value = ", ".join(
                f"({readable_detail(v)})" if isinstance(v, Mapping) else str(v) for v in value
            )
        elif isinstance(value, Mapping):
            value = f"({readable_detail(value)})"
        parts.append(f"{key.replace('_', ' ')}: {value}")
    return "; ".join(parts)


def _human_size(size: int) -> str:
    value = float(size)
    for suffix in ("KiB", "MiB", "GiB"):
        value /= 1024
        if value < 1024:
            return f"{value:.1f} {suffix}"
    return f"{value:.1f} TiB"


def _audit_field(row: Any, name: str) -> Any:
    if isinstance(row, Mapping):
        return row.get(name)
    return getattr(row, name, None)


def build_dossier_pdf(
    case: Case,
    *,
    audit: Iterable[AuditRow] = (),
    lang: Lang = "en",
    generated_at: datetime | None = None,
    tz: tzinfo = DISPLAY_TZ,
) -> bytes:
    """Render the staff dossier for ``case`` and return the PDF bytes.

    The sections, their order and every label come from the intake's own declaration
    (`dialogs.flow`) and catalogs, so the dossier holds exactly what the claimant was asked.
    ``audit`` rows (anything with ``actor_name``, ``action``, ``at`` and optional ``detail``,
    or mappings with those keys) are listed in an audit-trail table when given. Times are
    shown in ``tz`` (the TIME_ZONE claimants see theirs in). ``generated_at`` defaults to now;
    pass it for reproducible output.
    """
    t = texts(lang)

    def label(key: str, **args: object) -> str:
        return t.plain(f"pdf-{key}", **args)

    generated = generated_at or datetime.now(UTC)
    draft = case.draft
    pdf = DossierPDF(case.number, label("page"))
    with ExitStack() as stack:
        load_fonts(pdf, stack)
        pdf.set_title(clean(label("title", number=case.number)))
        pdf.set_subject(clean(case.number))
        pdf.set_creator("ip-intake-bot")
        pdf.set_lang(lang)
        pdf.set_creation_date(generated if generated.tzinfo else generated.replace(tzinfo=UTC))
        pdf.set_margins(left=15, top=13, right=15)
        pdf.set_auto_page_break(auto=True, margin=16)
        pdf.add_page()
        w = Writer(pdf, label("not-provided"))

        # Overview
        w.title(label("title", number=case.number))
        w.field(label("status"), t.plain(f"status-{case.status.value}"))
        w.field(label("submitted"), shown_time(case.submitted_at, tz))
        w.field(label("generated"), shown_time(generated, tz))
        if case.assignee_name or case.assignee_id is not None:
            assignee = case.assignee_name or ""
            if case.assignee_id is not None:
                assignee = f"{assignee} (ID {case.assignee_id})".strip()
            w.field(label("assignee"), assignee)
        telegram = str(case.user_id)
        if case.chat_id != case.user_id:
            telegram += f" · {label('telegram-chat')} {case.chat_id}"
        w.field(label("telegram-user"), telegram)
        w.field(label("claimant-lang"), t.plain(f"lang-{case.lang}"))

        # Every section of the intake, as asked, in the third person
        steps = reported_steps(draft)  # the offices beside the numbers, not twice
        for section in SECTIONS:
            w.heading(f"{section.number}. {_section_title(t, section.id)}")
            for step in (s for s in steps if s.section == section):
                _answer(w, draft, step, t, label, tz)

        # Files: one table row each
        layout = plan_layout(case)
        w.heading(label("files", count=len(layout)))
        if not layout:
            w.text(label("no-files"), color=ALERT_RED)
        else:
            rows = []
            for index, planned in enumerate(layout, start=1):
                stored = planned.file
                name = shown_name(stored.name) or "—"
                if stored.from_case:
                    name += f" ({label('file-from', number=stored.from_case)})"
                kind = f"{stored.mime} · {_human_size(stored.size)}"
                rows.append(
                    [
                        str(index),
                        f"{name}\n{planned.path}",
                        f"{t.plain(f'file-section-{stored.section.value}')}\n{kind}",
                        stored.sha256,
                    ]
                )
            headings = ("#", label("file-name"), label("file-kind"), label("file-sha256"))
            w.table(headings, (4, 36, 24, 36), rows)

        # Audit trail: who did what, when
        trail = list(audit)
        if trail:
            w.heading(label("audit"))
            rows = []
            for row in trail:
                at = _audit_field(row, "at")
                when = shown_time(at, tz) if isinstance(at, datetime) else str(at or "")
                action = str(_audit_field(row, "action") or "").replace("_", " ")
                detail = _audit_field(row, "detail")
                if isinstance(detail, Mapping):
                    detail = readable_detail(detail)
                who = str(_audit_field(row, "actor_name") or "—")
                rows.append([when, who, action, detail or ""])
            columns = tuple(label(f"audit-{c}") for c in ("when", "who", "what", "detail"))
            w.table(columns, (24, 22, 20, 34), rows)

        return bytes(pdf.output())


def _section_title(t: Texts, section_id: str) -> str:
    """The section as staff read it: "Documents of the rights", not the claimant's "your"."""
    staff_key = f"pdf-section-{section_id}"
    return t.plain(staff_key) if t.has(staff_key) else t.plain(f"section-{section_id}")


def _answer(
    w: Writer, draft: Draft, step: Step, t: Texts, label: Callable[..., str], tz: tzinfo
) -> None:
    """One question's answer; a required one that is missing shows in red."""
    title = t.plain(f"label-{step.id}")
    required = not step.optional
    match step.kind:
        case Kind.CHOICE | Kind.TEXT:
            w.field(title, plain_answer(draft, step, t), alert_if_missing=required)
        case Kind.PICK:
            w.field(title, picked_named(draft, step, t))
        case Kind.LINKS:
            w.subheading(f"{title} ({len(draft.links)})")
            if not draft.links:
                w.text(label("no-links"), color=ALERT_RED)
            for index, url in enumerate(draft.links, start=1):
                is_web = is_web_link(url)
                w.text(
                    f"{index}. {url}",
                    color=LINK_BLUE if is_web else BLACK,
                    link=url.strip() if is_web else None,
                )
                if url in draft.link_sources:  # as pasted (short link, app link): staff see both
                    w.text(f"    ← {label('link-pasted')}: {draft.link_sources[url]}", size=9)
            w.gap(1)
        case Kind.FILES:
            assert step.file_section is not None
            names = [
                shown_name(f.name)
                + (f" ({label('file-from', number=f.from_case)})" if f.from_case else "")
                for f in draft.files_in(step.file_section)
            ]
            w.field(title, ", ".join(names) or None, alert_if_missing=required)
        case Kind.CONFIRM:
            w.subheading(title)
            confirmation = draft.confirmations.get(step.id)
            if confirmation is None:
                w.text(label("not-recorded"), bold=True, color=ALERT_RED)
                w.gap()
                return
            w.text(confirmation.text, size=9.5)
            at = label(
                "confirmed",
                at=shown_time(confirmation.at, tz),
                lang=t.plain(f"lang-{confirmation.lang}"),
            )
            w.text(at, color=GREY, size=9)
