"""The catalogs: both languages say the same things, and everything the code asks for exists."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

import dialogs.validators.contacts
import dialogs.validators.filetypes
import dialogs.validators.links
import dialogs.validators.text
from dialogs.flow import FLOW, REJECTIONS, SECTIONS
from dialogs.i18n import LANGS, catalog_keys, texts
from dialogs.steps import Kind
from tests.dialogs.test_engine import assert_telegram_html

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR_MODULES = (
    dialogs.validators.contacts,
    dialogs.validators.filetypes,
    dialogs.validators.links,
    dialogs.validators.text,
)


def _error_codes() -> set[str]:
    return {
        getattr(module, name)
        for module in VALIDATOR_MODULES
        for name in getattr(module, "__all__", dir(module))
        if name.startswith("ERR_")
    }


def _keys_in_code() -> set[str]:
    """Message ids written literally in the engine (its modules) and the renderer."""
    keys: set[str] = set()
    engine = ("engine.py", "turn.py", "answering.py", "collecting.py", "navigation.py")
    for name in (*engine, "render.py"):
        source = (ROOT / "dialogs" / name).read_text(encoding="utf-8")
        keys |= set(re.findall(r'\bt(?:\.plain)?\(\s*"([a-z][a-z0-9_-]*)"', source))
        keys |= set(re.findall(r'button\(\s*t,\s*"([a-z][a-z0-9_-]*)"', source))
        keys |= set(re.findall(r'Invalid\(\s*"([a-z][a-z0-9_-]*)"', source))
    return keys


def _keys_from_flow() -> set[str]:
    keys = {f"err-expected-{kind}" for kind in Kind}
    keys |= {f"section-{s.id}" for s in SECTIONS}
    keys |= {f"section-{step.section.id}" for step in FLOW}  # the resume offer names any
    keys |= {f"reject-{reason}" for reason in REJECTIONS}
    keys |= {f"lang-{lang}" for lang in LANGS}
    keys |= {f"btn-edit-{s.id}" for s in SECTIONS}
    for step in FLOW:
        if step.kind is not Kind.REVIEW:
            keys.add(f"ask-{step.id}")
        if step.kind not in (Kind.INFO, Kind.REVIEW):
            keys.add(f"label-{step.id}")
        keys |= {f"opt-{step.id}-{option.id}" for option in step.options}
        # What a saved choice reads as in the review, the receipt and the staff dossier.
        keys |= {f"val-{step.id}-{option.id}" for option in step.options if not option.reject}
        if step.kind is Kind.CONFIRM:
            keys |= {f"confirm-{step.id}", f"btn-confirm-{step.id}"}
        if step.echo is not None:  # what an accepted answer was read as (issue 15)
            keys.add(f"echo-{step.id}")
        if step.kind is Kind.PICK:  # every option switched off
            keys.add(f"{step.id}-none")
    return keys


def test_code_keys_are_found():
    found = _keys_in_code()
    assert {"help", "stale-button", "btn-keep", "welcome-back", "err-links-none"} <= found
    assert len(_error_codes()) >= 20


@pytest.mark.parametrize("lang", LANGS)
def test_every_key_the_code_asks_for_exists(lang):
    needed = _keys_from_flow() | _keys_in_code() | _error_codes()
    missing = sorted(needed - catalog_keys(lang))
    assert missing == []


def test_both_languages_define_the_same_messages():
    assert catalog_keys("en") == catalog_keys("ru")


def test_both_languages_match_apart_from_the_known_gap():
    assert catalog_keys("en") ^ catalog_keys("ru") <= {"ask-review"}


# The arguments the code passes, key by key (the engine's modules, render.py, the validators).
STEP_ARGS = [
    {
        "role": role,
        "right_type": right,
        "patent_kind": kind,
        "platform": "AliExpress",
        "privacy_url": "https://aliexpress.ru/policy/privacy",
        "total": 10,
        "country": country,
        # issue 15: the licence, the registrations cited and the documents for them, the
        # contacts the seller may see.
        "licence_kind": licence,
        "rights": rights,
        "numbers": "\n".join(f"{i}. 65432{i}" for i in range(1, rights + 1)),
        "layout": layout,
        "documents": documents,
        "seller_contacts": "name, email",
    }
    for (role, licence), right, kind, country, (rights, layout, documents) in itertools.product(
        (
            ("holder", "other"),
            ("representative", "other"),
            ("licensee", "exclusive"),
            ("licensee", "non_exclusive"),
        ),
        ("trademark", "patent", "copyright", "other"),
        ("invention", "industrial_design", "utility_model", "other"),
        ("RU", "KZ", "DE"),
        ((1, "one", 1), (3, "same", 1), (3, "each", 2)),
    )
]
COUNTS = [{"count": n} for n in (0, 1, 2, 5, 21, 111)]
ARGS: dict[str, list[dict[str, object]]] = {
    "progress": [{"number": 3, "total": 10, "section": "The right"}],
    "file-received": [{"name": "a.pdf", "count": n} for n in (1, 2, 5)],
    "file-duplicate": [{"name": "a.pdf"}],
    "album-received": COUNTS,
    "files-received": COUNTS,
    "files-count": COUNTS,
    "files-more": COUNTS,
    "links-more": COUNTS,
    "btn-reuse": [{"number": "IP-2026-000007"}],
    "reuse-offer": [
        {"number": "IP-2026-000007", "holder": "Acme", "names": "a.pdf", "rejected": r}
        for r in ("yes", "no")
    ],
    "reuse-question": [
        {"number": "IP-2026-000007", "holder": "Acme", "names": "a.pdf", "rejected": r}
        for r in ("yes", "no")
    ],
    "reopened": [{"steps": "Documents of rights"}],
    "items-removed": COUNTS,
    "btn-remove-number": [{"number": n} for n in (1, 20)],
    "btn-remove-all-links": COUNTS,
    "btn-remove-all-files": COUNTS,
    "err-regnum-too-many": [{"count": "11", "max": "10"}],
    "err-link-file": [{"limit_kb": "256"}],
    "err-offices-count": [{"numbers": "3", "offices": "2"}],
    "err-link-short-elsewhere": [{"host": "example.com"}],
    "files-reused": [{"number": "IP-2026-000007", "count": n} for n in (1, 2, 5)],
    "links-saved": COUNTS,
    "review-missing": COUNTS,
    "link-accepted": [{"link": "https://aliexpress.ru/item/1.html"}],
    "link-duplicate": [{"link": "https://aliexpress.ru/item/1.html"}],
    "deep-link-listing": [{"link": "https://aliexpress.ru/item/1.html"}],
    "contact-saved": [{"value": "+44 7911 123456"}],
    "link-accepted-short": [
        {"link": "https://aliexpress.ru/item/1.html", "pasted": "https://a.aliexpress.com/_x"}
    ],
    "link-rejected": [{"link": "google.com", "reason": "not a listing"}],
    "current-answer": [{"value": "Acme"}],
    "resume-offer": [{"section": "Contacts"}],
    "welcome-back": [{"date": "2024-05-01"}],
    "confirmed-at": [{"at": "2024-05-01 15:00 MSK"}],
    "confirmed-all": [{"at": "2024-05-01 15:00 MSK", "count": n} for n in (1, 4, 5)],
    "declined": [{"step": "confirm_third_party"}],
    "receipt": [{"number": "IP-2024-000001", "days": d} for d in (1, 2, 5, 10)],
    "receipt-filed": [
        {"right": "trademark", "holder": "Acme", "listings": n, "files": "2 files"}
        for n in (1, 2, 5, 21)
    ],
    "err-link-too-long": [{"limit": "2048"}],
    "err-link-other-site": [{"host": "google.com"}],
    "err-link-not-listing": [{"kind": k} for k in ("search", "store", "home", "other")],
    "err-links-too-many": [{"count": "60", "limit": "50"}],
    "err-name-too-short": [{"min": "2"}],
    "err-name-too-long": [{"max": "200"}],
    "err-org-too-short": [{"min": "2"}],
    "err-org-too-long": [{"max": "300"}],
    "err-text-too-short": [{"min": "2", "length": "1"}],
    "err-text-too-long": [{"max": "2000", "length": "2001"}],
    "err-regnum-too-long": [{"max": "40"}],
    "err-file-too-big": [{"size_mb": "30", "limit_mb": "20"}],
    "err-file-type": [{"detected": "EXE", "allowed": "PDF, JPEG"}],
    # issue 6
    "err-file-not-fetched": [{"name": "certificate.pdf"}],
    "err-file-bomb": [{"detected": "DOCX", "reason": r} for r in ("entries", "size", "ratio")],
    "err-file-polyglot": [{"detected": "PDF", "other": "ZIP"}],
    "staff-card-undelivered": [{**c, "names": "a.pdf, b.pdf"} for c in COUNTS[1:]],
    # issue 15
    "cleared": [{"steps": "Registration / patent numbers (654321, 765432)"}],
    "echo-rights_number": [
        {"count": n, "numbers": ", ".join(str(654320 + i) for i in range(n))} for n in (1, 2, 5)
    ],
    "err-offices-one": [{"offices": "2"}],
    "err-regnum-unsure": [{"piece": "123 4567"}],
}


def _args_for(key: str) -> list[dict[str, object]]:
    if key.startswith(("ask-", "confirm-", "btn-confirm-", "reject-", "opt-")):
        return STEP_ARGS
    return ARGS.get(key, [{}])


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_formats_with_the_args_the_code_passes(lang):
    t = texts(lang)
    used = _keys_from_flow() | _keys_in_code() | _error_codes() | set(ARGS)
    for key in sorted(used):
        for args in _args_for(key):
            extra = {"platform": "AliExpress"} if key.startswith("err-") else {}
            text = t(key, **args, **extra)  # raises MissingText on any Fluent error
            assert text.strip(), key
            assert "{" not in text and "}" not in text, key
            assert_telegram_html(text)
            plain = t.plain(key, **args, **extra)
            assert plain.strip(), key


@pytest.mark.parametrize("lang", LANGS)
def test_prompts_vary_by_role_and_right_type(lang):
    t = texts(lang)
    base = STEP_ARGS[0]
    holder = t("ask-authority_docs", **base)
    representative = t("ask-authority_docs", **{**base, "role": "representative"})
    assert holder != representative
    rights = {t("ask-rights_docs", **{**base, "right_type": r}) for r in ("trademark", "patent")}
    rights.add(t("ask-rights_docs", **{**base, "right_type": "copyright"}))
    assert len(rights) == 3
    kinds = {
        t("ask-rights_docs", **{**base, "right_type": "patent", "patent_kind": k})
        for k in ("invention", "industrial_design", "utility_model")
    }
    assert len(kinds) == 3


def test_russian_texts_are_russian():
    t = texts("ru")
    for key in ("ask-role", "reject-advice", "help", "err-email-invalid", "btn-decline"):
        text = t(key, **STEP_ARGS[0])
        assert re.search("[а-яё]", text, re.IGNORECASE), key
        assert text != texts("en")(key, **STEP_ARGS[0])


def test_arguments_are_escaped():
    text = texts("en")("current-answer", value="<b>x</b> & y")
    assert "&lt;b&gt;x&lt;/b&gt; &amp; y" in text
    assert texts("en").plain("current-answer", value="<b>x</b>").count("<b>x</b>") == 1


# A phone shows an inline button on one line: a longer label is cut ("My trademark, pat…").
MAX_BUTTON_LABEL = 32


def _button_labels(lang: str) -> dict[str, set[str]]:
    """Every button label a claimant can be shown, with every argument it can take (the
    country the resale answer names is a setting: its default, Russia, must fit)."""
    t = texts(lang)
    labels: dict[str, set[str]] = {}
    for key in sorted(catalog_keys(lang)):
        if key.startswith(("btn-", "opt-", "lang-")):
            variants = [a for a in _args_for(key) if a.get("country", "RU") == "RU"]
            labels[key] = {t.plain(key, **args) for args in variants}
    return labels


@pytest.mark.parametrize("lang", LANGS)
def test_every_button_label_fits_a_phone(lang):
    labels = _button_labels(lang)
    assert {"opt-screen_matter-infringement", "btn-reuse", "btn-edit-rights_docs"} <= set(labels)
    too_long = sorted(
        (key, label)
        for key, variants in labels.items()
        for label in variants
        if len(label) > MAX_BUTTON_LABEL
    )
    assert too_long == []


@pytest.mark.parametrize("lang", LANGS)
def test_review_buttons_are_told_apart_when_cut(lang):
    """Two to a row a phone shows about 14 characters of each: they must differ there."""
    t = texts(lang)
    stubs = [t.plain(f"btn-edit-{s.id}")[:14] for s in SECTIONS[1:]]
    assert len(set(stubs)) == len(stubs)


def test_russian_statements_read_right_for_a_woman_too():
    """The stored confirmations are signed by men and women alike: no masculine-only verbs."""
    t = texts("ru")
    for step in FLOW:
        if step.kind is Kind.CONFIRM:
            statement = t.plain(f"confirm-{step.id}", **STEP_ARGS[0])
            assert not re.search(r"\b(получил|уполномочен|согласен|ознакомлен)\b", statement)
    assert "получены" in t.plain("confirm-confirm_third_party", **STEP_ARGS[0])
    assert "152-ФЗ" in t.plain("confirm-confirm_data_processing", **STEP_ARGS[0])
    assert "персональных данных" in t.plain("confirm-confirm_data_processing", **STEP_ARGS[0])


def test_russian_speaks_of_product_cards_and_exclusive_rights():
    t = texts("ru")
    everything = "\n".join(
        t.plain(k, **STEP_ARGS[0]) for k in catalog_keys("ru") if k.startswith("ask-")
    )
    assert "объявлени" not in everything.lower()
    assert "карточк" in everything and "исключительных прав" in t.plain(
        "ask-welcome", **STEP_ARGS[0]
    )
    assert "(опишу сам)" not in t.plain("opt-claim_subject-other")


@pytest.mark.parametrize("lang", LANGS)
def test_staff_read_choices_in_the_third_person(lang):
    t = texts(lang)
    assert t.plain("val-role-representative") != t.plain("opt-role-representative")
    assert not t.plain("val-role-representative").lower().startswith(("i ", "я "))


@pytest.mark.parametrize(
    ("lang", "phrases"),
    [
        ("en", ("sole proprietor (ИП)", "ЕГРИП", "individual author", "company register")),
        ("ru", ("индивидуальный предприниматель", "ЕГРИП", "автор (физическое лицо)", "ЕГРЮЛ")),
    ],
)
def test_authority_examples_for_a_company_a_sole_proprietor_and_an_author(lang, phrases):
    text = texts(lang).plain("ask-authority_docs", **STEP_ARGS[0])
    for phrase in phrases:
        assert phrase in text
    representative = texts(lang).plain(
        "ask-authority_docs", **{**STEP_ARGS[0], "role": "representative"}
    )
    assert ("chain of powers" if lang == "en" else "цепочку доверенностей") in representative


@pytest.mark.parametrize("lang", LANGS)
def test_copyright_originals_are_asked_as_files_not_photos(lang):
    text = texts(lang).plain("ask-rights_docs", **{**STEP_ARGS[0], "right_type": "copyright"})
    assert "PSD" in text and "RAW" in text and "SVG" in text
    assert ("as files" if lang == "en" else "файлом") in text


@pytest.mark.parametrize("lang", LANGS)
def test_no_prompt_mentions_done_before_a_done_button_is_shown(lang):
    t = texts(lang)
    done = "“Done”" if lang == "en" else "«Готово»"
    for key in (
        "err-expected-files",
        "ask-evidence_files",
        "ask-rights_docs",
        "ask-authority_docs",
    ):
        text = t.plain(key, **STEP_ARGS[0])
        assert f"press {done}" not in text and f"нажмите {done}" not in text, key
