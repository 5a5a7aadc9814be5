"""The staff dossier as a PDF: everything about one case on A4 pages readable on a phone.

Rendered with fpdf2 and the bundled DejaVu Sans fonts (Cyrillic and Latin). User text is only
ever placed with ``multi_cell`` (never ``write_html`` or markdown), so it is rendered verbatim.

Sections, questions and labels come from the intake's declaration and its Fluent catalogs
(`pdf-*` messages for the dossier's own words), in English or Russian.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Callable, Iterable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, runtime_checkable

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from dialogs.filenames import shown_name
from dialogs.flow import SECTIONS
from dialogs.i18n import Texts, texts
from dialogs.model import Case, Draft, Lang
from dialogs.progress import reported_steps
from dialogs.render import picked_named, plain_answer
from dialogs.steps import Kind, Step

from .archive import plan_layout

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


_FONT_FAMILY = "DejaVu"
_FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}

# Sizes in points; A4 at 12 pt body text stays legible when a phone fits the page width.
_TITLE_PT = 20
_HEADING_PT = 15
_LABEL_PT = 10
_BODY_PT = 12
_LINE_MM = 6.2
_LABEL_LINE_MM = 5.0
_GREY = (90, 90, 90)
_BLACK = (0, 0, 0)
_LINK_BLUE = (20, 70, 170)
_ALERT_RED = (170, 20, 20)
_HEADING_FILL = (228, 233, 242)


def _clean(value: object) -> str:
    """User text made safe for the PDF text layer: no control characters, no lone surrogates."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    text = "".join(ch for ch in text if ch == "\n" or ch.isprintable() or ch == " ")
    return text.encode("utf-8", errors="replace").decode("utf-8")


def _iso_utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _human_size(size: int, unit: str) -> str:
    value = float(size)
    for suffix in ("KiB", "MiB", "GiB"):
        value /= 1024
        if value < 1024:
            return f"{size:,} {unit} ({value:.1f} {suffix})".replace(",", " ")
    return f"{size:,} {unit}".replace(",", " ")


def _audit_field(row: Any, name: str) -> Any:
    if isinstance(row, Mapping):
        return row.get(name)
    return getattr(row, name, None)


def _is_web_link(url: str) -> bool:
    lowered = url.strip().lower()
    return lowered.startswith(("https://", "http://"))


class _DossierPDF(FPDF):
    def __init__(self, case_number: str, page_word: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self._case_number = case_number
        self._page_word = page_word

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(_FONT_FAMILY, "", 9)
        self.set_text_color(*_GREY)
        page = f"{self._page_word} {self.page_no()}/{{nb}}"
        self.cell(0, 5, _clean(f"{self._case_number} · {page}"), align="C")
        self.set_text_color(*_BLACK)


class _Writer:
    """Small layout helpers on top of fpdf2 so the document code reads top to bottom."""

    def __init__(self, pdf: _DossierPDF, missing: str) -> None:
        self.pdf = pdf
        self.missing = missing  # what an absent value reads as

    def keep(self, height: float) -> None:
        """Start a new page unless ``height`` mm still fit, to keep a block together."""
        self._ensure_room(height)

    def _ensure_room(self, height: float) -> None:
        if self.pdf.get_y() + height > self.pdf.page_break_trigger:
            self.pdf.add_page()

    def title(self, text: str) -> None:
        self.pdf.set_font(_FONT_FAMILY, "B", _TITLE_PT)
        self.pdf.multi_cell(0, 9, _clean(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(2)

    def heading(self, text: str) -> None:
        self._ensure_room(32)  # keep a heading together with the start of its content
        self.pdf.ln(4)
        self.pdf.set_font(_FONT_FAMILY, "B", _HEADING_PT)
        self.pdf.set_fill_color(*_HEADING_FILL)
        self.pdf.multi_cell(
            0, 8, _clean(text), align="L", fill=True, padding=(1, 2), new_x=XPos.LMARGIN
        )
        self.pdf.ln(2)

    def subheading(self, text: str) -> None:
        self._ensure_room(20)
        self.pdf.ln(1)
        self.pdf.set_font(_FONT_FAMILY, "B", _BODY_PT)
        self.pdf.multi_cell(0, _LINE_MM, _clean(text), align="L", new_x=XPos.LMARGIN)

    def text(
        self,
        text: str,
        *,
        bold: bool = False,
        color: tuple[int, int, int] = _BLACK,
        link: str | None = None,
        size: float = _BODY_PT,
    ) -> None:
        self.pdf.set_font(_FONT_FAMILY, "B" if bold else "", size)
        self.pdf.set_text_color(*color)
        self.pdf.multi_cell(
            0,
            _LINE_MM,
            _clean(text),
            align="L",
            link=link,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.pdf.set_text_color(*_BLACK)

    def field(self, label: str, value: object | None, *, alert_if_missing: bool = False) -> None:
        """A label on its own line in small grey, the value below it in body size."""
        self._ensure_room(_LABEL_LINE_MM + _LINE_MM)
        self.pdf.set_font(_FONT_FAMILY, "", _LABEL_PT)
        self.pdf.set_text_color(*_GREY)
        self.pdf.multi_cell(0, _LABEL_LINE_MM, _clean(label), align="L", new_x=XPos.LMARGIN)
        if value is None or (isinstance(value, str) and not value.strip()):
            self.text(
                self.missing,
                color=_ALERT_RED if alert_if_missing else _GREY,
            )
        else:
            self.text(str(value))
        self.pdf.ln(1.5)

    def gap(self, mm: float = 2) -> None:
        self.pdf.ln(mm)


def _load_fonts(pdf: FPDF, stack: ExitStack) -> None:
    fonts_dir = importlib.resources.files("bot.dossier.fonts")
    for style, filename in _FONT_FILES.items():
        path = stack.enter_context(importlib.resources.as_file(fonts_dir.joinpath(filename)))
        pdf.add_font(_FONT_FAMILY, style, str(path))


def build_dossier_pdf(
    case: Case,
    *,
    audit: Iterable[AuditRow] = (),
    lang: Lang = "en",
    generated_at: datetime | None = None,
) -> bytes:
    """Render the staff dossier for ``case`` and return the PDF bytes.

    The sections, their order and every label come from the intake's own declaration
    (`dialogs.flow`) and catalogs, so the dossier holds exactly what the claimant was asked.
    ``audit`` rows (anything with ``actor_name``, ``action``, ``at`` and optional ``detail``,
    or mappings with those keys) are listed in an audit-trail section when given.
    ``generated_at`` defaults to now; pass it for reproducible output.
    """
    t = texts(lang)

    def label(key: str, **args: object) -> str:
        return t.plain(f"pdf-{key}", **args)

    generated = generated_at or datetime.now(UTC)
    draft = case.draft
    pdf = _DossierPDF(case.number, label("page"))
    with ExitStack() as stack:
        _load_fonts(pdf, stack)
        pdf.set_title(_clean(label("title", number=case.number)))
        pdf.set_subject(_clean(case.number))
        pdf.set_creator("ip-intake-bot")
        pdf.set_lang(lang)
        pdf.set_creation_date(generated if generated.tzinfo else generated.replace(tzinfo=UTC))
        pdf.set_margins(left=15, top=15, right=15)
        pdf.set_auto_page_break(auto=True, margin=18)
        pdf.add_page()
        w = _Writer(pdf, label("not-provided"))

        # Overview
        w.title(label("title", number=case.number))
        w.field(label("case-number"), case.number)
        w.field(label("status"), t.plain(f"status-{case.status.value}"))
        w.field(label("submitted"), _iso_utc(case.submitted_at))
        w.field(label("generated"), _iso_utc(generated))
        if case.assignee_name or case.assignee_id is not None:
            assignee = case.assignee_name or ""
            if case.assignee_id is not None:
                assignee = f"{assignee} (ID {case.assignee_id})".strip()
            w.field(label("assignee"), assignee)
        w.field(label("claimant-lang"), t.plain(f"lang-{case.lang}"))
        w.field(label("telegram-user"), str(case.user_id))
        if case.chat_id != case.user_id:
            w.field(label("telegram-chat"), str(case.chat_id))

        # Every section of the intake, as asked
        steps = reported_steps(draft)  # the offices beside the numbers, not twice
        for section in SECTIONS:
            w.heading(f"{section.number}. {t.plain(f'section-{section.id}')}")
            for step in (s for s in steps if s.section == section):
                _answer(w, draft, step, t, label)

        # Files
        layout = plan_layout(case)
        w.heading(label("files", count=len(layout)))
        if not layout:
            w.text(label("no-files"), color=_ALERT_RED)
        for index, planned in enumerate(layout, start=1):
            stored = planned.file
            w.keep(75)  # the whole file entry on one page
            w.subheading(f"{index}. {shown_name(stored.name) or '—'}")
            w.field(label("file-section"), t.plain(f"file-section-{stored.section.value}"))
            w.field(label("file-type"), stored.mime)
            w.field(label("file-size"), _human_size(stored.size, label("bytes")))
            w.field(label("file-sha256"), stored.sha256)
            w.field(label("file-path"), planned.path)

        # Audit trail
        rows = list(audit)
        if rows:
            w.heading(label("audit"))
            for row in rows:
                at = _audit_field(row, "at")
                when = _iso_utc(at) if isinstance(at, datetime) else str(at or "")
                action = str(_audit_field(row, "action") or "")
                w.subheading(f"{when} · {action}".strip(" ·"))
                w.field(label("audit-who"), _audit_field(row, "actor_name"))
                detail = _audit_field(row, "detail")
                if detail:
                    w.field(label("audit-detail"), detail)

        return bytes(pdf.output())


def _answer(w: _Writer, draft: Draft, step: Step, t: Texts, label: Callable[..., str]) -> None:
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
                w.text(label("no-links"), color=_ALERT_RED)
            for index, url in enumerate(draft.links, start=1):
                is_web = _is_web_link(url)
                w.text(
                    f"{index}. {url}",
                    color=_LINK_BLUE if is_web else _BLACK,
                    link=url.strip() if is_web else None,
                )
                if url in draft.link_sources:  # pasted as a short link: staff see both
                    w.text(f"    ← {draft.link_sources[url]}")
            w.gap(1.5)
        case Kind.FILES:
            assert step.file_section is not None
            names = [shown_name(f.name) for f in draft.files_in(step.file_section)]
            w.field(title, ", ".join(names) or None, alert_if_missing=required)
        case Kind.CONFIRM:
            w.keep(45)
            w.subheading(title)
            confirmation = draft.confirmations.get(step.id)
            if confirmation is None:
                w.text(label("not-recorded"), bold=True, color=_ALERT_RED)
                w.gap()
                return
            w.field(label("confirmation-text"), confirmation.text)
            w.field(label("confirmation-at"), _iso_utc(confirmation.at))
            w.field(label("confirmation-lang"), t.plain(f"lang-{confirmation.lang}"))
