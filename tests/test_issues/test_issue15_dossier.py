"""Issue 15 §6, what staff read: times in TIME_ZONE (as claimants see theirs) on the card, in
the dossier and in the seller's notice; the claim on the card; a dossier PDF of two pages for a
typical case, no heading left alone at a page's foot, the audit trail a table of who did what
when (not JSON), headings in the third person, reused documents marked with their case, the
link as pasted kept beside the canonical one; and the terminal intake: a filed case's buttons,
/mydata, several files at once, what after submitting, the how-to after /language."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from bot.config.settings import Settings
from bot.dossier import AuditEntry, build_dossier_pdf
from bot.dossier.seller_notice import build_seller_notice
from bot.ops.export import audit_row
from dialogs.flow import FLOW, SECTIONS
from dialogs.i18n import LANGS, texts
from dialogs.model import Case, FileSection, StoredFile
from dialogs.steps import Kind
from storage import AuditEntry as StoredAuditEntry
from tests.bot.dossier.test_pdf import GENERATED_AT, make_case
from tests.bot.test_terminal import (
    after_evidence,
    answer_to,
    english,
    files,
    run,
    settings,
    up_to_evidence,
)
from tests.dialogs.test_engine import Session, walk
from tests.dialogs.test_reuse_documents import CERTIFICATE, returning_at
from tests.e2e.claimant import Claimant
from tests.e2e.conftest import CLAIMANT, STAFF_CHAT_ID, RunningBot
from tests.e2e.staff.conftest import file_complaint
from tests.fake_telegram import FakeTelegram

__all__ = ["english", "files", "settings"]  # the terminal tests' fixtures, used here too

StartBot = Callable[..., Awaitable[RunningBot]]
MOBILE = "https://m.aliexpress.com/item/1005009999999999.html?sku_id=12000048123456789"
LONDON = ZoneInfo("Europe/London")


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(BytesIO(pdf)).pages)


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(BytesIO(pdf)).pages]


def _typical(lang: str = "en", description: str | None = None) -> Case:
    """2 listings (one pasted from the mobile site), 5 files, every answer and confirmation."""
    case = make_case(**({"infringement_description": description} if description else {}))
    more = [
        StoredFile(
            sha256=f"{i:064x}",
            name=f"screenshot {i}.png",
            mime="image/png",
            size=48_000 + i,
            section=FileSection.EVIDENCE,
            received_at=case.submitted_at,
        )
        for i in (1, 2)
    ]
    draft = case.draft.model_copy(
        update={
            "files": [*case.draft.files, *more],
            "link_sources": {case.draft.links[1]: MOBILE},
            "lang": lang,
        }
    )
    return case.model_copy(update={"draft": draft, "lang": lang})


def _audit(case: Case) -> list[AuditEntry]:
    at = case.submitted_at
    stored_rows = [
        StoredAuditEntry(
            id=i,
            case_id=case.id,
            actor_id=actor,
            actor_name=name,
            action=action,
            detail=detail,
            at=at + timedelta(hours=i),
        )
        for i, (actor, name, action, detail) in enumerate(
            [
                (case.user_id, "Иван Петров", "submitted", {}),
                (501, "Anna Smirnova", "assigned", {"key": "u:17"}),
                (501, "Anna Smirnova", "info_requested", {"question": "The PoA is unsigned?"}),
                (501, "Anna Smirnova", "rejected", {"reason": "no_authority", "note": "expired"}),
            ],
            start=1,
        )
    ]
    return [audit_row(row) for row in stored_rows]


# --- the dossier ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_a_typical_dossier_is_two_pages(lang: str) -> None:
    case = _typical(lang)
    pdf = build_dossier_pdf(case, audit=_audit(case), lang=lang, generated_at=GENERATED_AT)
    assert len(PdfReader(BytesIO(pdf)).pages) == 2


def _headings(lang: str, case: Case) -> set[str]:
    t = texts(lang)
    staff = {
        f"{s.number}. {t.plain(f'pdf-section-{s.id}')}"
        for s in SECTIONS
        if t.has(f"pdf-section-{s.id}")
    }
    main = {f"{s.number}. {t.plain(f'section-{s.id}')}" for s in SECTIONS}
    confirmations = {t.plain(f"label-{s.id}") for s in FLOW if s.kind is Kind.CONFIRM}
    links = {f"{t.plain('label-links')} ({len(case.draft.links)})"}
    files_heading = {t.plain("pdf-files", count=len(case.draft.files)), t.plain("pdf-audit")}
    return staff | main | confirmations | links | files_heading


@pytest.mark.parametrize("lang", LANGS)
def test_no_page_ends_with_a_heading(lang: str) -> None:
    """However long the answers (the content shifts line by line), a heading stays with what
    follows it: the last line above a page's footer is never a heading."""
    headings = _headings(lang, _typical(lang))
    for words in range(0, 400, 18):
        case = _typical(lang, " ".join(["контрафакт"] * words) or None)
        pdf = build_dossier_pdf(case, audit=_audit(case), lang=lang, generated_at=GENERATED_AT)
        for number, page in enumerate(_pages(pdf)[:-1], 1):
            lines = [line.strip() for line in page.splitlines() if line.strip()]
            above_footer = lines[-2]  # the footer is "IP-… · Page n/N"
            assert above_footer not in headings, (words, number, above_footer)


@pytest.mark.parametrize("lang", LANGS)
def test_the_audit_trail_is_a_table_of_who_what_when(lang: str) -> None:
    t = texts(lang)
    case = _typical(lang)
    text = _text(build_dossier_pdf(case, audit=_audit(case), lang=lang, generated_at=GENERATED_AT))
    trail = text[text.index(t.plain("pdf-audit")) :]
    for column in ("when", "who", "what"):
        assert t.plain(f"pdf-audit-{column}") in trail
    assert "{" not in trail and '"' not in trail  # no JSON
    assert "Anna Smirnova (id 501)" in trail and "[501]" not in trail
    assert "info requested" in trail and "question: The PoA is unsigned?" in trail
    assert "reason: no_authority" in re.sub(r"\s+", " ", trail)
    assert "u:17" not in trail  # an update's key is nobody's reading
    assert "2024-05-17 14:30 MSK" in trail  # 11:30 UTC, in TIME_ZONE


def test_the_dossier_speaks_of_the_claimant_in_the_third_person() -> None:
    english = _text(build_dossier_pdf(_typical("en"), lang="en", generated_at=GENERATED_AT))
    assert "Documents of the rights" in english
    assert "Documents of the claimant's authority" in english
    assert not re.search(r"\byour\b", english.split("10. ")[0], re.IGNORECASE)
    russian = _text(build_dossier_pdf(_typical("ru"), lang="ru", generated_at=GENERATED_AT))
    assert "Документы о правах" in russian and "Документы о полномочиях заявителя" in russian
    assert not re.search(r"\bваш", russian.split("10. ")[0], re.IGNORECASE)


@pytest.mark.parametrize("lang", LANGS)
def test_reused_documents_are_marked_with_their_case(lang: str) -> None:
    s = returning_at("rights_docs")
    s.press("t:rights_docs:IP-2026-000007")
    assert s.draft is not None
    [reused] = s.draft.files_in(FileSection.RIGHTS_DOCS)
    assert reused.sha256 == CERTIFICATE.sha256 and reused.from_case == "IP-2026-000007"
    case = make_case().model_copy(update={"draft": s.draft.model_copy(update={"lang": lang})})
    text = re.sub(r"\s+", " ", _text(build_dossier_pdf(case, lang=lang, generated_at=GENERATED_AT)))
    marked = texts(lang).plain("pdf-file-from", number="IP-2026-000007")
    assert f"certificate.pdf ({marked})" in text


@pytest.mark.parametrize("lang", LANGS)
def test_the_link_as_pasted_is_kept_beside_the_canonical_one(lang: str) -> None:
    s = walk(Session(lang), "links")
    s.text(MOBILE)
    assert s.draft is not None
    canonical = "https://aliexpress.ru/item/1005009999999999.html"
    assert s.draft.links == [canonical]
    assert s.draft.link_sources == {canonical: MOBILE}
    case = make_case().model_copy(update={"draft": s.draft})
    flat = re.sub(r"\s+", "", _text(build_dossier_pdf(case, lang=lang, generated_at=GENERATED_AT)))
    assert canonical in flat and MOBILE in flat
    assert re.sub(r"\s+", "", texts(lang).plain("pdf-link-pasted")) in flat
    # A link typed without its scheme is the same link: nothing to keep beside it.
    s.text("aliexpress.ru/item/1005001111111111.html")
    assert "https://aliexpress.ru/item/1005001111111111.html" not in s.draft.link_sources


@pytest.mark.parametrize("lang", LANGS)
def test_times_in_the_dossier_and_the_seller_notice_are_in_time_zone(lang: str) -> None:
    case = _typical(lang)  # submitted 09:30:15 UTC
    dossier = _text(build_dossier_pdf(case, lang=lang, generated_at=GENERATED_AT, tz=LONDON))
    notice = _text(build_seller_notice(case, lang=lang, generated_at=GENERATED_AT, tz=LONDON))
    for text in (dossier, notice):
        assert "2024-05-17 10:30 BST" in text
        assert "09:30:15Z" not in text and "(UTC)" not in text
    moscow = _text(build_seller_notice(case, lang=lang, generated_at=GENERATED_AT))
    assert "2024-05-17 12:30 MSK" in moscow


async def test_the_card_shows_the_claim_and_times_in_time_zone(
    fake: FakeTelegram, start_either_runtime: StartBot
) -> None:
    running = await start_either_runtime(time_zone="Asia/Tokyo")
    filed = await file_complaint(fake, running, CLAIMANT)
    card = filed.card.content
    assert re.search(r"Submitted: \d{4}-\d\d-\d\d \d\d:\d\d JST", card), card
    assert "UTC" not in card
    assert "Claim: remove the infringing listings" in card
    assert filed.card.document is not None and filed.card.document.data is not None
    dossier = _text(filed.card.document.data)
    assert re.search(r"\d\d:\d\d JST", dossier) and "Documents of the rights" in dossier
    assert len(PdfReader(BytesIO(filed.card.document.data)).pages) <= 2


async def test_the_russian_card_says_product_cards_and_the_claim(
    fake: FakeTelegram, start_either_runtime: StartBot
) -> None:
    await start_either_runtime(staff_lang="ru")
    claimant = Claimant(fake, CLAIMANT)
    await claimant.reaches("review")
    await claimant.says("/language", expect="Choose the language")
    await claimant.presses("Русский", expect="Проверьте жалобу")
    receipt = await claimant.presses("Отправить жалобу", expect="Номер дела")
    number = re.search(r"IP-\d{4}-\d{6}", receipt.text or "")
    assert number is not None
    found = await fake.wait_for_message(
        STAFF_CHAT_ID, lambda m: f"Дело {number[0]}" in m.content, after=0, timeout=10
    )
    card = found.content
    assert "Карточек товаров: 1" in card and "бъявлен" not in card
    assert "Требование: удалить нарушающие карточки товаров" in card
    assert re.search(r"Подано: \d{4}-\d\d-\d\d \d\d:\d\d MSK", card), card


# --- the terminal intake ----------------------------------------------------------------


async def test_terminal_a_filed_cases_buttons_mydata_and_what_next(
    settings: Settings, files: dict[str, Path]
) -> None:
    out = await run(settings, *up_to_evidence(), *after_evidence(files), "1", "2", "/quit")
    # After submitting: what next, and the spent review buttons are not pressed again.
    assert "Next: /status shows your cases" in out
    assert "belongs to an earlier message" not in answer_to(out, "2")
    number = re.search(r"IP-\d{4}-\d{6}", out)
    assert number is not None
    shown = await run(
        settings,
        f"/case {number[0]}",
        "1",  # [1] 📎 Add evidence
        "The seller relisted it today",
        "1",  # [1] ✅ Finish
        f"/case {number[0]}",
        "2",  # [2] ↩️ Withdraw the complaint
        "1",  # [1] Yes, withdraw it
        "/mydata",
        "/quit",
    )
    assert "Send what you want to add to case" in answer_to(shown, "1", 0)
    assert "Added to case" in answer_to(shown, "The seller relisted it today")
    assert "has been passed to the IP team" in answer_to(shown, "1", 1)
    assert "Withdraw complaint" in answer_to(shown, "2")
    assert "has been withdrawn" in answer_to(shown, "1", 2)
    assert "belongs to an earlier message" not in shown
    mydata = answer_to(shown, "/mydata")
    assert "What this bot holds about you" in mydata and number[0] in mydata
    assert "do not know that command" not in mydata


async def test_terminal_several_files_are_acknowledged_by_their_count(
    settings: Settings, files: dict[str, Path]
) -> None:
    line = f"{files['listing.png']}; {files['certificate.pdf']}; {files['power of attorney.pdf']}"
    out = await run(settings, *up_to_evidence(), line, "/quit")
    answer = answer_to(out, line)
    assert "Received 3 files." in answer
    assert "Received “power of attorney.pdf”" not in answer


async def test_terminal_the_how_to_follows_language(settings: Settings) -> None:
    out = await run(settings, "/language", "2", "/language", "1", "/quit")
    russian = answer_to(out, "2")
    assert "Как пользоваться" in russian and "/mydata" in russian
    assert russian.index("Как пользоваться") < russian.index("Жалоба на нарушение")
    english = answer_to(out, "1")
    assert "How to use it here" in english and "/withdraw" in english
