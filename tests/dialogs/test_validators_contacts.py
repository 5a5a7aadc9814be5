import pytest

from dialogs.validators import Invalid, Valid
from dialogs.validators.contacts import (
    check_email,
    check_organisation,
    check_person_name,
    check_phone,
    format_phone,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ivan@example.com", "ivan@example.com"),
        ("  Ivan.Petrov@Example.COM ", "Ivan.Petrov@example.com"),
        ("legal+ip@brand.co.uk", "legal+ip@brand.co.uk"),
        ("иван@почта.рф", "иван@почта.рф"),
    ],
)
def test_good_emails(raw, expected):
    assert check_email(raw) == Valid(expected)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "plainaddress",
        "a@b",
        "a b@example.com",
        "@example.com",
        "x@test.local",
        "a" * 250 + "@x.ru",
    ],
)
def test_bad_emails(raw):
    assert check_email(raw) == Invalid("err-email-invalid", {})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+7 916 123-45-67", "+79161234567"),
        ("8 (916) 123-45-67", "+79161234567"),
        ("89161234567", "+79161234567"),
        ("+44 20 7946 0958", "+442079460958"),
        ("+1 (650) 253-0000", "+16502530000"),
        ("+86 10 6552 9988", "+861065529988"),
    ],
)
def test_good_phones(raw, expected):
    assert check_phone(raw) == Valid(expected)


@pytest.mark.parametrize(
    "raw", ["", "12345", "abc", "телефон", "1-800-FLOWERS", "+7 916 123", "+999 1234567", "8" * 50]
)
def test_bad_phones(raw):
    assert check_phone(raw) == Invalid("err-phone-invalid", {})


def test_phone_region():
    assert check_phone("020 7946 0958", default_region="GB") == Valid("+442079460958")
    assert check_phone("9161234567", default_region=None) == Invalid("err-phone-need-country", {})
    assert check_phone("+7 916 123-45-67", default_region=None) == Valid("+79161234567")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Иван Петров", "Иван Петров"),
        ("  Анна   Мария\tИванова ", "Анна Мария Иванова"),
        ("J. Doe", "J. Doe"),
        ("O'Neil-Smith", "O'Neil-Smith"),
        ("Li", "Li"),
    ],
)
def test_good_person_names(raw, expected):
    assert check_person_name(raw) == Valid(expected)


@pytest.mark.parametrize(
    ("raw", "code", "params"),
    [
        ("", "err-name-too-short", {"min": "2"}),
        (" Я ", "err-name-too-short", {"min": "2"}),
        ("А" * 201, "err-name-too-long", {"max": "200"}),
        ("12345", "err-name-no-letters", {}),
        ("Ivan https://t.me/ivan", "err-name-has-url", {}),
        ("www.example.com", "err-name-has-url", {}),
        ("Ivan ivan-shop.ru", "err-name-has-url", {}),
    ],
)
def test_bad_person_names(raw, code, params):
    assert check_person_name(raw) == Invalid(code, params)


@pytest.mark.parametrize(
    "raw", ["ООО «Ромашка»", "Amazon.com, Inc.", "3M", "ИП Иванов И.И.", "Nike Innovate C.V."]
)
def test_good_organisations(raw):
    assert check_organisation(raw) == Valid(raw)


@pytest.mark.parametrize(
    ("raw", "code", "params"),
    [
        ("Z", "err-org-too-short", {"min": "2"}),
        ("X" * 301, "err-org-too-long", {"max": "300"}),
        ("123 456", "err-org-no-letters", {}),
        ("Brand https://brand.com", "err-org-has-url", {}),
    ],
)
def test_bad_organisations(raw, code, params):
    assert check_organisation(raw) == Invalid(code, params)


@pytest.mark.parametrize("raw", ["07911 123456", "020 7946 0958", "(212) 555-0123"])
def test_a_foreign_number_without_its_country_code_is_asked_for_the_code(raw):
    verdict = check_phone(raw)
    assert isinstance(verdict, Invalid) and verdict.code == "err-phone-need-country"
    assert check_phone("+44 " + raw.lstrip("0")).ok or raw.startswith("(")


def test_phones_are_shown_grouped_and_stored_as_e164():
    assert check_phone("+44 7911 123456") == Valid("+447911123456")
    assert format_phone("+447911123456") == "+44 7911 123456"
    assert format_phone("+79161234567") == "+7 916 123-45-67"
