"""The intake, declared once, in the order of the platform's rules page (rules_page.txt here).

Read top to bottom it is the rules page: screening for matters the platform does not consider,
who is filing, the right and what was infringed, the listings, the evidence, the documents of
rights and of authority, the contacts, the disclosure and the three confirmations, then review.
Adding or reordering a step is a change here and in the catalogs only.
"""

from __future__ import annotations

from dialogs.model import Draft, FileSection
from dialogs.steps import Kind, Option, Section, Step, answer_is, feature_on
from dialogs.validators import Invalid
from dialogs.validators.contacts import (
    check_email,
    check_organisation,
    check_person_name,
    check_phone,
    format_phone,
)
from dialogs.validators.text import (
    check_description,
    check_free_text,
    check_offices,
    check_reg_numbers,
    count_lines,
    offices_match,
    rights_cited,
)

SCREENING = Section(1, "screening")
FILER = Section(2, "filer")
RIGHT = Section(3, "right")
RIGHTS_CITED = Section(4, "rights")
LISTINGS = Section(5, "listings")
EVIDENCE = Section(6, "evidence")
RIGHTS_DOCS = Section(7, "rights_docs")
AUTHORITY = Section(8, "authority")
CONTACTS = Section(9, "contacts")
CONFIRMATIONS = Section(10, "confirmations")
SECTIONS = (
    SCREENING,
    FILER,
    RIGHT,
    RIGHTS_CITED,
    LISTINGS,
    EVIDENCE,
    RIGHTS_DOCS,
    AUTHORITY,
    CONTACTS,
    CONFIRMATIONS,
)
WELCOME = Section(0, "welcome")
REVIEW = Section(11, "review")

registered_right = answer_is("right_type", "trademark", "patent")


def numbers_cited(draft: Draft) -> int:
    """How many registrations the claimant cited (0 for a right without one)."""
    return count_lines(draft.answers.get("rights_number", "")) if registered_right(draft) else 0


def several_rights(draft: Draft) -> bool:
    """several registration numbers"""
    return numbers_cited(draft) > 1


def fewer_documents_than_rights(draft: Draft) -> bool:
    """several registrations, fewer documents of rights"""
    documents = len(draft.files_in(FileSection.RIGHTS_DOCS))
    return several_rights(draft) and documents < numbers_cited(draft)


def _offices_fit_numbers(draft: Draft, offices: str) -> Invalid | None:
    layout = draft.answers.get("offices_same") if several_rights(draft) else None
    return offices_match(draft.answers.get("rights_number", ""), offices, layout)


def _numbers_read(numbers: str) -> dict[str, object]:
    """What was read, told back at once: "2 numbers: 654321, 765432"."""
    lines = [n for n in numbers.splitlines() if n]
    return {"count": len(lines), "numbers": ", ".join(lines)}


def _rights_list(draft: Draft, numbers: str) -> str:
    """Every registration cited, with its office: "654321 — Rospatent; 1234567 — WIPO"."""
    pairs = rights_cited(numbers, draft.answers.get("rights_jurisdiction", ""))
    return "; ".join(f"{n} — {o}" if o else n for n, o in pairs)


def _phone_shown(_: Draft, e164: str) -> str:
    return format_phone(e164)


FLOW: tuple[Step, ...] = (
    Step("welcome", WELCOME, Kind.INFO),
    # "Which matters we do not consider" — asked first, before anything is typed at length.
    Step(
        "screen_listing",
        SCREENING,
        Kind.CHOICE,
        options=(Option("yes"), Option("no", reject="no_listing")),
    ),
    Step(
        "screen_matter",
        SCREENING,
        Kind.CHOICE,
        options=(
            Option("infringement"),
            # Not an exclusive right at all: false statements about a brand, price, quality
            # or delivery disputes, a counterfeit bought offline or on another site.
            Option("not_ip", reject="not_ip"),
            Option("distributor", reject="distributor"),
            Option("resale", reject="resale"),
            Option("advice", reject="advice"),
        ),
    ),
    # Confirmation (3): authorised by the rights holder — the holder itself, a representative,
    # or a licensee (the rules list licence contracts among the documents of rights).
    Step(
        "role",
        FILER,
        Kind.CHOICE,
        options=(Option("holder"), Option("representative"), Option("licensee")),
    ),
    Step(
        "licence_kind",
        FILER,
        Kind.CHOICE,
        options=(Option("exclusive"), Option("non_exclusive")),
        when=answer_is("role", "licensee"),
        depends_on=("role",),
    ),
    # "The object of infringement".
    Step(
        "right_type",
        RIGHT,
        Kind.CHOICE,
        options=(Option("trademark"), Option("patent"), Option("copyright")),
    ),
    Step(
        "patent_kind",
        RIGHT,
        Kind.CHOICE,
        options=(Option("invention"), Option("industrial_design"), Option("utility_model")),
        when=answer_is("right_type", "patent"),
    ),
    # 1. Description of the infringement: which rights have been infringed; subject of the claim.
    # Several rights may be cited (a word mark and a logo, national and international).
    Step(
        "rights_number",
        RIGHTS_CITED,
        Kind.TEXT,
        validator=check_reg_numbers,
        when=registered_right,
        depends_on=("right_type",),
        shown=_rights_list,
        echo=_numbers_read,
    ),
    # Several numbers: all in one office (a button), or one office per number.
    Step(
        "offices_same",
        RIGHTS_CITED,
        Kind.CHOICE,
        options=(Option("same"), Option("each")),
        when=several_rights,
        depends_on=("right_type", "rights_number"),
        shown_in="rights_number",
    ),
    Step(
        "rights_jurisdiction",
        RIGHTS_CITED,
        Kind.TEXT,
        validator=check_offices,
        when=registered_right,
        depends_on=("right_type", "rights_number", "offices_same"),
        cross_check=_offices_fit_numbers,
        shown_in="rights_number",
    ),
    Step(
        "work_description",
        RIGHTS_CITED,
        Kind.TEXT,
        validator=check_free_text,
        when=answer_is("right_type", "copyright"),
    ),
    Step("rights_holder", RIGHTS_CITED, Kind.TEXT, validator=check_organisation),
    Step("infringement_description", RIGHTS_CITED, Kind.TEXT, validator=check_description),
    Step(
        "claim_subject",
        RIGHTS_CITED,
        Kind.CHOICE,
        options=(Option("remove_listings"), Option("other")),
    ),
    Step(
        "claim_subject_other",
        RIGHTS_CITED,
        Kind.TEXT,
        validator=check_free_text,
        when=answer_is("claim_subject", "other"),
    ),
    # A direct link to the URL of each listing infringing the rights.
    Step("links", LISTINGS, Kind.LINKS),
    # An evidence of the infringement.
    Step("evidence_files", EVIDENCE, Kind.FILES, file_section=FileSection.EVIDENCE),
    Step("evidence_note", EVIDENCE, Kind.TEXT, validator=check_free_text, optional=True),
    # 2. Documents evidencing your rights (by right type, see the catalog's checklist).
    Step(
        "rights_docs",
        RIGHTS_DOCS,
        Kind.FILES,
        file_section=FileSection.RIGHTS_DOCS,
        depends_on=("right_type", "patent_kind"),
    ),
    # "3 rights, 1 document": the claimant adds the others, or says one document covers them.
    Step(
        "rights_docs_cover",
        RIGHTS_DOCS,
        Kind.CHOICE,
        options=(Option("covers"),),
        when=fewer_documents_than_rights,
        depends_on=("right_type", "rights_number"),
    ),
    # 3. Documents evidencing your authority over the IP object.
    Step(
        "authority_docs",
        AUTHORITY,
        Kind.FILES,
        file_section=FileSection.AUTHORITY_DOCS,
        depends_on=("role", "licence_kind"),
    ),
    # 4. Your contact details for communication.
    Step("contact_name", CONTACTS, Kind.TEXT, validator=check_person_name),
    Step("contact_org", CONTACTS, Kind.TEXT, validator=check_organisation, optional=True),
    Step("contact_email", CONTACTS, Kind.TEXT, validator=check_email),
    Step(
        "contact_phone",
        CONTACTS,
        Kind.TEXT,
        validator=check_phone,
        shown=_phone_shown,
        shares_contact=True,
        optional=True,  # the rules ask for contact details, not a phone
    ),
    # "We may redirect your request to the Seller…", then confirmations (1), (2), (3).
    Step("disclosure", CONFIRMATIONS, Kind.CONFIRM),
    # Which contacts the seller may see: the claimant's choice (staff always see all).
    Step(
        "seller_contacts",
        CONFIRMATIONS,
        Kind.PICK,
        options=(
            Option("contact_name", chosen=True),
            Option("contact_email", chosen=True),
            Option("contact_phone"),
            Option("contact_org"),
        ),
    ),
    Step("confirm_data_processing", CONFIRMATIONS, Kind.CONFIRM),
    Step("confirm_third_party", CONFIRMATIONS, Kind.CONFIRM),
    Step("confirm_authorised", CONFIRMATIONS, Kind.CONFIRM),
    # Optional (a setting): the notifier's bona fide belief that the notice is accurate and
    # complete (EU Digital Services Act, Art. 16(2)(d)), stored like the three above.
    Step("confirm_good_faith", CONFIRMATIONS, Kind.CONFIRM, when=feature_on("good_faith")),
    Step("review", REVIEW, Kind.REVIEW),
)

STEPS: dict[str, Step] = {step.id: step for step in FLOW}

# "Which matters we do not consider": each leaf says why and what to do instead.
REJECTIONS: tuple[str, ...] = tuple(
    option.reject for step in FLOW for option in step.options if option.reject
)
