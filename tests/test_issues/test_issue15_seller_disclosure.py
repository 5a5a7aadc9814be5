"""Issue 15 §4: what the seller sees is the claimant's choice.

The claimant chooses which contacts may go to the seller (name and email by default, the phone
only if chosen); the phone is not required at all; the consent covers the transfer to the seller
(152-ФЗ in Russian); the seller notice says "not disclosed" for the rest; staff see everything;
a draft saved before the choice existed still loads and submits.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

import pytest

from bot.dossier.pdf import build_dossier_pdf
from bot.dossier.seller_notice import build_seller_notice
from dialogs.engine import handle
from dialogs.i18n import LANGS, texts
from dialogs.inputs import Command, Pressed
from dialogs.model import Draft
from tests.bot.dossier.test_pdf import _squash, _text, make_case
from tests.dialogs.test_engine import Session, context, last, walk
from tests.e2e.claimant import Claimant, Complaint
from tests.e2e.conftest import CLAIMANT, RunningBot
from tests.fake_telegram import FakeTelegram

StartBot = Callable[..., Awaitable[RunningBot]]

SHOWN_TO_SELLER = {"en": "Shown to the seller", "ru": "Видит продавец"}


@pytest.mark.parametrize("lang", LANGS)
def test_the_phone_is_not_required(lang):
    s = walk(Session(lang), "contact_phone")
    skip = texts(lang).plain("btn-skip")
    # The phone prompt is one message whose reply keyboard carries Skip (issue 15 §5).
    assert skip in last(s.command("help")).reply_keys
    skipped = s.text(skip)
    assert s.step == "disclosure"
    assert "contact_phone" not in s.draft.answers
    assert skipped.replies[0].remove_keyboard  # the share-phone keyboard goes too
    walk(s, "review")
    assert "Still missing" not in last(s.command("help")).text
    assert "Ещё не хватает" not in last(s.command("help")).text


@pytest.mark.parametrize(
    ("lang", "default", "chosen"),
    [
        ("en", "name, email", "name, phone"),
        ("ru", "имя, email", "имя, телефон"),
    ],
)
def test_the_claimant_chooses_what_the_seller_sees(lang, default, chosen):
    s = walk(Session(lang), "seller_contacts")
    shown = last(s.command("help"))
    labels = [b.label for row in shown.buttons for b in row]
    assert labels[:4] == [
        f"✅ {'Name' if lang == 'en' else 'Имя'}",
        "✅ Email",
        f"⬜ {'Phone' if lang == 'en' else 'Телефон'}",
        f"⬜ {'Organisation' if lang == 'en' else 'Организация'}",
    ]
    s.press("a:seller_contacts:contact_email")
    s.press("a:seller_contacts:contact_phone")
    assert s.draft.answers["seller_contacts"] == "contact_name,contact_phone"
    assert s.step == "seller_contacts"
    s.press("d:seller_contacts:")
    assert s.step == "confirm_data_processing"
    consent = last(s.command("help")).text
    assert chosen in consent
    s.press("c:confirm_data_processing:")
    stored = s.draft.confirmations["confirm_data_processing"].text
    if lang == "ru":
        assert "152-ФЗ" in stored and "передачу (предоставление) продавцу" in stored
    else:
        assert "passing the contact details I chose (name, phone) to the seller" in stored
    walk(s, "review")
    assert f"{SHOWN_TO_SELLER[lang]}: {chosen}" in last(s.command("help")).text
    untouched = walk(Session(lang), "seller_contacts")
    untouched.press("d:seller_contacts:")
    assert untouched.draft.answers["seller_contacts"] == "contact_name,contact_email"
    walk(untouched, "review")
    assert f"{SHOWN_TO_SELLER[lang]}: {default}" in last(untouched.command("help")).text


@pytest.mark.parametrize(("lang", "withheld"), [("en", "Not disclosed"), ("ru", "Не раскрываются")])
def test_the_seller_notice_honours_the_choice_and_staff_see_everything(lang, withheld):
    case = make_case(seller_contacts="contact_name,contact_phone")
    notice = _squash(_text(build_seller_notice(case, lang=lang)))
    assert _squash("Иван Петров") in notice and _squash("+7 912 345-67-89") in notice
    assert "ivan.petrov@example.com" not in notice
    email = {"en": "Email", "ru": "Email"}[lang]
    assert _squash(f"{email} {withheld}") in notice
    dossier = _squash(_text(build_dossier_pdf(case, lang=lang)))
    for everything in ("Иван Петров", "ivan.petrov@example.com", "+7 912 345-67-89"):
        assert _squash(everything) in dossier


# A draft as the version before issue 15 saved it: at the review, everything answered, the
# disclosure notice confirmed, no choice of contacts (it did not exist).
OLD_DRAFT = json.dumps(
    {
        "user_id": 1001,
        "chat_id": 1001,
        "lang": "en",
        "step": "review",
        "answers": {
            "screen_listing": "yes",
            "screen_matter": "infringement",
            "role": "holder",
            "right_type": "copyright",
            "work_description": "A photo of a red fox, taken in 2020",
            "rights_holder": "Acme LLC",
            "infringement_description": "They use our photo",
            "claim_subject": "remove_listings",
            "contact_name": "Ivan Petrov",
            "contact_email": "ivan@example.com",
            "contact_phone": "+79161234567",
        },
        "links": ["https://aliexpress.ru/item/1005001234567890.html"],
        "link_sources": {},
        "files": [
            {"sha256": c * 64, "name": name, "mime": "application/pdf", "size": 1, "section": sec}
            for c, name, sec in (
                ("a", "a.pdf", "evidence"),
                ("b", "b.pdf", "rights_docs"),
                ("c", "c.pdf", "authority_docs"),
            )
        ],
        "confirmations": {
            key: {"key": key, "text": "…", "lang": "en", "at": "2026-11-01T10:29:00Z"}
            for key in (
                "disclosure",
                "confirm_data_processing",
                "confirm_third_party",
                "confirm_authorised",
            )
        },
        "history": ["welcome"],
        "editing_section": None,
        "features": [],
        "revision": 40,
        "created_at": "2026-11-01T10:00:00Z",
        "updated_at": "2026-11-01T10:30:00Z",
    }
)


def test_a_draft_saved_before_the_choice_still_loads_and_submits():
    draft = Draft.model_validate_json(OLD_DRAFT)
    ctx = context("en")
    review = handle(draft, Command("help"), ctx)
    text = review.replies[-1].text
    assert "Shown to the seller: name, email" in text and "Still missing" not in text
    submitted = handle(draft, Pressed("u:review:"), ctx)
    assert submitted.submit


async def test_on_both_runtimes_the_seller_sees_what_was_chosen(
    fake: FakeTelegram, start_either_runtime: StartBot
) -> None:
    running = await start_either_runtime()
    anna = Claimant(fake, CLAIMANT)
    skipping = Complaint(phone="")
    await anna.reaches("contact_phone", skipping)
    review = await anna.reaches_from("contact_phone", "review", skipping)
    assert "Phone:" in (review.text or "") and "+7" not in (review.text or "")
    assert any(
        m.reply_markup == {"remove_keyboard": True} and "No phone number" in (m.text or "")
        for m in fake.messages(CLAIMANT)
    )
    await anna.says("/cancel", expect="Discard this complaint")
    await anna.presses("Yes, discard", expect="A complaint about an infringement")

    choosing = Complaint(seller_contacts=("contact_email", "contact_phone"))
    review = await anna.reaches("review", choosing)
    assert "Shown to the seller: name, phone" in (review.text or "")
    await anna.presses("Submit", expect="Case number")
    [case] = await running.app.storage.cases.list_for_user(CLAIMANT)
    assert case.draft.answers["seller_contacts"] == "contact_name,contact_phone"
    notice = _squash(_text(build_seller_notice(case, lang="en")))
    assert _squash("Anna Smirnova") in notice and _squash("+7 916 123-45-67") in notice
    assert "anna@example.com" not in notice and _squash("Email Not disclosed") in notice
    assert "anna@example.com" in _squash(_text(build_dossier_pdf(case, lang="en")))
