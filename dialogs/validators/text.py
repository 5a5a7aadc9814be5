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
ERR_REGNUM_TOO_MANY = "err-regnum-too-many"  # params: count, max
ERR_OFFICES_COUNT = "err-offices-count"  # params: numbers, offices
ERR_OFFICES_ONE = "err-offices-one"  # params: offices (one office for all was chosen)
ERR_REGNUM_UNSURE = "err-regnum-unsure"  # params: piece (one number or several?)
ERR_TEXT_VAGUE = "err-text-vague"  # params: none (a stock word, not a sentence)

REGNUM_MAX_LEN = 40
MAX_RIGHTS = 10  # registrations cited in one complaint (word mark, logo, national, international…)

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


# A description says what happens: a few words, not a stock answer ("ok", "ок", "да", "+").
DESCRIPTION_MIN_WORDS = 3
DESCRIPTION_MIN_LETTERS = 10
_WORD_RE = re.compile(r"[^\W\d_]{2,}")


def check_description(raw: str) -> Valid[str] | Invalid:
    """A description of the infringement: free text that is a sentence, not "ok"."""
    verdict = check_free_text(raw)
    if isinstance(verdict, Invalid) and verdict.code == ERR_TEXT_TOO_LONG:
        return verdict
    words = _WORD_RE.findall(normalise_text(raw))
    letters = sum(len(w) for w in words)
    if len(words) < DESCRIPTION_MIN_WORDS or letters < DESCRIPTION_MIN_LETTERS:
        return invalid(ERR_TEXT_VAGUE)  # "ok", "+", "нарушение": ask for a sentence
    return verdict


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
    text = normalise_line(raw).removeprefix("№")  # before NFKC, which makes it "No"
    text = unicodedata.normalize("NFKC", text).upper().translate(_DASHES)
    text = _REGNUM_PREFIX_RE.sub("", text)
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    text = re.sub(r"\s*([./\-])\s*", r"\1", text)
    text = _SPACES_RE.sub(" ", text).strip()
    if len(text) > REGNUM_MAX_LEN:
        return invalid(ERR_REGNUM_TOO_LONG, max=REGNUM_MAX_LEN)
    if not text or not _REGNUM_RE.match(text) or not any(c.isdigit() for c in text):
        return invalid(ERR_REGNUM_INVALID)
    return Valid(text)


# Numbers are separated by line breaks, semicolons, or a comma followed by a space (a comma
# inside digits, as in "US 9,876,543", groups digits and is kept); "и" / "and" / "&" between
# them; and each "№" starts a number. Read before NFKC, which turns "№" into "No".
_NUMBERS_SEPARATOR_RE = re.compile(r"\n|;|,(?=\s)|,(?!\d{3}\b)")
_NUMBERS_JOINER_RE = re.compile(r"\s+(?:и|and|&)\s+|\s*&\s*", re.IGNORECASE)
_NUMERO_RE = re.compile(r"\s*№")
_DIGITS_RE = re.compile(r"\d+")
_LONE_NUMBER_DIGITS = 5  # a run of digits this long, beside another, is a number of its own


def _split_digit_runs(piece: str) -> list[str] | None:
    """Digits separated by spaces: "654321 765432" is two numbers, "2 123 456" one (grouped
    in threes); None when it could be either ("123 4567")."""
    tokens = piece.split()
    if len(tokens) < 2 or not all(_DIGITS_RE.fullmatch(tok) for tok in tokens):
        return [piece]
    if all(len(tok) >= _LONE_NUMBER_DIGITS for tok in tokens):
        return tokens
    if len(tokens[0]) <= 3 and all(len(tok) == 3 for tok in tokens[1:]):
        return [piece]
    return None


def split_reg_numbers(raw: str) -> list[str] | Invalid:
    """The numbers as typed, one piece each (not yet checked); Invalid when unsure."""
    text = normalise_text(raw)
    text = _NUMERO_RE.sub("\n№", _NUMBERS_JOINER_RE.sub("\n", text))
    pieces: list[str] = []
    for piece in (p.strip() for p in _NUMBERS_SEPARATOR_RE.split(text)):
        if not piece:
            continue
        runs = _split_digit_runs(piece)
        if runs is None:
            return invalid(ERR_REGNUM_UNSURE, piece=piece)
        pieces.extend(runs)
    return pieces


def check_reg_numbers(raw: str) -> Valid[str] | Invalid:
    """One or several registration / patent numbers, as people type them ("№654321 и
    №765432", "654321 765432", commas, semicolons or one per line), each checked as
    :func:`check_reg_number`; the value has one number per line."""
    pieces = split_reg_numbers(raw)
    if isinstance(pieces, Invalid):
        return pieces
    if not pieces:
        return invalid(ERR_REGNUM_INVALID)
    if len(pieces) > MAX_RIGHTS:
        return invalid(ERR_REGNUM_TOO_MANY, count=len(pieces), max=MAX_RIGHTS)
    numbers: list[str] = []
    for piece in pieces:
        verdict = check_reg_number(piece)
        if isinstance(verdict, Invalid):
            return verdict
        if verdict.value not in numbers:
            numbers.append(verdict.value)
    return Valid("\n".join(numbers))


def count_lines(value: str) -> int:
    return len([line for line in value.splitlines() if line])


def check_offices(raw: str) -> Valid[str] | Invalid:
    """Where the rights are registered: one office, or one per line (or per semicolon)."""
    lines = [line.strip() for line in normalise_text(raw).replace(";", "\n").split("\n")]
    lines = [line for line in lines if line]
    verdicts = [check_free_text(line, max_len=300) for line in lines] or [check_free_text("")]
    bad = next((v for v in verdicts if isinstance(v, Invalid)), None)
    if bad is not None:
        return bad
    return Valid("\n".join(lines))


def offices_match(numbers: str, offices: str, layout: str | None = None) -> Invalid | None:
    """The offices fit the numbers: `layout` "same" wants one office for all, "each" one per
    number in the same order; without it (a draft from before the choice) either."""
    n, m = count_lines(numbers), count_lines(offices)
    if layout == "same" or n == 1:
        return None if m == 1 else invalid(ERR_OFFICES_ONE, offices=m)
    if m == n or (layout is None and m == 1):
        return None
    return invalid(ERR_OFFICES_COUNT, numbers=n, offices=m)


def rights_cited(numbers: str, offices: str) -> list[tuple[str, str]]:
    """(number, office) pairs: the office of its line, or the one office of all."""
    number_lines = [n for n in numbers.splitlines() if n]
    office_lines = [o for o in offices.splitlines() if o]
    if len(office_lines) == len(number_lines):
        return list(zip(number_lines, office_lines, strict=True))
    single = office_lines[0] if len(office_lines) == 1 else ""
    return [(n, single) for n in number_lines]


__all__ = [
    "ERR_OFFICES_COUNT",
    "ERR_OFFICES_ONE",
    "ERR_REGNUM_INVALID",
    "ERR_REGNUM_TOO_LONG",
    "ERR_REGNUM_TOO_MANY",
    "ERR_REGNUM_UNSURE",
    "ERR_TEXT_TOO_LONG",
    "ERR_TEXT_TOO_SHORT",
    "ERR_TEXT_VAGUE",
    "check_description",
    "check_free_text",
    "check_offices",
    "check_reg_number",
    "check_reg_numbers",
    "count_lines",
    "normalise_line",
    "normalise_text",
    "offices_match",
    "rights_cited",
    "split_reg_numbers",
]
