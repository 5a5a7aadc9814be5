"""Free text answers and registration numbers.

Normalisation: Unicode NFC; CR/LF unified to ``\\n``; control characters, zero-width and
bidi-override characters removed (tabs become spaces); runs of spaces collapsed; lines trimmed;
at most one empty line in a row. Lengths are counted in characters after normalisation.
"""

from __future__ import annotations

import re
import unicodedata

from . import Invalid, Valid, invalid

# Error codes (Fluent ids) and their params:
ERR_TEXT_TOO_SHORT = "err-text-too-short"  # params: min, length
ERR_TEXT_TOO_LONG = "err-text-too-long"  # params: max, length
ERR_REGNUM_INVALID = "err-regnum-invalid"  # params: none
ERR_REGNUM_TOO_LONG = "err-regnum-too-long"  # params: max

REGNUM_MAX_LEN = 40

# Zero-width space/no-break, word joiner, BOM, bidi embeddings/overrides/isolates, soft hyphen.
# (U+200C/U+200D joiners are kept: emoji sequences and some scripts need them.)
_INVISIBLE = dict.fromkeys(
    [0x00AD, 0x200B, 0x2060, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
_SPACES_RE = re.compile(r"[^\S\n]+")
_BLANK_LINES_RE = re.compile(r"\n{3,}")


def _clean_chars(raw: str) -> str:
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_INVISIBLE)
    return "".join(
        c if c == "\n" or unicodedata.category(c) != "Cc" else (" " if c.isspace() else "")
        for c in text
    )


def normalise_text(raw: str) -> str:
    """Multi-line text, tidied (see the module docstring)."""
    text = _clean_chars(raw)
    lines = [_SPACES_RE.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES_RE.sub("\n\n", "\n".join(lines)).strip()


def normalise_line(raw: str) -> str:
    """Single-line text: like :func:`normalise_text`, with line breaks turned into spaces."""
    return _SPACES_RE.sub(" ", _clean_chars(raw).replace("\n", " ")).strip()


def check_free_text(raw: str, *, min_len: int = 2, max_len: int = 2000) -> Valid[str] | Invalid:
    """Free text (a description, a subject of the claim...) of ``min_len``-``max_len`` chars."""
    text = normalise_text(raw)
    if len(text) < min_len or not any(c.isalnum() for c in text):
        return invalid(ERR_TEXT_TOO_SHORT, min=min_len, length=len(text))
    if len(text) > max_len:
        return invalid(ERR_TEXT_TOO_LONG, max=max_len, length=len(text))
    return Valid(text)


_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_REGNUM_PREFIX_RE = re.compile(r"^(?:№|NO\.?(?=\s*\d)|N(?=\s*\d))\s*")
_REGNUM_RE = re.compile(r"^[^\W_](?:[^\W_]|[ ./\-](?=[^\W_]))*$")


def check_reg_number(raw: str) -> Valid[str] | Invalid:
    """A trademark/patent registration number, e.g. ``RU 2 123 456 C1``, ``№ 123456``,
    ``EUTM 018123456``, ``US 9,876,543 B2``.

    Normalised: NFKC, upper case, a leading ``№``/``No.`` dropped, dashes unified to ``-``,
    digit-grouping commas dropped, spaces collapsed. Letters, digits and single separators
    (space . / -) between them; at least one digit; 1-40 characters.
    """
    text = unicodedata.normalize("NFKC", normalise_line(raw)).upper().translate(_DASHES)
    text = _REGNUM_PREFIX_RE.sub("", text)
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    text = re.sub(r"\s*([./\-])\s*", r"\1", text)
    text = _SPACES_RE.sub(" ", text).strip()
    if len(text) > REGNUM_MAX_LEN:
        return invalid(ERR_REGNUM_TOO_LONG, max=REGNUM_MAX_LEN)
    if not text or not _REGNUM_RE.match(text) or not any(c.isdigit() for c in text):
        return invalid(ERR_REGNUM_INVALID)
    return Valid(text)


__all__ = [
    "ERR_REGNUM_INVALID",
    "ERR_REGNUM_TOO_LONG",
    "ERR_TEXT_TOO_LONG",
    "ERR_TEXT_TOO_SHORT",
    "check_free_text",
    "check_reg_number",
    "normalise_line",
    "normalise_text",
]
