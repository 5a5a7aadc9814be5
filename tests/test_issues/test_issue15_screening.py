"""Issue 15 §1: what the platform does not consider is refused at the screening.

A matter that is not about an exclusive right (false statements about a brand, price, quality or
delivery, a counterfeit bought offline) is refused at once, with why and where to go; the English
"no particular listing" says how to find the link; the resale option says "first sold"; "ok" is
no description of an infringement.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from dialogs.i18n import LANGS, texts
from tests.dialogs.test_engine import all_text, datas, session_at
from tests.e2e.claimant import Claimant, Complaint
from tests.e2e.conftest import CLAIMANT, RunningBot
from tests.fake_telegram import FakeTelegram

StartBot = Callable[..., Awaitable[RunningBot]]

WHY_AND_WHERE = {
    "en": ("infringements of exclusive rights", "general support", "the police, or a court"),
    "ru": ("нарушения исключительных прав", "общая поддержка платформы", "полиция или суд"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_not_an_ip_matter_is_refused_at_once_with_why_and_where(lang):
    s = session_at("screen_matter", lang)
    offered = datas(s.command("help"))
    assert "a:screen_matter:not_ip" in offered
    refused = s.press("a:screen_matter:not_ip")
    text = all_text(refused)
    for phrase in WHY_AND_WHERE[lang]:
        assert phrase in text, phrase
    # Before anything is asked at length: nothing kept, a fresh start offered.
    assert s.draft.answers == {} and s.draft.files == [] and s.step == "welcome"
    assert "a:welcome:go" in datas(refused)


@pytest.mark.parametrize(("lang", "share"), [("en", "“Share”"), ("ru", "«Поделиться»")])
def test_no_particular_listing_says_how_to_find_the_link(lang, share):
    s = session_at("screen_listing", lang)
    text = all_text(s.press("a:screen_listing:no"))
    assert share in text and "https://aliexpress.ru/item/" in text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("country", ["RU", "BY", "KZ", "DE", "US"])
def test_the_resale_option_says_first_sold_and_fits_a_button(lang, country):
    label = texts(lang).plain("opt-screen_matter-resale", country=country)
    assert len(label) <= 32, label
    assert "((" not in label and "))" not in label and label.count("(") == label.count(")")
    if lang == "en":
        assert "first sold" in label
    if country == "RU":
        assert label.endswith({"en": "first sold in Russia", "ru": "оборот в России"}[lang])


@pytest.mark.parametrize(
    ("lang", "ask"),
    [("en", "write a sentence that says what the listings do"), ("ru", "что делают карточки")],
)
@pytest.mark.parametrize("stock", ["ok", "ок", "OK!", "да", "+", "ok ok", "нарушение"])
def test_ok_is_no_description_of_the_infringement(lang, ask, stock):
    s = session_at("infringement_description", lang)
    before = s.draft
    refused = s.text(stock)
    assert not refused.changed and s.draft == before
    assert ask in all_text(refused)
    s.text("They sell bags with our logo")
    assert s.draft.answers["infringement_description"] == "They sell bags with our logo"


async def test_on_both_runtimes_not_ip_is_refused_and_ok_is_asked_again(
    fake: FakeTelegram, start_either_runtime: StartBot
) -> None:
    running = await start_either_runtime()
    anna = Claimant(fake, CLAIMANT)
    await anna.reaches("screen_matter")
    refusal = await anna.presses("Not an IP matter", expect="We cannot take this complaint")
    assert "Where to go instead" in (refusal.text or "")
    assert "general support" in (refusal.text or "")
    assert "Start again" in refusal.button_texts

    await anna.reaches("infringement_description", Complaint())
    before = await running.app.storage.drafts.load(CLAIMANT)
    answer = await anna.says("ok", expect="write a sentence")
    assert "⚠️" in (answer.text or "")
    assert await running.app.storage.drafts.load(CLAIMANT) == before
    await anna.says("They sell bags with our logo", expect="What should the platform do")
