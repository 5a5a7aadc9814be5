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
from datetime import UTC, datetime, tzinfo
from typing import Any, Protocol, runtime_checkable

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from dialogs.filenames import shown_name
from dialogs.flow import SECTIONS
from dialogs.i18n import Texts, texts
from dialogs.model import Case, Draft, Lang
from dialogs.progress import reported_steps
from dialogs.render import DISPLAY_TZ, local_time, picked_named, plain_answer
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
_TITLE_PT = 17
_HEADING_PT = 13
_LABEL_PT = 9
_BODY_PT = 10.5
_LINE_MM = 5.2
_LABEL_LINE_MM = 4.6
_LABEL_COLUMN_MM = 52  # a field's label on the left, its value beside it
_TABLE_PT = 8.5
_TABLE_LINE_MM = 4.2
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


def shown_time(moment: datetime, tz: tzinfo) -> str:
    """A stored time as claimants see theirs (``2024-05-17 12:30 MSK``); naive means UTC."""
    return local_time(moment if moment.tzinfo else moment.replace(tzinfo=UTC), tz)


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
    """Small layout helpers on top of fpdf2 so the document code reads top to bottom.

    A heading is drawn only together with the block that follows it (it waits until then), so
    no page ends with a heading whose content starts on the next page."""

    def __init__(self, pdf: _DossierPDF, missing: str) -> None:
        self.pdf = pdf
        self.missing = missing  # what an absent value reads as
        self._pending: list[tuple[str, float, Callable[[], None]]] = []

    def _height(self, width: float, line: float, text: str, style: str, size: float) -> float:
        self.pdf.set_font(_FONT_FAMILY, style, size)
        lines = self.pdf.multi_cell(width, line, _clean(text), dry_run=True, output="LINES")
        assert isinstance(lines, list)
        return len(lines) * line

    def _block(self, height: float, draw: Callable[[], None]) -> None:
        """Draw ``draw`` (``height`` mm) after any waiting headings, all on one page if they
        fit on one."""
        waiting = sum(h for _, h, _ in self._pending)
        if self.pdf.get_y() + waiting + height > self.pdf.page_break_trigger:
            self.pdf.add_page()
        pending, self._pending = self._pending, []
        for _, _, draw_heading in pending:
            draw_heading()
        draw()

    def keep(self, height: float) -> None:
        """Start a new page unless ``height`` mm (and any waiting heading) still fit."""
        self._block(height, lambda: None)

    def title(self, text: str) -> None:
        self.pdf.set_font(_FONT_FAMILY, "B", _TITLE_PT)
        self.pdf.multi_cell(0, 8, _clean(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(1)

    def heading(self, text: str) -> None:
        height = self._height(0, 7, text, "B", _HEADING_PT) + 4

        def draw() -> None:
            self.pdf.ln(2)
            self.pdf.set_font(_FONT_FAMILY, "B", _HEADING_PT)
            self.pdf.set_fill_color(*_HEADING_FILL)
            self.pdf.multi_cell(
                0, 7, _clean(text), align="L", fill=True, padding=(1, 2), new_x=XPos.LMARGIN
            )
            self.pdf.ln(1)

        self._pending.append((text, height, draw))

    def subheading(self, text: str) -> None:
        height = self._height(0, _LINE_MM, text, "B", _BODY_PT) + 1

        def draw() -> None:
            self.pdf.ln(1)
            self.pdf.set_font(_FONT_FAMILY, "B", _BODY_PT)
            self.pdf.multi_cell(0, _LINE_MM, _clean(text), align="L", new_x=XPos.LMARGIN)

        self._pending.append((text, height, draw))

    def text(
        self,
        text: str,
        *,
        bold: bool = False,
        color: tuple[int, int, int] = _BLACK,
        link: str | None = None,
        size: float = _BODY_PT,
    ) -> None:
        line = _LINE_MM * size / _BODY_PT
        height = self._height(0, line, text, "B" if bold else "", size)

        def draw() -> None:
            self.pdf.set_font(_FONT_FAMILY, "B" if bold else "", size)
            self.pdf.set_text_color(*color)
            self.pdf.multi_cell(
                0, line, _clean(text), align="L", link=link, new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
            self.pdf.set_text_color(*_BLACK)

        self._block(height, draw)

    def field(self, label: str, value: object | None, *, alert_if_missing: bool = False) -> None:
        """A label in small grey in the left column, the value beside it in body size."""
        missing = value is None or (isinstance(value, str) and not value.strip())
        shown = self.missing if missing else str(value)
        color = (_ALERT_RED if alert_if_missing else _GREY) if missing else _BLACK
        value_width = self.pdf.epw - _LABEL_COLUMN_MM
        label_height = self._height(_LABEL_COLUMN_MM - 2, _LABEL_LINE_MM, label, "", _LABEL_PT)
        value_height = self._height(value_width, _LINE_MM, shown, "", _BODY_PT)
        height = max(label_height, value_height) + 0.8

        def draw() -> None:
            top, page = self.pdf.get_y(), self.pdf.page
            self.pdf.set_font(_FONT_FAMILY, "", _LABEL_PT)
            self.pdf.set_text_color(*_GREY)
            self.pdf.set_xy(self.pdf.l_margin, top + 0.6)
            self.pdf.multi_cell(_LABEL_COLUMN_MM - 2, _LABEL_LINE_MM, _clean(label), align="L")
            self.pdf.set_xy(self.pdf.l_margin + _LABEL_COLUMN_MM, top)
            self.pdf.set_font(_FONT_FAMILY, "", _BODY_PT)
            self.pdf.set_text_color(*color)
            self.pdf.multi_cell(value_width, _LINE_MM, _clean(shown), align="L")
            self.pdf.set_text_color(*_BLACK)
            # A value longer than a page ran onto the next one: go on below where it ended.
            below = top + height if self.pdf.page == page else self.pdf.get_y() + 0.8
            self.pdf.set_xy(self.pdf.l_margin, below)

        self._block(height, draw)

    def table(
        self, headings: tuple[str, ...], widths: tuple[int, ...], rows: list[list[str]]
    ) -> None:
        """A table in small type, its heading row repeated on each page it runs onto."""

        def draw() -> None:
            self.pdf.set_font(_FONT_FAMILY, "", _TABLE_PT)
            with self.pdf.table(
                col_widths=widths,
                width=self.pdf.epw,
                text_align="LEFT",
                v_align="TOP",
                line_height=_TABLE_LINE_MM,
                padding=(0.6, 1),
                headings_style=FontFace(emphasis="BOLD", fill_color=_HEADING_FILL),
                repeat_headings=1,
            ) as table:
                for cells in [list(headings), *rows]:
                    row = table.row()
                    for cell in cells:
                        row.cell(_clean(cell))
            self.pdf.ln(1)

        first = rows[0] if rows else list(headings)
        share = [w / sum(widths) * self.pdf.epw - 2 for w in widths]
        tallest = max(
            self._height(width, _TABLE_LINE_MM, cell, "", _TABLE_PT)
            for width, cell in zip(share, first, strict=False)
        )
        self._block(2 * _TABLE_LINE_MM + tallest + 3, draw)

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
    pdf = _DossierPDF(case.number, label("page"))
    with ExitStack() as stack:
        _load_fonts(pdf, stack)
        pdf.set_title(_clean(label("title", number=case.number)))
        pdf.set_subject(_clean(case.number))
        pdf.set_creator("ip-intake-bot")
        pdf.set_lang(lang)
        pdf.set_creation_date(generated if generated.tzinfo else generated.replace(tzinfo=UTC))
        pdf.set_margins(left=15, top=13, right=15)
        pdf.set_auto_page_break(auto=True, margin=16)
        pdf.add_page()
        w = _Writer(pdf, label("not-provided"))

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
            w.text(label("no-files"), color=_ALERT_RED)
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
    w: _Writer, draft: Draft, step: Step, t: Texts, label: Callable[..., str], tz: tzinfo
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
                w.text(label("no-links"), color=_ALERT_RED)
            for index, url in enumerate(draft.links, start=1):
                is_web = _is_web_link(url)
                w.text(
                    f"{index}. {url}",
                    color=_LINK_BLUE if is_web else _BLACK,
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
                w.text(label("not-recorded"), bold=True, color=_ALERT_RED)
                w.gap()
                return
            w.text(confirmation.text, size=9.5)
            at = label(
                "confirmed",
                at=shown_time(confirmation.at, tz),
                lang=t.plain(f"lang-{confirmation.lang}"),
            )
            w.text(at, color=_GREY, size=9)
