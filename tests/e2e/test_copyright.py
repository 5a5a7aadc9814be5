"""Copyright: the work is described (no registration number), the rights documents are the
ones the rules page lists for copyright, "Something else" asks what. A Russian-speaking
claimant is answered in Russian, and /language switches to English keeping the draft."""

from __future__ import annotations

import re

from tests.e2e.claimant import LISTING, Claimant, Complaint, pdf, png
from tests.e2e.conftest import CLAIMANT, RunningBot
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.models import SentMessage

RU_CLAIMANT = 1002
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def is_russian(message: SentMessage) -> bool:
    """Russian text and Russian buttons (the link verdicts are bare links; the language button
    offers English by its own name)."""
    text = message.text or ""
    text_ok = bool(CYRILLIC.search(text)) or text.startswith("✅ https://")
    buttons_ok = all(CYRILLIC.search(b) or b == "English" for b in message.button_texts)
    return text_ok and buttons_ok


async def test_copyright_path_in_russian_switching_to_english(
    fake: FakeTelegram, running_bot: RunningBot
) -> None:
    fake.add_user(RU_CLAIMANT, first_name="Ольга", language_code="ru")
    olga = Claimant(fake, RU_CLAIMANT)
    await olga.says("/start", expect="Сообщить о нарушении исключительных прав")
    await olga.presses("Начать", expect="Шаг 1 из 10")
    await olga.presses("Да, ссылки есть", expect="О чём ваша жалоба?")
    await olga.presses("Нарушены мои права", expect="Кто вы в этой жалобе?")
    await olga.presses("Я правообладатель", expect="Какое право нарушено?")
    asked = await olga.presses("Авторское право", expect="Шаг 4 из 10")
    # The work is described; no registration number is asked for copyright.
    assert "Опишите охраняемое произведение" in (asked.text or "")
    assert "номер" not in (asked.text or "")
    await olga.says("Фотографии наших сумок, серия «Весна», 2023", expect="Кто правообладатель?")
    await olga.says("ООО «Ромашка»", expect="Опишите нарушение")
    await olga.says("Продавец использует наши фотографии", expect="Какие меры вы просите")
    await olga.presses("Другое", expect="Опишите, какие меры вы просите принять.")
    await olga.says("Запретить продавцу использовать наши фото", expect="Шаг 5 из 10")
    await olga.says(LISTING, expect="Сохранено ссылок: 1")
    await olga.presses("Готово", expect="Отправьте доказательства нарушения")
    await olga.attaches(png(7))
    await olga.presses("Готово", expect="поясните доказательства")
    docs = await olga.presses("Пропустить", expect="Шаг 7 из 10")
    for listed in ("исходные файлы", "договоры с автором", "свидетельство о депонировании"):
        assert listed in (docs.text or "")
    await olga.attaches(pdf("licence"), "licence.pdf")

    # Russian throughout, up to here.
    so_far = fake.messages(RU_CLAIMANT)
    assert all(is_russian(m) for m in so_far), fake.dump(RU_CLAIMANT, last=40)

    assert running_bot.app is not None
    drafts = running_bot.app.storage.drafts
    before = await drafts.load(RU_CLAIMANT)
    assert before is not None and before.lang == "ru" and before.step == "rights_docs"

    await olga.says("/language", expect="Выберите язык:")
    switched = await olga.presses("English", expect="Step 7 of 10")
    text = switched.text or ""
    assert "Send the documents of your copyright" in text
    for listed in ("original files", "contracts with the author", "certificate of deposit"):
        assert listed in text
    assert "licence.pdf" in text  # the file sent before the switch is still attached
    assert "Done" in " ".join(switched.button_texts)

    after = await drafts.load(RU_CLAIMANT)
    assert after is not None
    kept = {"lang", "revision", "updated_at"}
    assert after.model_dump(exclude=kept) == before.model_dump(exclude=kept)
    assert after.lang == "en"

    await olga.presses("Done", expect="Send a document proving that you are the right holder")
    await olga.attaches(pdf("register"), "register.pdf")
    await olga.presses("Done", expect="Your full name")
    await olga.says("Ольга Иванова", expect="Your organisation")
    await olga.says("ООО «Ромашка»", expect="Your email")
    await olga.says("olga@example.ru", expect="Your phone number")
    await olga.says("+7 916 123-45-67", expect="may redirect your request")
    await olga.presses("I understand", expect="What the seller sees")
    await olga.presses("Done", expect="Confirmation 1 of 3")  # name and email, as they are
    await olga.presses("I confirm", expect="Confirmation 2 of 3")
    await olga.presses("I confirm", expect="Confirmation 3 of 3")
    review = await olga.presses("I confirm", expect="Review your complaint")
    text = review.text or ""
    assert "The work or other right: Фотографии наших сумок, серия «Весна», 2023" in text
    assert "Subject of the claim: other (described below)" in text
    assert "The claim: Запретить продавцу использовать наши фото" in text
    assert "Registration / patent number" not in text
    assert "Registered in" not in text
    # The confirmations of the English part were recorded in English.
    confirmed = await drafts.load(RU_CLAIMANT)
    assert confirmed is not None
    assert confirmed.confirmations["confirm_third_party"].lang == "en"
    assert confirmed.confirmations["confirm_third_party"].text.startswith("I confirm")
    await olga.presses("Submit", expect="Case number")


async def test_english_claimant_copyright_asks_the_work_and_other_claim(
    fake: FakeTelegram, running_bot: RunningBot
) -> None:
    anna = Claimant(fake, CLAIMANT)
    complaint = Complaint(right="copyright", claim_other=True)
    asked = await anna.reaches("work_description", complaint)
    assert "Describe the work or other right that is protected" in (asked.text or "")
    assert "registration number" not in " ".join(m.text or "" for m in fake.messages(CLAIMANT))
    docs = await anna.reaches_from("work_description", "rights_docs", complaint)
    text = docs.text or ""
    assert "Send the documents of your copyright" in text
    for listed in ("original files", "contracts with the author", "certificate of deposit"):
        assert listed in text
    assert "(author's order, alienation, licence or other)" in text
