"""Issue 15 §2: a licensee files as a licensee, not posing as a representative.

The role question offers the licensee; whether the licence is exclusive is asked; the authority
documents asked are the licence agreement (and, for a non-exclusive licence, the right holder's
authorisation to act); the review, the staff card, the dossier, the seller notice and the case
events say so.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bot.dossier.pdf import build_dossier_pdf
from bot.dossier.seller_notice import build_seller_notice
from bot.staff.card import draw_card
from dialogs.i18n import LANGS
from dialogs.model import utcnow
from storage import Storage
from tests.bot.dossier.test_pdf import _squash, _text, make_case
from tests.dialogs.test_engine import Session, datas, last, walk
from tests.e2e.claimant import Claimant, Complaint
from tests.e2e.conftest import CLAIMANT, STAFF_CHAT_ID, RunningBot
from tests.fake_telegram import FakeTelegram

StartBot = Callable[..., Awaitable[RunningBot]]

LICENSEE = {
    "en": ("Filed by: a licensee of the right holder", "Licence: exclusive licence"),
    "ru": ("Подаёт: лицензиат правообладателя", "Лицензия: исключительная лицензия"),
}
AUTHORITY = {
    ("en", "exclusive"): ("<b>licence agreement</b>", None),
    ("en", "non_exclusive"): ("<b>licence agreement</b>", "<b>authorisation to act</b>"),
    ("ru", "exclusive"): ("<b>лицензионный договор</b>", None),
    ("ru", "non_exclusive"): ("<b>лицензионный договор</b>", "<b>полномочие правообладателя</b>"),
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("licence", ["exclusive", "non_exclusive"])
def test_the_licensee_is_asked_its_licence_and_for_the_licence_agreement(lang, licence):
    s = walk(Session(lang), "role")
    assert "a:role:licensee" in datas(s.command("help"))
    s.press("a:role:licensee")
    assert s.step == "licence_kind"
    walk(s, "authority_docs", licence_kind=licence)
    prompt = last(s.command("help")).text
    agreement, authorisation = AUTHORITY[(lang, licence)]
    assert agreement in prompt
    assert "power of attorney</b>" not in prompt and "<b>доверенность</b>" not in prompt
    if authorisation:
        assert authorisation in prompt
    else:
        assert "authorisation to act" not in prompt and "полномочие правообладателя" not in prompt
    walk(s, "review", licence_kind=licence)
    review = last(s.command("help")).text
    filed_by, _ = LICENSEE[lang]
    assert filed_by in review
    assert s.draft.answers["licence_kind"] == licence


def test_changing_the_licence_asks_for_the_authority_documents_again():
    s = walk(Session(), "review", role="licensee", licence_kind="exclusive")
    s.press("e:review:filer")
    s.press("a:role:licensee")
    s.press("a:licence_kind:non_exclusive")
    assert s.step == "authority_docs"
    assert "authorisation to act" in last(s.command("help")).text


def licensee_case(licence: str = "exclusive"):
    return make_case(role="licensee", licence_kind=licence)


@pytest.mark.parametrize("lang", LANGS)
async def test_the_staff_card_says_licensee(tmp_path: Path, lang) -> None:
    storage = await Storage.open(tmp_path / "data")
    try:
        async with storage.db.transaction() as conn:
            case = await storage.cases.submit(conn, licensee_case().draft, now=utcnow())
        text = (await draw_card(storage, case, lang)).text
    finally:
        await storage.close()
    expected = {
        "en": "a licensee of the right holder (exclusive licence)",
        "ru": "лицензиат правообладателя (исключительная лицензия)",
    }[lang]
    assert expected in text
    assert "representative" not in text and "представитель" not in text


@pytest.mark.parametrize("lang", LANGS)
def test_the_dossier_and_the_seller_notice_say_licensee(lang) -> None:
    case = licensee_case("non_exclusive")
    dossier = _squash(_text(build_dossier_pdf(case, lang=lang)))
    role, licence = {
        "en": ("a licensee of the right holder", "non-exclusive licence"),
        "ru": ("лицензиат правообладателя", "неисключительная лицензия"),
    }[lang]
    assert _squash(role) in dossier and _squash(licence) in dossier
    notice = _squash(_text(build_seller_notice(case, lang=lang)))
    assert _squash(f"{role} ({licence})") in notice


async def test_on_both_runtimes_a_licensee_files_and_the_case_event_says_so(
    fake: FakeTelegram, start_either_runtime: StartBot
) -> None:
    running = await start_either_runtime()
    anna = Claimant(fake, CLAIMANT)
    complaint = Complaint(role="licensee", licence="non_exclusive")
    asked = await anna.reaches("authority_docs", complaint)
    assert "licence agreement" in (asked.text or "")
    assert "authorisation to act" in (asked.text or "")
    review = await anna.reaches_from("authority_docs", "review", complaint)
    filed_by, _ = LICENSEE["en"]
    assert filed_by in (review.text or "")
    assert "Licence: non-exclusive licence" in (review.text or "")
    await anna.presses("Submit", expect="Case number")

    card = await fake.wait_for_message(
        STAFF_CHAT_ID, lambda m: "licensee" in m.content or "лицензиат" in m.content, after=0
    )
    assert "representative" not in card.content and "представитель" not in card.content
    [case] = await running.app.storage.cases.list_for_user(CLAIMANT)
    [event] = await running.app.storage.case_events.for_case(case.id)
    body = json.loads(event.body())
    assert body["filer"] == {"role": "licensee", "licence": "non_exclusive"}
