"""The page and layout machinery of the staff dossier and the seller's notice: A4 pages with the
case number in the footer, the bundled DejaVu Sans fonts (Cyrillic and Latin), and a writer of
titles, headings, fields, text and tables that keeps a heading with the block after it.

User text is only ever placed with ``multi_cell`` (never ``write_html`` or markdown), so it is
rendered verbatim.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime, tzinfo

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from dialogs.render import local_time

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
GREY = (90, 90, 90)
BLACK = (0, 0, 0)
LINK_BLUE = (20, 70, 170)
ALERT_RED = (170, 20, 20)
_HEADING_FILL = (228, 233, 242)


def clean(value: object) -> str:
    """User text made safe for the PDF text layer: no control characters, no lone surrogates."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    text = "".join(ch for ch in text if ch == "\n" or ch.isprintable() or ch == " ")
    return text.encode("utf-8", errors="replace").decode("utf-8")


def shown_time(moment: datetime, tz: tzinfo) -> str:
    """A stored time as claimants see theirs (``2024-05-17 12:30 MSK``); naive means UTC."""
    return local_time(moment if moment.tzinfo else moment.replace(tzinfo=UTC), tz)


def is_web_link(url: str) -> bool:
    lowered = url.strip().lower()
    return lowered.startswith(("https://", "http://"))


class DossierPDF(FPDF):
    def __init__(self, case_number: str, page_word: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self._case_number = case_number
        self._page_word = page_word

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(_FONT_FAMILY, "", 9)
        self.set_text_color(*GREY)
        page = f"{self._page_word} {self.page_no()}/{{nb}}"
        self.cell(0, 5, clean(f"{self._case_number} · {page}"), align="C")
        self.set_text_color(*BLACK)


class Writer:
    """Small layout helpers on top of fpdf2 so the document code reads top to bottom.

    A heading is drawn only together with the block that follows it (it waits until then), so
    no page ends with a heading whose content starts on the next page."""

    def __init__(self, pdf: DossierPDF, missing: str) -> None:
        self.pdf = pdf
        self.missing = missing  # what an absent value reads as
        self._pending: list[tuple[str, float, Callable[[], None]]] = []

    def _height(self, width: float, line: float, text: str, style: str, size: float) -> float:
        self.pdf.set_font(_FONT_FAMILY, style, size)
        lines = self.pdf.multi_cell(width, line, clean(text), dry_run=True, output="LINES")
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
        self.pdf.multi_cell(0, 8, clean(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(1)

    def heading(self, text: str) -> None:
        height = self._height(0, 7, text, "B", _HEADING_PT) + 4

        def draw() -> None:
            self.pdf.ln(2)
            self.pdf.set_font(_FONT_FAMILY, "B", _HEADING_PT)
            self.pdf.set_fill_color(*_HEADING_FILL)
            self.pdf.multi_cell(
                0, 7, clean(text), align="L", fill=True, padding=(1, 2), new_x=XPos.LMARGIN
            )
            self.pdf.ln(1)

        self._pending.append((text, height, draw))

    def subheading(self, text: str) -> None:
        height = self._height(0, _LINE_MM, text, "B", _BODY_PT) + 1

        def draw() -> None:
            self.pdf.ln(1)
            self.pdf.set_font(_FONT_FAMILY, "B", _BODY_PT)
            self.pdf.multi_cell(0, _LINE_MM, clean(text), align="L", new_x=XPos.LMARGIN)

        self._pending.append((text, height, draw))

    def text(
        self,
        text: str,
        *,
        bold: bool = False,
        color: tuple[int, int, int] = BLACK,
        link: str | None = None,
        size: float = _BODY_PT,
    ) -> None:
        line = _LINE_MM * size / _BODY_PT
        height = self._height(0, line, text, "B" if bold else "", size)

        def draw() -> None:
            self.pdf.set_font(_FONT_FAMILY, "B" if bold else "", size)
            self.pdf.set_text_color(*color)
            self.pdf.multi_cell(
                0, line, clean(text), align="L", link=link, new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
            self.pdf.set_text_color(*BLACK)

        self._block(height, draw)

    def field(self, label: str, value: object | None, *, alert_if_missing: bool = False) -> None:
        """A label in small grey in the left column, the value beside it in body size."""
        missing = value is None or (isinstance(value, str) and not value.strip())
        shown = self.missing if missing else str(value)
        color = (ALERT_RED if alert_if_missing else GREY) if missing else BLACK
        value_width = self.pdf.epw - _LABEL_COLUMN_MM
        label_height = self._height(_LABEL_COLUMN_MM - 2, _LABEL_LINE_MM, label, "", _LABEL_PT)
        value_height = self._height(value_width, _LINE_MM, shown, "", _BODY_PT)
        height = max(label_height, value_height) + 0.8

        def draw() -> None:
            top, page = self.pdf.get_y(), self.pdf.page
            self.pdf.set_font(_FONT_FAMILY, "", _LABEL_PT)
            self.pdf.set_text_color(*GREY)
            self.pdf.set_xy(self.pdf.l_margin, top + 0.6)
            self.pdf.multi_cell(_LABEL_COLUMN_MM - 2, _LABEL_LINE_MM, clean(label), align="L")
            self.pdf.set_xy(self.pdf.l_margin + _LABEL_COLUMN_MM, top)
            self.pdf.set_font(_FONT_FAMILY, "", _BODY_PT)
            self.pdf.set_text_color(*color)
            self.pdf.multi_cell(value_width, _LINE_MM, clean(shown), align="L")
            self.pdf.set_text_color(*BLACK)
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
                        row.cell(clean(cell))
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


def load_fonts(pdf: FPDF, stack: ExitStack) -> None:
    fonts_dir = importlib.resources.files("bot.dossier.fonts")
    for style, filename in _FONT_FILES.items():
        path = stack.enter_context(importlib.resources.as_file(fonts_dir.joinpath(filename)))
        pdf.add_font(_FONT_FAMILY, style, str(path))
