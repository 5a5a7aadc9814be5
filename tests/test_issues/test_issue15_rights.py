"""Issue 15 §3: the rights as people write them.

Registration numbers are read as typed ("№654321 и №765432", "654321 765432") and told back;
offices are paired per number (or "all in the same office"); the card shows the pairs and no
text says the offices twice; fewer documents than rights is asked about and the answer kept
for staff; a right-type switch names the numbers it clears; "other" rights have their words.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bot.dossier.pdf import build_dossier_pdf
from bot.staff.card import draw_card
from dialogs.i18n import LANGS, texts
from dialogs.model import Case, FileSection, utcnow
from dialogs.render import render_receipt
from dialogs.validators import Invalid, Valid
from dialogs.validators.text import check_reg_numbers
from storage import Storage
from tests.bot.dossier.test_pdf import _squash, _text
from tests.dialogs.test_engine import Session, all_text, datas, last, stored, walk
from tests.e2e.claimant import Claimant, Complaint, pdf
from tests.e2e.conftest import CLAIMANT, STAFF_CHAT_ID, RunningBot
from tests.fake_telegram import FakeTelegram

StartBot = Callable[..., Awaitable[RunningBot]]


@pytest.mark.parametrize(
    "raw",
    [
        "№654321 и №765432",
        "654321 765432",
        "654321 and 765432",
        "№ 654321, № 765432",
        "654321; 765432",
        "654321,765432",
        "654321\n765432",
        "No. 654321 & No. 765432",
    ],
)
def test_two_numbers_are_read_as_typed(raw):
    assert check_reg_numbers(raw) == Valid("654321\n765432")


@pytest.mark.parametrize(
    ("raw", "value"),
    [("№654321", "654321"), ("RU 2 123 456 C1", "RU 2 123 456 C1"), ("US 9,876,543", "US 9876543")],
)
def test_one_number_stays_one(raw, value):
    assert check_reg_numbers(raw) == Valid(value)


@pytest.mark.parametrize(
    ("lang", "ask"), [("en", "one number or several?"), ("ru", "один номер или несколько?")]
)
def test_unsure_is_asked_again_and_the_draft_stays(lang, ask):
    assert isinstance(check_reg_numbers("123 4567"), Invalid)
    s = walk(Session(lang), "rights_number")
    before = s.draft
    refused = s.text("123 4567")
    assert not refused.changed and s.draft == before
    assert ask in all_text(refused)


@pytest.mark.parametrize(
    ("lang", "echo"),
    [("en", "2 numbers: 654321, 765432"), ("ru", "2 номера: 654321, 765432")],
)
def test_what_was_read_is_told_back(lang, echo):
    s = walk(Session(lang), "rights_number")
    answered = s.text("№654321 и №765432")
    assert echo in all_text(answered)
    assert s.draft.answers["rights_number"] == "654321\n765432"


def at_offices(lang: str = "en", numbers: str = "654321 и 765432") -> Session:
    s = walk(Session(lang), "rights_number")
    s.text(numbers)
    assert s.step == "offices_same"
    return s


@pytest.mark.parametrize("lang", LANGS)
def test_offices_on_one_line_pair_with_the_numbers(lang):
    s = at_offices(lang)
    s.press("a:offices_same:each")
    prompt = last(s.command("help")).text
    assert "1. 654321\n2. 765432" in prompt
    s.text("Rospatent; WIPO")
    assert s.draft.answers["rights_jurisdiction"] == "Rospatent\nWIPO"
    walk(s, "review")
    review = last(s.command("help")).text
    assert "654321 — Rospatent; 765432 — WIPO" in review


@pytest.mark.parametrize("lang", LANGS)
def test_all_in_the_same_office_is_a_button_and_one_office_is_wanted(lang):
    s = at_offices(lang)
    assert "a:offices_same:same" in datas(s.command("help"))
    s.press("a:offices_same:same")
    before = s.draft
    refused = s.text("Rospatent; WIPO")
    assert not refused.changed and s.draft == before
    assert {"en": "You chose one office for all", "ru": "Вы выбрали одно ведомство"}[lang] in (
        all_text(refused)
    )
    s.text("Rospatent")
    walk(s, "review")
    assert "654321 — Rospatent; 765432 — Rospatent" in last(s.command("help")).text


def test_counts_that_differ_are_asked_about_not_applied_silently():
    s = at_offices(numbers="111111, 222222, 333333")
    s.press("a:offices_same:each")
    before = s.draft
    refused = s.text("Rospatent; WIPO")
    assert not refused.changed and s.draft == before
    assert "3 numbers, but 2 offices" in all_text(refused)


def reviewed(lang: str = "en") -> Session:
    s = at_offices(lang)
    s.press("a:offices_same:each")
    s.text("Rospatent\nWIPO")
    return walk(s, "review")


def as_case(s: Session) -> Case:
    assert s.draft is not None
    return Case(
        id=1,
        number="IP-2026-000015",
        user_id=s.draft.user_id,
        chat_id=s.draft.chat_id,
        lang=s.draft.lang,
        submitted_at=utcnow(),
        draft=s.draft,
    )


@pytest.mark.parametrize("lang", LANGS)
def test_review_receipt_and_dossier_do_not_say_the_offices_twice(lang):
    s = reviewed(lang)
    t = texts(lang)
    registered_in = t.plain("label-rights_jurisdiction")
    review = last(s.command("help")).text
    receipt = render_receipt("IP-2026-000015", s.draft, t).text
    assert "654321 — Rospatent; 765432 — WIPO" in review
    assert registered_in not in review and review.count("WIPO") == 1
    # The receipt is short (one "Filed:" line, issue 15 §5): it names no office, never twice.
    assert registered_in not in receipt and receipt.count("WIPO") == 0
    dossier = _squash(_text(build_dossier_pdf(as_case(s), lang=lang)))
    assert _squash("654321 — Rospatent; 765432 — WIPO") in dossier
    assert _squash(registered_in) not in dossier and dossier.count("WIPO") == 1


async def test_the_staff_card_shows_number_office_pairs(tmp_path: Path) -> None:
    s = reviewed()
    storage = await Storage.open(tmp_path / "data")
    try:
        async with storage.db.transaction() as conn:
            case = await storage.cases.submit(conn, s.draft, now=utcnow())
        text = (await draw_card(storage, case, "en")).text
    finally:
        await storage.close()
    assert "654321 — Rospatent; 765432 — WIPO" in text
    assert "654321\n765432" not in text and "Rospatent\nWIPO" not in text


@pytest.mark.parametrize(
    ("lang", "question", "covers"),
    [
        ("en", "3 rights, 1 document", "One document covers them all"),
        ("ru", "Прав: 3, документов: 1", "Один документ на все права"),
    ],
)
async def test_fewer_documents_than_rights_is_asked_and_kept_for_staff(
    tmp_path: Path, lang, question, covers
) -> None:
    s = at_offices(lang, "111111, 222222, 333333")
    s.press("a:offices_same:same")
    s.text("Rospatent")
    walk(s, "rights_docs")
    s.upload(stored(71, "certificate.pdf", FileSection.RIGHTS_DOCS))
    asked = s.press("d:rights_docs:")
    assert s.step == "rights_docs_cover"
    assert question in last(asked).text
    assert covers in [b.label for row in last(asked).buttons for b in row]
    # "Add the others": back, two more, and the question is not asked again.
    s.press("b:rights_docs_cover:")
    assert s.step == "rights_docs"
    s.upload(stored(72, "certificate-2.pdf", FileSection.RIGHTS_DOCS))
    s.upload(stored(73, "certificate-3.pdf", FileSection.RIGHTS_DOCS))
    s.press("d:rights_docs:")
    assert s.step == "authority_docs"
    # Or one document said to cover them all: recorded, and staff read it.
    s = at_offices(lang, "111111, 222222, 333333")
    s.press("a:offices_same:same")
    s.text("Rospatent")
    walk(s, "rights_docs")
    s.upload(stored(71, "certificate.pdf", FileSection.RIGHTS_DOCS))
    s.press("d:rights_docs:")
    s.press("a:rights_docs_cover:covers")
    assert s.draft.answers["rights_docs_cover"] == "covers"
    walk(s, "review")
    storage = await Storage.open(tmp_path / "data")
    try:
        async with storage.db.transaction() as conn:
            case = await storage.cases.submit(conn, s.draft, now=utcnow())
        card = (await draw_card(storage, case, lang)).text
    finally:
        await storage.close()
    assert {"en": "3 rights, 1 documents: the claimant confirms", "ru": "Прав: 3, документов: 1;"}[
        lang
    ] in card
    dossier = _squash(_text(build_dossier_pdf(case, lang=lang)))
    assert _squash(texts(lang).plain("val-rights_docs_cover-covers")) in dossier


@pytest.mark.parametrize(
    ("lang", "numbers"),
    [
        ("en", "Registration / patent numbers (654321, 765432)"),
        ("ru", "Номера регистраций / патентов (654321, 765432)"),
    ],
)
def test_switching_the_right_type_names_the_numbers_it_clears(lang, numbers):
    s = reviewed(lang)
    s.press("e:review:right")
    switched = s.press("a:right_type:copyright")
    text = all_text(switched)
    assert numbers in text
    assert "rights_number" not in s.draft.answers


@pytest.mark.parametrize(
    ("lang", "words", "document"),
    [
        ("en", ("work or other right", "trade name"), "For another right (e.g. a trade name)"),
        (
            "ru",
            ("произведение или иное право", "фирменное наименование"),
            "Для иного права (например, фирменного наименования)",
        ),
    ],
)
def test_other_rights_have_their_own_wording(lang, words, document):
    s = walk(Session(lang), "work_description", right_type="copyright")
    prompt = last(s.command("help")).text
    for word in words:
        assert word in prompt
    walk(s, "rights_docs", right_type="copyright")
    assert document in last(s.command("help")).text


async def test_on_both_runtimes_numbers_as_typed_offices_paired_documents_asked(
    fake: FakeTelegram, start_either_runtime: StartBot
) -> None:
    running = await start_either_runtime()
    anna = Claimant(fake, CLAIMANT)
    complaint = Complaint(
        rights_number="№654321 и №765432",
        offices="each",
        jurisdiction="Rospatent; WIPO",
        rights_docs=(("certificate.pdf", pdf("certificate")),),
    )
    assert "offices_same" in complaint.steps() and "rights_docs_cover" in complaint.steps()
    await anna.reaches("rights_number", complaint)
    await anna.says(complaint.rights_number, expect="registered in the same office?")
    assert any("2 numbers: 654321, 765432" in (m.text or "") for m in fake.messages(CLAIMANT))
    asked = await anna.reaches_from("offices_same", "rights_docs_cover", complaint)
    assert "2 rights, 1 document" in (asked.text or "")
    review = await anna.reaches_from("rights_docs_cover", "review", complaint)
    text = review.text or ""
    assert "654321 — Rospatent; 765432 — WIPO" in text and "Registered in" not in text
    await anna.presses("Submit", expect="Case number")
    card = await fake.wait_for_message(
        STAFF_CHAT_ID, lambda m: "654321 — Rospatent; 765432 — WIPO" in m.content, after=0
    )
    assert "Rospatent\nRospatent" not in card.content
    [case] = await running.app.storage.cases.list_for_user(CLAIMANT)
    assert case.draft.answers["rights_docs_cover"] == "covers"


async def test_on_both_runtimes_a_switch_to_copyright_names_the_cleared_numbers(
    fake: FakeTelegram, start_either_runtime: StartBot
) -> None:
    await start_either_runtime()
    anna = Claimant(fake, CLAIMANT)
    complaint = Complaint(
        rights_number="654321 765432",
        rights_docs=(("a.pdf", pdf("a")), ("b.pdf", pdf("b"))),
    )
    await anna.reaches("review", complaint)
    await anna.presses("✏️ The right", expect="Which right has been infringed?")
    asked = await anna.presses("Copyright", expect="Describe the work or other right")
    assert "trade name" in (asked.text or "")
    assert any(
        "cleared: Registration / patent numbers (654321, 765432)" in (m.text or "")
        for m in fake.messages(CLAIMANT)
    )
