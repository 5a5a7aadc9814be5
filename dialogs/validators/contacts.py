"""Contact details: e-mail, phone number, a person's name, an organisation's name.

No network: e-mail deliverability (DNS) is not checked, only the syntax.
"""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from . import Invalid, Valid, invalid
from .text import normalise_line

# Error codes (Fluent ids) and their params:
ERR_EMAIL_INVALID = "err-email-invalid"  # params: none
ERR_PHONE_INVALID = "err-phone-invalid"  # params: none
ERR_PHONE_NEED_COUNTRY = "err-phone-need-country"  # params: none (no "+" and no default region)
ERR_NAME_TOO_SHORT = "err-name-too-short"  # params: min
ERR_NAME_TOO_LONG = "err-name-too-long"  # params: max
ERR_NAME_NO_LETTERS = "err-name-no-letters"  # params: none
ERR_NAME_HAS_URL = "err-name-has-url"  # params: none
ERR_ORG_TOO_SHORT = "err-org-too-short"  # params: min
ERR_ORG_TOO_LONG = "err-org-too-long"  # params: max
ERR_ORG_NO_LETTERS = "err-org-no-letters"  # params: none
ERR_ORG_HAS_URL = "err-org-has-url"  # params: none

EMAIL_MAX_LEN = 254
PHONE_MAX_LEN = 40
MIN_FOREIGN_DIGITS = 8  # shorter digit runs are no phone number anywhere, not a missing code
NAME_MIN_LEN, NAME_MAX_LEN = 2, 200
ORG_MIN_LEN, ORG_MAX_LEN = 2, 300

_PHONE_CHARS_RE = re.compile(r"^\+?[\d\s().\-/]+$")
_SCHEME_URL = r"\b[a-z][a-z0-9+.-]*://|\bwww\."
_DOMAIN = r"\b[\w-]+\.(?:com|ru|net|org|info|biz|io|su|shop|store|online|site|xyz|top|рф)\b"
_ORG_URL_RE = re.compile(_SCHEME_URL, re.IGNORECASE)
_NAME_URL_RE = re.compile(f"{_SCHEME_URL}|{_DOMAIN}", re.IGNORECASE)


def check_email(raw: str) -> Valid[str] | Invalid:
    """Syntax check of an e-mail address; the value is the normalised address."""
    text = raw.strip()
    if not text or len(text) > EMAIL_MAX_LEN:
        return invalid(ERR_EMAIL_INVALID)
    try:
        info = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return invalid(ERR_EMAIL_INVALID)
    return Valid(info.normalized)


def check_phone(raw: str, default_region: str | None = "RU") -> Valid[str] | Invalid:
    """A valid phone number, normalised to E.164 (``+79161234567``).

    Numbers without ``+`` are read as national numbers of ``default_region`` (``8 916 ...``
    in Russia). ``00`` in front is the international prefix dialled in most countries
    (``0049 30 1234567`` is ``+49 30 1234567``). Letters (vanity numbers, extensions) are refused.
    """
    text = raw.strip()
    if not text or len(text) > PHONE_MAX_LEN or not _PHONE_CHARS_RE.match(text):
        return invalid(ERR_PHONE_INVALID)
    if text.startswith("00"):
        text = "+" + text[2:].lstrip(" -.")
    if not text.startswith("+") and default_region is None:
        return invalid(ERR_PHONE_NEED_COUNTRY)
    try:
        number = phonenumbers.parse(text, None if text.startswith("+") else default_region)
    except phonenumbers.NumberParseException:
        return invalid(ERR_PHONE_INVALID)
    if not phonenumbers.is_valid_number(number):
        # "07911 123456": long enough for a number of another country, typed without its code.
        foreign = not text.startswith("+") and sum(c.isdigit() for c in text) >= MIN_FOREIGN_DIGITS
        return invalid(ERR_PHONE_NEED_COUNTRY if foreign else ERR_PHONE_INVALID)
    return Valid(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def shared_phone(phone_number: str) -> str:
    """A number shared with Telegram's contact button: always international, though Telegram
    may send it without its "+" (``447911123456``)."""
    digits = phone_number.strip()
    return digits if digits.startswith("+") else "+" + digits


def format_phone(e164: str) -> str:
    """A stored E.164 number grouped for reading: ``+7 916 123-45-67``, ``+44 7911 123456``."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _check_label(
    raw: str,
    *,
    min_len: int,
    max_len: int,
    codes: tuple[str, str, str, str],
    url_re: re.Pattern[str],
) -> Valid[str] | Invalid:
    too_short, too_long, no_letters, has_url = codes
    text = normalise_line(raw)
    if len(text) < min_len:
        return invalid(too_short, min=min_len)
    if len(text) > max_len:
        return invalid(too_long, max=max_len)
    if not any(c.isalpha() for c in text):
        return invalid(no_letters)
    if url_re.search(text):
        return invalid(has_url)
    return Valid(text)


def check_person_name(raw: str) -> Valid[str] | Invalid:
    """A person's full name: 2-200 characters, with letters, no links; whitespace tidied."""
    return _check_label(
        raw,
        min_len=NAME_MIN_LEN,
        max_len=NAME_MAX_LEN,
        codes=(ERR_NAME_TOO_SHORT, ERR_NAME_TOO_LONG, ERR_NAME_NO_LETTERS, ERR_NAME_HAS_URL),
        url_re=_NAME_URL_RE,
    )


def check_organisation(raw: str) -> Valid[str] | Invalid:
    """An organisation's name: 2-300 characters, with letters, no links.

    Domain-like names (``Amazon.com, Inc.``) are fine; only explicit URLs (``https://``,
    ``www.``) are refused.
    """
    return _check_label(
        raw,
        min_len=ORG_MIN_LEN,
        max_len=ORG_MAX_LEN,
        codes=(ERR_ORG_TOO_SHORT, ERR_ORG_TOO_LONG, ERR_ORG_NO_LETTERS, ERR_ORG_HAS_URL),
        url_re=_ORG_URL_RE,
    )


__all__ = [
    "ERR_EMAIL_INVALID",
    "ERR_NAME_HAS_URL",
    "ERR_NAME_NO_LETTERS",
    "ERR_NAME_TOO_LONG",
    "ERR_NAME_TOO_SHORT",
    "ERR_ORG_HAS_URL",
    "ERR_ORG_NO_LETTERS",
    "ERR_ORG_TOO_LONG",
    "ERR_ORG_TOO_SHORT",
    "ERR_PHONE_INVALID",
    "ERR_PHONE_NEED_COUNTRY",
    "check_email",
    "check_organisation",
    "check_person_name",
    "check_phone",
    "format_phone",
    "shared_phone",
]
