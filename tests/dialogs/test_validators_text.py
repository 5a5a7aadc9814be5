import pytest

from dialogs.validators import Invalid, Valid
from dialogs.validators.text import (
    check_free_text,
    check_reg_number,
    normalise_line,
    normalise_text,
)


def test_free_text_normalises_whitespace_and_control_characters():
    raw = "  Продавец\u200b  копирует\t\tнаш логотип\x07 \r\n\r\n\r\n\r\nСм. фото\u202e \u00a0 "
    assert check_free_text(raw) == Valid("Продавец копирует наш логотип\n\nСм. фото")


def test_free_text_keeps_single_line_breaks_and_emoji_joiners():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert check_free_text(f"line one\nline two {family}") == Valid(f"line one\nline two {family}")


def test_free_text_too_short():
    assert check_free_text(" a ") == Invalid("err-text-too-short", {"min": "2", "length": "1"})
    assert check_free_text("\u200b\x00") == Invalid(
        "err-text-too-short", {"min": "2", "length": "0"}
    )
    assert check_free_text("?!") == Invalid("err-text-too-short", {"min": "2", "length": "2"})
    assert check_free_text("коротко", min_len=10) == Invalid(
        "err-text-too-short", {"min": "10", "length": "7"}
    )


def test_free_text_too_long():
    assert check_free_text("я" * 2001) == Invalid(
        "err-text-too-long", {"max": "2000", "length": "2001"}
    )
    assert check_free_text("я" * 2000).ok
    assert check_free_text("abcdef", max_len=5) == Invalid(
        "err-text-too-long", {"max": "5", "length": "6"}
    )


def test_normalise_helpers():
    assert normalise_text("a\n\n\n\nb") == "a\n\nb"
    assert normalise_line(" a\nb\t c ") == "a b c"
    assert normalise_text("e\u0301") == "\u00e9"  # NFC


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("123456", "123456"),
        ("№ 123456", "123456"),
        ("No. 778899", "778899"),
        ("ru 2 123 456 c1", "RU 2 123 456 C1"),
        ("US 9,876,543 B2", "US 9876543 B2"),
        ("EUTM 018123456", "EUTM 018123456"),
        ("2019 – 123456", "2019-123456"),
        ("１２３４５", "12345"),
        ("свидетельство 654321", "СВИДЕТЕЛЬСТВО 654321"),
        ("7", "7"),
    ],
)
def test_good_reg_numbers(raw, expected):
    assert check_reg_number(raw) == Valid(expected)


@pytest.mark.parametrize("raw", ["", "   ", "abc", "12_34", "12 -- 34", "#123", "12345!", "№"])
def test_bad_reg_numbers(raw):
    assert check_reg_number(raw) == Invalid("err-regnum-invalid", {})


def test_reg_number_too_long():
    assert check_reg_number("1" * 41) == Invalid("err-regnum-too-long", {"max": "40"})
    assert check_reg_number("1" * 40) == Valid("1" * 40)
