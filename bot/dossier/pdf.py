"""The staff dossier as a PDF: everything about one case on A4 pages readable on a phone.

Rendered with fpdf2 and the bundled DejaVu Sans fonts (Cyrillic and Latin). User text is only
ever placed with ``multi_cell`` (never ``write_html`` or markdown), so it is rendered verbatim.

Labels come from the small built-in :data:`LABELS` table (English and Russian).
TODO: move these labels into the project's Fluent catalogs once the staff side has them.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Iterable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, runtime_checkable

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from dialogs.model import Case

from .archive import plan_layout

__all__ = [
    "LABELS",
    "AuditEntry",
    "AuditRow",
    "DossierLabels",
    "build_dossier_pdf",
    "labels_for",
]

DossierLabels = Mapping[str, str]
"""Label key -> text. Keys missing from a mapping fall back to the built-in English text."""


@runtime_checkable
class AuditRow(Protocol):
    """One line of the audit trail: who did what, when. ``detail`` may be empty."""

    actor_name: str
    action: str
    at: datetime
    detail: str | None


@dataclass(frozen=True)
class AuditEntry:
    """A plain :class:`AuditRow` for callers that have no row type of their own."""

    actor_name: str
    action: str
    at: datetime
    detail: str | None = None


LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "IP complaint dossier",
        "case_number": "Case number",
        "status": "Status",
        "submitted_at": "Submitted (UTC)",
        "generated_at": "Generated (UTC)",
        "assignee": "Assignee",
        "claimant_lang": "Claimant's language",
        "sec_claimant": "Claimant and contacts",
        "contact_name": "Name",
        "contact_org": "Organisation",
        "contact_email": "Email",
        "contact_phone": "Phone",
        "telegram_user_id": "Telegram user ID",
        "telegram_chat_id": "Telegram chat ID",
        "role": "Role",
        "sec_rights": "Rights cited",
        "right_type": "Right type",
        "patent_kind": "Patent kind",
        "rights_number": "Registration / document number",
        "rights_jurisdiction": "Jurisdiction",
        "rights_holder": "Rights holder",
        "work_description": "Description of the work / object",
        "sec_infringement": "Infringement",
        "infringement_description": "Description of the infringement",
        "claim_subject": "Subject of the claim",
        "evidence_note": "Evidence note",
        "sec_links": "Listing links",
        "sec_confirmations": "Confirmations",
        "confirmation_text": "Exact wording shown",
        "confirmation_at": "Confirmed at (UTC)",
        "confirmation_lang": "Language",
        "not_recorded": "NOT RECORDED",
        "sec_files": "Files",
        "file_section": "Section",
        "file_type": "Type",
        "file_size": "Size",
        "file_sha256": "SHA-256",
        "file_path": "In the archive",
        "bytes": "bytes",
        "sec_screening": "Screening answers",
        "screen_listing": "Listing check",
        "screen_matter": "Matter check",
        "sec_other": "Other answers",
        "sec_audit": "Audit trail",
        "audit_who": "By",
        "audit_detail": "Detail",
        "not_provided": "not provided",
        "none_links": "No listing links.",
        "none_files": "No files.",
        "none_audit": "No actions recorded.",
        "page": "Page",
        "role.holder": "Rights holder",
        "role.representative": "Representative of the rights holder",
        "right.trademark": "Trademark",
        "right.patent": "Patent",
        "right.copyright": "Copyright and other",
        "patent.invention": "Invention",
        "patent.industrial_design": "Industrial design",
        "patent.utility_model": "Utility model",
        "status.submitted": "Submitted",
        "status.in_review": "In review",
        "status.info_requested": "Information requested",
        "status.accepted": "Accepted",
        "status.rejected": "Rejected",
        "status.forwarded": "Forwarded to the seller",
        "section.evidence": "Evidence",
        "section.rights_docs": "Documents evidencing rights",
        "section.authority_docs": "Documents evidencing authority",
        "conf.disclosure": "Acknowledged: request may go to the seller, data may be disclosed",
        "conf.data_processing": "Consent to data processing and the privacy policy",
        "conf.third_party_consents": "Relevant third-party consents obtained",
        "conf.authorised": "Authorised by the rights holder",
        "lang.en": "English",
        "lang.ru": "Russian",
    },
    "ru": {
        "title": "Досье жалобы на нарушение ИС",
        "case_number": "Номер обращения",
        "status": "Статус",
        "submitted_at": "Подано (UTC)",
        "generated_at": "Сформировано (UTC)",
        "assignee": "Ответственный",
        "claimant_lang": "Язык заявителя",
        "sec_claimant": "Заявитель и контакты",
        "contact_name": "Имя",
        "contact_org": "Организация",
        "contact_email": "Эл. почта",
        "contact_phone": "Телефон",
        "telegram_user_id": "ID пользователя Telegram",
        "telegram_chat_id": "ID чата Telegram",
        "role": "Роль",
        "sec_rights": "Заявленные права",
        "right_type": "Вид права",
        "patent_kind": "Вид патента",
        "rights_number": "Номер регистрации / документа",
        "rights_jurisdiction": "Юрисдикция",
        "rights_holder": "Правообладатель",
        "work_description": "Описание произведения / объекта",
        "sec_infringement": "Нарушение",
        "infringement_description": "Описание нарушения",
        "claim_subject": "Предмет требования",
        "evidence_note": "Комментарий к доказательствам",
        "sec_links": "Ссылки на товары",
        "sec_confirmations": "Подтверждения",
        "confirmation_text": "Точный показанный текст",
        "confirmation_at": "Подтверждено (UTC)",
        "confirmation_lang": "Язык",
        "not_recorded": "НЕ ПОЛУЧЕНО",
        "sec_files": "Файлы",
        "file_section": "Раздел",
        "file_type": "Тип",
        "file_size": "Размер",
        "file_sha256": "SHA-256",
        "file_path": "В архиве",
        "bytes": "байт",
        "sec_screening": "Ответы на предварительные вопросы",
        "screen_listing": "Проверка ссылки",
        "screen_matter": "Проверка предмета",
        "sec_other": "Прочие ответы",
        "sec_audit": "Журнал действий",
        "audit_who": "Кто",
        "audit_detail": "Подробности",
        "not_provided": "не указано",
        "none_links": "Ссылок нет.",
        "none_files": "Файлов нет.",
        "none_audit": "Действий не записано.",
        "page": "Стр.",
        "role.holder": "Правообладатель",
        "role.representative": "Представитель правообладателя",
        "right.trademark": "Товарный знак",
        "right.patent": "Патент",
        "right.copyright": "Авторское право и другое",
        "patent.invention": "Изобретение",
        "patent.industrial_design": "Промышленный образец",
        "patent.utility_model": "Полезная модель",
        "status.submitted": "Подано",
        "status.in_review": "На рассмотрении",
        "status.info_requested": "Запрошена информация",
        "status.accepted": "Принято",
        "status.rejected": "Отклонено",
        "status.forwarded": "Передано продавцу",
        "section.evidence": "Доказательства",
        "section.rights_docs": "Документы о правах",
        "section.authority_docs": "Документы о полномочиях",
        "conf.disclosure": "Ознакомлен: обращение может быть передано продавцу, данные раскрыты",
        "conf.data_processing": "Согласие на обработку данных и с политикой конфиденциальности",
        "conf.third_party_consents": "Получены необходимые согласия третьих лиц",
        "conf.authorised": "Уполномочен правообладателем",
        "lang.en": "английский",
        "lang.ru": "русский",
    },
}

# Confirmations every complete complaint carries, in the order they are shown.
REQUIRED_CONFIRMATIONS = ("disclosure", "data_processing", "third_party_consents", "authorised")

# Answer keys rendered in their own sections; anything else lands in "Other answers".
_KNOWN_ANSWERS = frozenset(
    {
        "screen_listing",
        "screen_matter",
        "role",
        "right_type",
        "patent_kind",
        "rights_number",
        "rights_jurisdiction",
        "rights_holder",
        "work_description",
        "infringement_description",
        "claim_subject",
        "evidence_note",
        "contact_name",
        "contact_org",
        "contact_email",
        "contact_phone",
    }
)

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


def labels_for(lang: str = "en", overrides: DossierLabels | None = None) -> dict[str, str]:
    """The label table for ``lang`` (English fallback per key), with ``overrides`` on top."""
    table = dict(LABELS["en"])
    table.update(LABELS.get(lang, {}))
    if overrides:
        table.update(overrides)
    return table


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
    def __init__(self, case_number: str, labels: Mapping[str, str]) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self._case_number = case_number
        self._labels = labels

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(_FONT_FAMILY, "", 9)
        self.set_text_color(*_GREY)
        page = f"{self._labels['page']} {self.page_no()}/{{nb}}"
        self.cell(0, 5, _clean(f"{self._case_number} · {page}"), align="C")
        self.set_text_color(*_BLACK)


class _Writer:
    """Small layout helpers on top of fpdf2 so the document code reads top to bottom."""

    def __init__(self, pdf: _DossierPDF, labels: Mapping[str, str]) -> None:
        self.pdf = pdf
        self.t = labels

    def label(self, key: str) -> str:
        return self.t.get(key, key)

    def value_label(self, prefix: str, value: str | None) -> str | None:
        """Translate an enum-like value (``role.holder``); unknown values are shown raw."""
        if value is None or value == "":
            return None
        return self.t.get(f"{prefix}.{value}", value)

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

    def field(self, key: str, value: object | None, *, alert_if_missing: bool = False) -> None:
        """A label on its own line in small grey, the value below it in body size."""
        self._ensure_room(_LABEL_LINE_MM + _LINE_MM)
        self.pdf.set_font(_FONT_FAMILY, "", _LABEL_PT)
        self.pdf.set_text_color(*_GREY)
        self.pdf.multi_cell(
            0, _LABEL_LINE_MM, _clean(self.label(key)), align="L", new_x=XPos.LMARGIN
        )
        if value is None or (isinstance(value, str) and not value.strip()):
            self.text(
                self.label("not_provided"),
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
    labels: DossierLabels | None = None,
    lang: str = "en",
    generated_at: datetime | None = None,
) -> bytes:
    """Render the staff dossier for ``case`` and return the PDF bytes.

    ``lang`` picks the built-in label table ("en" or "ru"); ``labels`` overrides single labels.
    ``audit`` rows (anything with ``actor_name``, ``action``, ``at`` and optional ``detail``,
    or mappings with those keys) are listed in an audit-trail section when given.
    ``generated_at`` defaults to now; pass it for reproducible output.
    """
    t = labels_for(lang, labels)
    generated = generated_at or datetime.now(UTC)
    draft = case.draft
    answers = draft.answers

    def answer(key: str) -> str | None:
        value = answers.get(key)
        return value if value is not None and str(value).strip() else None

    pdf = _DossierPDF(case.number, t)
    with ExitStack() as stack:
        _load_fonts(pdf, stack)
        pdf.set_title(_clean(f"{t['title']} {case.number}"))
        pdf.set_subject(_clean(case.number))
        pdf.set_creator("ip-intake-bot")
        pdf.set_lang("ru" if lang == "ru" else "en")
        pdf.set_creation_date(generated if generated.tzinfo else generated.replace(tzinfo=UTC))
        pdf.set_margins(left=15, top=15, right=15)
        pdf.set_auto_page_break(auto=True, margin=18)
        pdf.add_page()
        w = _Writer(pdf, t)

        # Overview
        w.title(f"{t['title']}: {case.number}")
        w.field("case_number", case.number)
        w.field("status", w.value_label("status", str(case.status.value)))
        w.field("submitted_at", _iso_utc(case.submitted_at))
        w.field("generated_at", _iso_utc(generated))
        if case.assignee_name or case.assignee_id is not None:
            assignee = case.assignee_name or ""
            if case.assignee_id is not None:
                assignee = f"{assignee} (ID {case.assignee_id})".strip()
            w.field("assignee", assignee)
        w.field("claimant_lang", w.value_label("lang", case.lang))

        # Claimant
        w.heading(t["sec_claimant"])
        w.field("contact_name", answer("contact_name"), alert_if_missing=True)
        w.field("contact_org", answer("contact_org"))
        w.field("contact_email", answer("contact_email"))
        w.field("contact_phone", answer("contact_phone"))
        w.field("telegram_user_id", str(case.user_id))
        if case.chat_id != case.user_id:
            w.field("telegram_chat_id", str(case.chat_id))
        w.field("role", w.value_label("role", answer("role")), alert_if_missing=True)

        # Rights
        w.heading(t["sec_rights"])
        right_type = answer("right_type")
        w.field("right_type", w.value_label("right", right_type), alert_if_missing=True)
        if right_type == "patent" or answer("patent_kind"):
            w.field("patent_kind", w.value_label("patent", answer("patent_kind")))
        w.field("rights_number", answer("rights_number"))
        w.field("rights_jurisdiction", answer("rights_jurisdiction"))
        w.field("rights_holder", answer("rights_holder"))
        if right_type == "copyright" or answer("work_description"):
            w.field("work_description", answer("work_description"))

        # Infringement
        w.heading(t["sec_infringement"])
        w.field(
            "infringement_description", answer("infringement_description"), alert_if_missing=True
        )
        w.field("claim_subject", answer("claim_subject"), alert_if_missing=True)
        w.field("evidence_note", answer("evidence_note"))

        # Listing links
        w.heading(f"{t['sec_links']} ({len(draft.links)})")
        if not draft.links:
            w.text(t["none_links"], color=_ALERT_RED)
        for index, url in enumerate(draft.links, start=1):
            w.text(f"{index}.", bold=True)
            is_web = _is_web_link(url)
            w.text(
                url, color=_LINK_BLUE if is_web else _BLACK, link=url.strip() if is_web else None
            )
            w.gap(1.5)

        # Confirmations
        w.heading(t["sec_confirmations"])
        keys = list(REQUIRED_CONFIRMATIONS) + sorted(
            k for k in draft.confirmations if k not in REQUIRED_CONFIRMATIONS
        )
        for key in keys:
            w.keep(45)
            w.subheading(t.get(f"conf.{key}", key))
            confirmation = draft.confirmations.get(key)
            if confirmation is None:
                w.text(t["not_recorded"], bold=True, color=_ALERT_RED)
                w.gap()
                continue
            w.field("confirmation_text", confirmation.text)
            w.field("confirmation_at", _iso_utc(confirmation.at))
            w.field("confirmation_lang", w.value_label("lang", confirmation.lang))

        # Files
        layout = plan_layout(case)
        w.heading(f"{t['sec_files']} ({len(layout)})")
        if not layout:
            w.text(t["none_files"], color=_ALERT_RED)
        for index, planned in enumerate(layout, start=1):
            stored = planned.file
            w.keep(75)  # the whole file entry on one page
            w.subheading(f"{index}. {stored.name or '—'}")
            w.field("file_section", w.value_label("section", str(stored.section.value)))
            w.field("file_type", stored.mime)
            w.field("file_size", _human_size(stored.size, t["bytes"]))
            w.field("file_sha256", stored.sha256)
            w.field("file_path", planned.path)

        # Screening and anything not shown above, so nothing the claimant said is lost
        screening = [k for k in ("screen_listing", "screen_matter") if answer(k)]
        if screening:
            w.heading(t["sec_screening"])
            for key in screening:
                w.field(key, answer(key))
        other = sorted(k for k in answers if k not in _KNOWN_ANSWERS and answer(k))
        if other:
            w.heading(t["sec_other"])
            for key in other:
                w.field(key, answer(key))

        # Audit trail
        rows = list(audit)
        if rows:
            w.heading(t["sec_audit"])
            for row in rows:
                at = _audit_field(row, "at")
                when = _iso_utc(at) if isinstance(at, datetime) else str(at or "")
                action = str(_audit_field(row, "action") or "")
                w.subheading(f"{when} · {action}".strip(" ·"))
                w.field("audit_who", _audit_field(row, "actor_name"))
                detail = _audit_field(row, "detail")
                if detail:
                    w.field("audit_detail", detail)

        return bytes(pdf.output())
