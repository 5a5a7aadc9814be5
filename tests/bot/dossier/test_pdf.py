from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from io import BytesIO

import pytest
from pypdf import PdfReader

from bot.dossier import AuditEntry, build_dossier_pdf
from dialogs.model import Case, Confirmation, Draft, FileSection, StoredFile
from dialogs.render import local_time

# A realistic submitted case with Cyrillic and Latin answers and three stored files.
# test_archive.py reuses these helpers.

SUBMITTED_AT = datetime(2024, 5, 17, 9, 30, 15, tzinfo=UTC)
GENERATED_AT = datetime(2024, 5, 18, 12, 0, 0, tzinfo=UTC)

LINKS = [
    "https://aliexpress.ru/item/1005006123456789.html",
    "https://aliexpress.ru/item/1005009999999999.html?sku_id=12000048123456789&spm=a2g2w.productlist",
]

CONFIRMATION_TEXTS = {
    "disclosure": (
        "I understand that my request may be passed to the seller and that my data may be "
        "disclosed to the party I complain about."
    ),
    "confirm_data_processing": (
        "Я даю согласие на обработку данных для рассмотрения обращения и принимаю политику "
        "конфиденциальности Платформы."
    ),
    "confirm_third_party": (
        "I confirm that I have obtained relevant consents from third parties to provide the "
        "materials and information."
    ),
    "confirm_authorised": "Я уполномочен правообладателем представлять его интересы.",
}

FILE_CONTENTS: dict[str, bytes] = {
    "скриншот товара.png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
    "Свидетельство на ТЗ №123456.pdf": b"%PDF-1.4\n% certificate of trademark\n" * 40,
    "доверенность.pdf": b"%PDF-1.4\n% power of attorney\n" * 25,
}
SECTIONS = {
    "скриншот товара.png": FileSection.EVIDENCE,
    "Свидетельство на ТЗ №123456.pdf": FileSection.RIGHTS_DOCS,
    "доверенность.pdf": FileSection.AUTHORITY_DOCS,
}
MIMES = {
    "скриншот товара.png": "image/png",
    "Свидетельство на ТЗ №123456.pdf": "application/pdf",
    "доверенность.pdf": "application/pdf",
}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_store(contents: dict[str, bytes] | None = None) -> dict[str, bytes]:
    return {sha(data): data for data in (contents or FILE_CONTENTS).values()}


def stored_file(name: str, data: bytes, section: FileSection, mime: str) -> StoredFile:
    return StoredFile(
        sha256=sha(data),
        name=name,
        mime=mime,
        size=len(data),
        section=section,
        telegram_file_id=f"tg-{sha(data)[:8]}",
        received_at=SUBMITTED_AT,
    )


def make_case(**answer_overrides: str) -> Case:
    answers = {
        "screen_listing": "yes",
        "screen_matter": "infringement",
        "role": "representative",
        "right_type": "trademark",
        "rights_number": "RU 123456",
        "rights_jurisdiction": "Российская Федерация",
        "rights_holder": "ООО «Ромашка»",
        "infringement_description": (
            "Продавец использует товарный знак «Ромашка» на контрафактных чашках; "
            "the logo is copied exactly <b>bold</b> & unescaped."
        ),
        "claim_subject": "other",
        "claim_subject_other": "Удалить карточки товаров и заблокировать продавца",
        "evidence_note": "Скриншоты сделаны 15.05.2024",
        "contact_name": "Иван Петров",
        "contact_org": "Patent & Law LLC",
        "contact_email": "ivan.petrov@example.com",
        "contact_phone": "+7 912 345-67-89",
    }
    answers.update(answer_overrides)
    files = [
        stored_file(name, data, SECTIONS[name], MIMES[name]) for name, data in FILE_CONTENTS.items()
    ]
    confirmations = {
        key: Confirmation(
            key=key,
            text=text,
            lang="ru" if any("а" <= ch <= "я" for ch in text) else "en",
            at=datetime(2024, 5, 17, 9, 29, i, tzinfo=UTC),
        )
        for i, (key, text) in enumerate(CONFIRMATION_TEXTS.items())
    }
    draft = Draft(
        user_id=555000111,
        chat_id=555000111,
        lang="ru",
        step="done",
        answers=answers,
        links=list(LINKS),
        files=files,
        confirmations=confirmations,
        created_at=SUBMITTED_AT,
        updated_at=SUBMITTED_AT,
    )
    return Case(
        id=42,
        number="IP-2024-000042",
        user_id=555000111,
        chat_id=555000111,
        lang="ru",
        submitted_at=SUBMITTED_AT,
        draft=draft,
    )


def _text(pdf: bytes) -> str:
    reader = PdfReader(BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _link_uris(pdf: bytes) -> list[str]:
    uris = []
    for page in PdfReader(BytesIO(pdf)).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
    return uris


@pytest.fixture(scope="module")
def case() -> Case:
    return make_case()


@pytest.fixture(scope="module")
def pdf(case: Case) -> bytes:
    audit = [
        AuditEntry("Анна Смирнова", "assigned", datetime(2024, 5, 17, 10, 0, tzinfo=UTC)),
        AuditEntry("John Staff", "info_requested", datetime(2024, 5, 17, 11, 0, tzinfo=UTC), "PoA"),
    ]
    return build_dossier_pdf(case, audit=audit, generated_at=GENERATED_AT)


def test_is_a4_pdf(pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF-")
    page = PdfReader(BytesIO(pdf)).pages[0]
    assert round(float(page.mediabox.width)) == 595
    assert round(float(page.mediabox.height)) == 842


def test_contains_case_facts(case: Case, pdf: bytes) -> None:
    flat = _squash(_text(pdf))
    for expected in [
        case.number,
        "ООО«Ромашка»",
        "ИванПетров",
        "Patent&LawLLC",
        "ivan.petrov@example.com",
        str(case.user_id),
        "RU123456",
        "2024-05-17 12:30 MSK",  # submitted, in TIME_ZONE as claimants see times (issue 15)
        "2024-05-18 15:00 MSK",  # generated
        "<b>bold</b>&unescaped",  # user text shown verbatim
        "Удалитькарточкитоваров",
        "АннаСмирнова",
        "info requested",
    ]:
        assert _squash(expected) in flat, expected


def test_every_link_is_shown_and_clickable(pdf: bytes) -> None:
    flat = _squash(_text(pdf))
    for link in LINKS:
        assert _squash(link) in flat, link
    assert set(LINKS) <= set(_link_uris(pdf))


def test_confirmations_exact_wording_and_time(case: Case, pdf: bytes) -> None:
    flat = _squash(_text(pdf))
    for key, text in CONFIRMATION_TEXTS.items():
        assert _squash(text) in flat, key
        at = local_time(case.draft.confirmations[key].at)  # in TIME_ZONE (issue 15)
        assert _squash(at) in flat


def test_every_file_hash_in_full(case: Case, pdf: bytes) -> None:
    flat = _squash(_text(pdf))
    for stored in case.draft.files:
        assert stored.sha256 in flat
        assert _squash(stored.name) in flat
    assert "evidence/01_скриншот" in flat


def test_russian_labels() -> None:
    pdf = build_dossier_pdf(make_case(), lang="ru", generated_at=GENERATED_AT)
    text = _text(pdf)
    assert "Досье" in text
    assert "Правообладатель" in text and "товарный знак" in text


def test_answers_read_as_the_claimant_chose_them(pdf: bytes) -> None:
    """Choices appear in words, not as ids, in the third person as staff read them (not the
    claimant's "I represent…"); a follow-up answer (the claim in the claimant's own words) is
    there too: the dossier is the flow's own record."""
    flat = _squash(_text(pdf))
    assert _squash("a representative of the right holder") in flat
    assert _squash("I represent") not in flat
    assert _squash("other (described below)") in flat
    assert _squash("Удалить карточки товаров и заблокировать продавца") in flat
    assert "remove_listings" not in flat  # never an option id


def test_every_confirmation_of_the_flow_is_present_or_flagged() -> None:
    case = make_case()
    del case.draft.confirmations["confirm_third_party"]
    text = _text(build_dossier_pdf(case, generated_at=GENERATED_AT))
    assert text.count("NOT RECORDED") == 1


def test_minimal_case_does_not_crash() -> None:
    case = Case(
        id=1,
        number="IP-1",
        user_id=1,
        chat_id=2,
        lang="en",
        submitted_at=datetime(2024, 1, 1),
        draft=Draft(user_id=1, chat_id=2, answers={"odd": "emoji 🙂 and \x00 control\tchars"}),
    )
    text = _text(build_dossier_pdf(case))
    assert "NOT RECORDED" in text
    assert "IP-1" in text


def test_long_unbroken_text_wraps() -> None:
    blob = "Ж" * 600
    case = make_case(infringement_description=blob)
    flat = _squash(_text(build_dossier_pdf(case, generated_at=GENERATED_AT)))
    # A page may end inside the text: its footer then stands between the two halves.
    flat = re.sub(r"IP-2024-000042·Page\d+/\d+", "", flat)
    assert blob in flat


def test_same_input_same_bytes(case: Case) -> None:
    one = build_dossier_pdf(case, generated_at=GENERATED_AT)
    two = build_dossier_pdf(case, generated_at=GENERATED_AT)
    assert one == two


def test_a_link_pasted_short_is_shown_with_its_short_form() -> None:
    case = make_case()
    short = "https://a.aliexpress.com/_mKx1abc"
    draft = case.draft.model_copy(update={"link_sources": {LINKS[0]: short}})
    pdf = build_dossier_pdf(case.model_copy(update={"draft": draft}), generated_at=GENERATED_AT)
    flat = _squash(_text(pdf))
    assert _squash(LINKS[0]) in flat and _squash(short) in flat
