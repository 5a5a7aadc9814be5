"""Issue 15 §5, words and screens: what a claimant and staff read after filing says «карточка
товара» and «исключительные права»; the two languages say the same things with the same
placeholders and one English term ("right holder", the rules page's); buttons fit a phone;
the welcome and the receipt fit one phone screen and the review two; the phone step is one
message carrying its keyboard, taken away again however the claimant leaves; a number dialled
with 00 is international; a short link says where it leads.

The end-to-end tests run on both runtimes against the fake Bot API."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fluent.syntax import FluentParser, ast, visitor

from bot.staff.decision_protocol import REJECT_REASONS
from bot.staff.decisions import MARK_ACCEPT, listings_keyboard
from dialogs.engine import handle
from dialogs.flow import STEPS
from dialogs.i18n import LANGS, catalog_keys, texts
from dialogs.inputs import Command, Context
from dialogs.model import Draft
from dialogs.render import display_value, render_receipt, render_review
from dialogs.validators import Valid
from dialogs.validators.contacts import check_phone
from tests.dialogs.test_catalogs import STEP_ARGS, _args_for
from tests.dialogs.test_engine import Session, stored, walk
from tests.e2e.claimant import Claimant
from tests.e2e.conftest import CLAIMANT, RunningBot
from tests.e2e.staff.conftest import file_complaint
from tests.fake_telegram import FakeTelegram
from tests.phone_screen import ONE_SCREEN, PHONE_COLUMNS, phone_lines

LOCALES = Path(__file__).resolve().parents[2] / "dialogs" / "locales"
POST_FILING_CATALOGS = ("case.ftl", "staff.ftl", "dossier.ftl")  # decisions, staff, seller
POST_FILING_INTAKE_KEYS = ("receipt", "receipt-filed", "submit-failed")
MAX_BUTTON = 32
StartBot = Callable[..., Awaitable[RunningBot]]


def _messages(lang: str, filename: str) -> dict[str, ast.Message]:
    resource = FluentParser().parse((LOCALES / lang / filename).read_text(encoding="utf-8"))
    return {e.id.name: e for e in resource.body if isinstance(e, ast.Message)}


def _all_messages(lang: str) -> dict[str, ast.Message]:
    found: dict[str, ast.Message] = {}
    for path in sorted((LOCALES / lang).glob("*.ftl")):
        found.update(_messages(lang, path.name))
    return found


def _source(message: ast.Message) -> str:
    """Every text a message can show (all its variants), without its id."""
    return "".join(
        e.value for e in _walk(message) if isinstance(e, ast.TextElement | ast.StringLiteral)
    )


def _walk(node: ast.BaseNode) -> list[ast.BaseNode]:
    found: list[ast.BaseNode] = []

    class Collect(visitor.Visitor):
        def generic_visit(self, child: ast.BaseNode) -> None:
            found.append(child)
            super().generic_visit(child)

    Collect().visit(node)
    return found


def _variables(message: ast.Message, catalog: dict[str, ast.Message]) -> set[str]:
    """The variables a message uses, through the messages it refers to (`{ country-in }`)."""
    nodes = _walk(message)
    found = {e.id.name for e in nodes if isinstance(e, ast.VariableReference)}
    for ref in (e for e in nodes if isinstance(e, ast.MessageReference)):
        found |= _variables(catalog[ref.id.name], catalog)
    return found


# --- the words --------------------------------------------------------------------------


def test_russian_after_filing_speaks_of_product_cards_and_exclusive_rights() -> None:
    """Decisions, redress, the per-listing notice, the card, the seller notice and the receipt:
    no «объявление», no «интеллектуальных прав» (nor the IP team's old name)."""
    texts_after_filing = {
        key: _source(message)
        for name in POST_FILING_CATALOGS
        for key, message in _messages("ru", name).items()
    }
    intake = _messages("ru", "intake.ftl")
    texts_after_filing |= {key: _source(intake[key]) for key in POST_FILING_INTAKE_KEYS}
    wrong = {
        key: text
        for key, text in texts_after_filing.items()
        if re.search("объявлен|интеллектуальн", text, re.IGNORECASE)
    }
    assert wrong == {}
    everything = " ".join(texts_after_filing.values())
    assert "карточк" in everything and "исключительных прав" in everything
    assert "исключительных прав" in texts("ru").plain("seller-title", number="IP-2026-000001")


def test_russian_and_english_use_the_same_placeholders() -> None:
    english, russian = _all_messages("en"), _all_messages("ru")
    differ = {
        key: (_variables(english[key], english), _variables(russian[key], russian))
        for key in english.keys() & russian.keys()
        if _variables(english[key], english) != _variables(russian[key], russian)
    }
    assert differ == {}


def test_pairs_say_the_same_things() -> None:
    en, ru = texts("en"), texts("ru")
    args = STEP_ARGS[0]
    # reject-no_listing: both say how to find the link (the app's Share button).
    assert "Share" in en.plain("reject-no_listing", **args)
    assert "Поделиться" in ru.plain("reject-no_listing", **args)
    # ask-role: both name who the right holder may be (a company, a sole proprietor, an author).
    assert all(w in en.plain("ask-role") for w in ("company", "sole proprietor", "author"))
    assert all(w in ru.plain("ask-role") for w in ("компания", "ИП", "автор"))
    # The first consent: personal data, under the law named in Russian.
    for t in (en, ru):
        consent = t.plain("confirm-confirm_data_processing", **args)
        assert "152" in consent and re.search("personal data|персональных данных", consent)
    # The welcome's title: exclusive rights in the platform's listings, in both.
    assert "infringement of exclusive rights in AliExpress listings" in en.plain(
        "ask-welcome", **args
    )
    assert "нарушение исключительных прав в карточках товаров AliExpress" in ru.plain(
        "ask-welcome", **args
    )


def test_english_has_one_term_for_the_right_holder_and_reads_right() -> None:
    english = " ".join(_source(m) for m in _all_messages("en").values())
    assert "right holder" in english
    assert "rights holder" not in english.lower()
    assert "no sufficient" not in english.lower()


@pytest.mark.parametrize("lang", LANGS)
def test_help_lists_withdraw_and_mydata(lang: str) -> None:
    outcome = handle(None, Command("help"), _context(lang))
    help_text = outcome.replies[0].text
    assert "/withdraw" in help_text and "/mydata" in help_text


@pytest.mark.parametrize(("lang", "tail"), [("en", ", and 2 more"), ("ru", " и ещё 2")])
def test_many_file_names_and_the_rest_are_apart(lang: str, tail: str) -> None:
    files = [stored(i, f"shot{i}.png") for i in range(1, 13)]
    draft = Draft(user_id=1, chat_id=1, lang=lang, files=files)  # type: ignore[arg-type]
    shown = display_value(draft, STEPS["evidence_files"], texts(lang))  # type: ignore[arg-type]
    assert shown.endswith("shot10.png" + tail), shown


@pytest.mark.parametrize("lang", LANGS)
def test_an_empty_file_is_called_empty_and_the_real_file_asked_for(lang: str) -> None:
    said = texts(lang).plain("err-file-empty")
    assert re.search("empty|пуст", said) and re.search("0 (bytes|байт)", said)
    assert not re.search("send it again|ещё раз", said)  # not the same file once more
    assert re.search("document itself|сам документ", said)


@pytest.mark.parametrize("typed", ["0049 30 1234567", "00 49 30 1234567", "+49 30 1234567"])
def test_a_number_dialled_with_00_is_international(typed: str) -> None:
    assert check_phone(typed) == Valid("+49301234567")
    s = walk(Session("en"), "contact_phone")
    s.text(typed)
    assert s.draft is not None and s.draft.answers["contact_phone"] == "+49301234567"


@pytest.mark.parametrize("lang", LANGS)
def test_one_dash_in_a_refusal(lang: str) -> None:
    """A link refused reads "❌ link — reason": the reason has no dash of its own; a refusal
    of the whole matter has at most one."""
    t = texts(lang)
    for code in sorted(k for k in catalog_keys(lang) if k.startswith("err-link")):
        for args in _args_for(code):
            reason = t.plain(code, platform="AliExpress", **args)
            line = t.plain("link-rejected", link="https://example.com/x", reason=reason)
            assert line.count("—") == 1, line
    for key in sorted(k for k in catalog_keys(lang) if k.startswith("reject-")):
        for args in _args_for(key)[:3]:
            assert t.plain(key, **args).count("—") <= 1, key


def test_russian_reuse_offer_and_staff_texts_read_plainly() -> None:
    t = texts("ru")
    offer = t.plain(
        "reuse-offer", number="IP-2026-000007", holder="ACME", names="a.pdf", rejected="no"
    )
    assert offer.startswith("♻️ К делу IP-2026-000007 (правообладатель <b>ACME</b>)"), offer
    assert "за ACME" not in offer
    busy = t.plain("staff-refused-not-assignee", name="Анна")
    assert "только он" not in busy and "ответственный" in busy
    waiting = t.plain("staff-reminder", number="IP-2026-000007", minutes=120)
    assert "её" not in waiting and "его никто не взял" in waiting
    assert t.plain("section-screening").endswith("?")


@pytest.mark.parametrize("lang", LANGS)
def test_every_button_fits_a_phone_claimants_and_staffs(lang: str) -> None:
    t = texts(lang)
    labels: dict[str, set[str]] = {}
    for key in sorted(catalog_keys(lang)):
        if key.startswith(("btn-", "opt-", "lang-", "staff-btn-", "staff-reason-")) or (
            key.endswith("-btn") and key != "staff-listing-btn"  # drawn below, as staff get it
        ):
            variants = [a for a in _args_for(key) if a.get("country", "RU") == "RU"]
            labels[key] = {t.plain(key, **args) for args in variants}
    # The per-listing buttons as staff get them: 20 listings, every outcome.
    links = [f"https://aliexpress.ru/item/10050000000000{i:02}.html" for i in range(20)]
    for mark in [MARK_ACCEPT, *map(str, range(len(REJECT_REASONS)))]:
        keyboard = listings_keyboard(t, links, mark * len(links))
        labels[f"per-listing {mark}"] = {b.text for row in keyboard for b in row}
    assert {"case-evidence-btn", "staff-btn-per_listing"} <= labels.keys()
    too_long = sorted(
        (key, label) for key, shown in labels.items() for label in shown if len(label) > MAX_BUTTON
    )
    assert too_long == []
    assert "12 · " + t.plain("staff-listing-accepted") in labels[f"per-listing {MARK_ACCEPT}"]


# --- the screens ------------------------------------------------------------------------


def test_phone_lines_wrap_at_38_columns() -> None:
    assert PHONE_COLUMNS == 38
    assert phone_lines("<b>short</b>\n\nx") == ["short", "", "x"]
    words = " ".join(["word"] * 20)  # 99 characters: 3 lines of at most 38
    assert [len(line) <= 38 for line in phone_lines(words)] == [True, True, True]
    assert phone_lines("a &amp; b") == ["a & b"]


def _typical(lang: str) -> Session:
    """A typical complaint at the review: a trademark, 2 listings (one pasted from the mobile
    site with a sku_id), 5 files, every contact."""
    s = walk(Session(lang), "links")
    s.text(
        "https://aliexpress.ru/item/1005001234567890.html\n"
        "https://m.aliexpress.com/item/1005001234567891.html?sku_id=12000048123456789"
    )
    s.press("d:links:")
    for i in range(3):
        s.upload(stored(100 + i, f"screenshot {i + 1}.png"))
    s.press("d:evidence_files:")
    return walk(s, "review")


@pytest.mark.parametrize("lang", LANGS)
def test_welcome_and_receipt_fit_one_screen_the_review_two(lang: str) -> None:
    t = texts(lang)
    welcome = handle(None, Command("start"), _context(lang)).replies[-1].text
    assert len(phone_lines(welcome)) <= ONE_SCREEN

    s = _typical(lang)
    assert s.draft is not None and len(s.draft.files) == 5 and len(s.draft.links) == 2
    review = render_review(s.draft, t).text
    assert len(phone_lines(review)) <= 2 * ONE_SCREEN, "\n".join(phone_lines(review))

    receipt = render_receipt("IP-2026-000042", s.draft, t).text
    assert len(phone_lines(receipt)) <= ONE_SCREEN
    # It names what was filed in a line, not the whole summary again.
    assert "IP-2026-000042" in receipt and "Acme LLC" in receipt
    assert "ivan@example.com" not in receipt and "screenshot 1.png" not in receipt


def _context(lang: str, **kw: object) -> Context:
    return Context(
        user_id=7,
        chat_id=70,
        now=datetime(2026, 5, 1, 12, 0, tzinfo=UTC),
        lang_hint=lang,  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("lang", LANGS)
def test_the_phone_prompt_is_one_message_with_its_keyboard(lang: str) -> None:
    t = texts(lang)
    s = walk(Session(lang), "contact_email")
    outcome = s.text("ivan@example.com")
    [prompt] = outcome.replies
    assert t.plain("btn-share-contact") == prompt.contact_button
    assert prompt.buttons == ()  # inline and reply keyboards never mix in one message
    assert t.plain("btn-back") in prompt.reply_keys
    assert re.search("phone number|номер телефона", prompt.text)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("how", ["command", "key"])
def test_leaving_the_phone_step_backwards_takes_the_keyboard_away(lang: str, how: str) -> None:
    t = texts(lang)
    s = walk(Session(lang), "contact_phone")
    outcome = s.command("back") if how == "command" else s.text(t.plain("btn-back"))
    assert s.step == "contact_email"
    assert outcome.replies[0].remove_keyboard, outcome.replies
    assert re.search("email", outcome.replies[-1].text)
    assert outcome.replies[-1].buttons  # the email step's own buttons, inline again


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("target", "host"),
    [
        ("http://localhost:8080/item/1.html", "localhost"),
        ("http://192.168.0.7/item/1.html", "192.168.0.7"),
        ("http://[::1]/item/1.html", "::1"),
        ("ftp://files.example.com/item/1.html", "files.example.com"),
    ],
)
def test_a_short_link_to_a_private_or_non_web_address_says_where(
    lang: str, target: str, host: str
) -> None:
    short = "https://a.aliexpress.com/_mPrivate"
    s = walk(Session(lang), "links")
    s.ctx = _context(lang, resolved_links={short: target})
    before = s.draft
    outcome = s.text(short)
    said = outcome.replies[-1].text
    assert host in said, said
    assert not re.search("not a web link|не веб-ссылка", said)
    assert s.draft == before


# --- end to end, both runtimes ----------------------------------------------------------


def _markup(fake: FakeTelegram, after: int) -> list[dict[str, object]]:
    return [m.reply_markup or {} for m in fake.messages(CLAIMANT) if m.message_id > after]


async def test_the_phone_step_is_one_message_and_back_removes_its_keyboard(
    fake: FakeTelegram, start_either_runtime: StartBot
) -> None:
    await start_either_runtime()
    anna = Claimant(fake, CLAIMANT)
    email = await anna.reaches("contact_email")
    prompt = await anna.says("anna@example.com", expect="Your phone number")
    assert prompt.reply_markup is not None
    assert prompt.reply_markup["keyboard"][0] == [  # type: ignore[index]
        {"text": "📱 Share my phone number", "request_contact": True}
    ]
    assert [{"text": "⬅️ Back"}] in prompt.reply_markup["keyboard"]  # type: ignore[operator]
    await asyncio.sleep(1.0)  # on main the share keyboard came a moment later, alone
    assert [m.message_id for m in fake.messages(CLAIMANT) if m.message_id > email.message_id] == [
        prompt.message_id
    ]  # nothing else: no second message a quick claimant could answer in between

    # The keyboard's Back key (its label typed by Telegram) goes back, and takes it away.
    back = await anna.says("⬅️ Back", expect="Your email")
    assert {"remove_keyboard": True} in _markup(fake, prompt.message_id)
    assert back.callback_datas  # the email step's inline buttons again

    # In Russian too, and by /back.
    await anna.says("anna@example.com", expect="Your phone number")
    await anna.says("/language", expect="Choose the language")
    ru_prompt = await anna.presses("Русский", expect="номер телефона")
    assert ru_prompt.reply_markup is not None
    assert [{"text": "⬅️ Назад"}] in ru_prompt.reply_markup["keyboard"]  # type: ignore[operator]
    await anna.says("/back", expect="email")
    removed = [m for m in _markup(fake, ru_prompt.message_id) if m.get("remove_keyboard")]
    assert removed, _markup(fake, ru_prompt.message_id)


@pytest.mark.parametrize("russian", [False, True])
async def test_the_receipt_fits_a_screen_and_help_lists_every_command(
    fake: FakeTelegram, start_either_runtime: StartBot, russian: bool
) -> None:
    running = await start_either_runtime()
    filed = await file_complaint(fake, running, CLAIMANT, russian=russian)
    receipt = filed.receipt.text or ""
    assert len(phone_lines(receipt)) <= ONE_SCREEN
    assert "anna@example.com" not in receipt  # not the whole summary again
    assert ("Подано:" if russian else "Filed:") in receipt
    help_text = await filed.claimant.says("/help", expect="/withdraw")
    assert "/mydata" in (help_text.text or "")
    if russian:
        assert "отозвать жалобу" in (help_text.text or "")
