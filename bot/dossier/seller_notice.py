"""The notice for the seller when a case is forwarded: a PDF in the seller's language holding
only what the claimant was told may be disclosed to the party complained about.

The disclosure notice the claimant confirmed before submitting (`confirm-disclosure`) says the
information, materials and data they submit may be disclosed to the third parties they complain
about. So the notice carries the case number, the listings, the right, the rights cited, the
holder and the description of the infringement, and of the claimant's contact details only
those the claimant chose (`seller_contacts`; the others read "not disclosed"), and only when
that confirmation is recorded on the case. Never the claimant's Telegram identity, the staff's
notes, the audit trail, the claimant's record or the files' storage details.

Drawn with the staff dossier's machinery (`bot.dossier.layout`: fonts, page, layout helpers).
"""

from __future__ import annotations

from contextlib import ExitStack
from datetime import UTC, datetime, tzinfo

from dialogs.flow import FLOW
from dialogs.i18n import texts
from dialogs.model import Case, Lang
from dialogs.render import DISPLAY_TZ, plain_answer, with_role

from .archive import safe_filename
from .layout import DossierPDF, Writer, is_web_link, load_fonts, shown_time

DISCLOSURE = "disclosure"  # the confirmation step whose notice permits disclosure
RIGHT_STEPS = (  # the offices are shown beside the registration numbers
    "right_type",
    "patent_kind",
    "rights_number",
    "work_description",
    "rights_holder",
    "infringement_description",
)
CONTACT_STEPS = ("contact_name", "contact_org", "contact_email", "contact_phone")
_STEPS = {step.id: step for step in FLOW}
SELLER_CONTACTS = _STEPS["seller_contacts"]  # which contacts the claimant lets the seller see


def seller_notice_name(case: Case) -> str:
    return f"{safe_filename(case.number, fallback=f'case-{case.id}')}-seller-notice.pdf"


def contacts_disclosed(case: Case) -> list[str]:
    """The contact steps the seller may see: those the claimant chose (name and email by
    default), and none unless the notice that data may be disclosed was confirmed."""
    if DISCLOSURE not in case.draft.confirmations:
        return []
    return SELLER_CONTACTS.picked(case.draft)


def build_seller_notice(
    case: Case,
    *,
    lang: Lang = "ru",
    generated_at: datetime | None = None,
    listings: list[str] | None = None,
    tz: tzinfo = DISPLAY_TZ,
) -> bytes:
    """The notice for the seller; about `listings` (those the complaint was accepted for)
    or, without them, every listing of the complaint; times in ``tz`` (TIME_ZONE)."""
    t = texts(lang)

    def label(key: str, **args: object) -> str:
        return t.plain(f"seller-{key}", **args)

    generated = generated_at or datetime.now(UTC)
    draft = case.draft
    pdf = DossierPDF(case.number, t.plain("pdf-page"))
    with ExitStack() as stack:
        load_fonts(pdf, stack)
        pdf.set_title(label("title", number=case.number))
        pdf.set_subject(case.number)
        pdf.set_creator("ip-intake-bot")
        pdf.set_lang(lang)
        pdf.set_creation_date(generated if generated.tzinfo else generated.replace(tzinfo=UTC))
        pdf.set_margins(left=15, top=15, right=15)
        pdf.set_auto_page_break(auto=True, margin=18)
        pdf.add_page()
        w = Writer(pdf, t.plain("pdf-not-provided"))

        w.title(label("title", number=case.number))
        w.text(label("intro"))
        w.gap(3)
        w.field(t.plain("pdf-case-number"), case.number)
        w.field(t.plain("pdf-submitted"), shown_time(case.submitted_at, tz))

        links = draft.links if listings is None else listings
        w.heading(label("listings", count=len(links)))
        for index, url in enumerate(links, start=1):
            w.text(f"{index}. {url}", link=url.strip() if is_web_link(url) else None)

        w.heading(label("rights"))
        if role := with_role(draft, t):  # e.g. an exclusive licensee files in its own name
            w.field(t.plain("label-role"), role)
        for step_id in RIGHT_STEPS:
            value = plain_answer(draft, _STEPS[step_id], t)
            if value:
                w.field(t.plain(f"label-{step_id}"), value)

        w.heading(label("contacts"))
        disclosed = contacts_disclosed(case)
        if disclosed:
            for step_id in CONTACT_STEPS:
                value = plain_answer(draft, _STEPS[step_id], t)
                if step_id not in disclosed:
                    value = label("not-disclosed")
                if value:
                    w.field(t.plain(f"label-{step_id}"), value)
        else:
            w.text(label("contacts-withheld"))

        w.heading(label("next"))
        w.text(label("next-text"))
        return bytes(pdf.output())
