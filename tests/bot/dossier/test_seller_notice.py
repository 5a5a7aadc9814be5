"""The seller notice: in the seller's language, holding only what the disclosure notice allows."""

from __future__ import annotations

from bot.dossier.seller_notice import build_seller_notice, seller_notice_name
from tests.bot.dossier.test_pdf import LINKS, _link_uris, _squash, _text, make_case


def test_holds_what_may_be_disclosed_in_russian_by_default() -> None:
    case = make_case()
    text = _squash(_text(build_seller_notice(case)))
    for expected in (
        "Уведомление",
        case.number,
        "ООО«Ромашка»",
        "RU123456",
        "контрафактныхчашках",
        "ИванПетров",
        "ivan.petrov@example.com",
    ):
        assert _squash(expected) in text, expected
    # Issue 15: the phone goes to the seller only if the claimant chose it (name and email
    # are the default, also for a case filed before the choice was asked).
    assert "+7912345-67-89" not in text and _squash("Телефон Не раскрываются") in text
    assert set(_link_uris(build_seller_notice(case))) == set(LINKS)


def test_never_the_claimants_telegram_identity_files_or_what_they_asked() -> None:
    case = make_case()
    text = _squash(_text(build_seller_notice(case, lang="en")))
    assert "Notice" in text or "notice" in text
    assert str(case.user_id) not in text
    assert "доверенность" not in text and "sha256" not in text.lower()
    assert _squash("Удалить карточки товаров") not in text  # the claim subject stays internal
    assert _squash("Скриншоты сделаны") not in text  # so does the evidence note


def test_contacts_withheld_without_the_disclosure_confirmation() -> None:
    case = make_case()
    del case.draft.confirmations["disclosure"]
    text = _squash(_text(build_seller_notice(case)))
    assert "ivan.petrov@example.com" not in text and "ИванПетров" not in text
    assert _squash("Не раскрываются") in text


def test_file_name() -> None:
    assert seller_notice_name(make_case()) == "IP-2024-000042-seller-notice.pdf"
