"""Brands rely on several rights (a word mark and a logo, national and international): each
number is accepted with its office, listed in the review and carried to the dossier."""

from __future__ import annotations

import pytest

from dialogs.flow import STEPS
from dialogs.i18n import texts
from dialogs.render import plain_answer
from dialogs.validators import Invalid, Valid
from dialogs.validators.text import MAX_RIGHTS, check_reg_numbers, rights_cited
from tests.dialogs.test_engine import all_text, last, session_at


@pytest.mark.parametrize(
    ("raw", "numbers"),
    [
        ("654321, 765432", ["654321", "765432"]),
        ("654321;765432", ["654321", "765432"]),
        ("RU 654321\nWO 1234567", ["RU 654321", "WO 1234567"]),
        ("US 9,876,543 B2", ["US 9876543 B2"]),  # digit grouping, not two numbers
        ("654321, 654321", ["654321"]),
    ],
)
def test_several_numbers_are_read(raw, numbers):
    assert check_reg_numbers(raw) == Valid("\n".join(numbers))


def test_too_many_or_a_bad_one_is_refused():
    too_many = check_reg_numbers(", ".join(str(100000 + i) for i in range(MAX_RIGHTS + 1)))
    assert isinstance(too_many, Invalid) and too_many.code == "err-regnum-too-many"
    bad = check_reg_numbers("654321, logo")
    assert isinstance(bad, Invalid) and bad.code == "err-regnum-invalid"


def test_offices_pair_with_numbers():
    assert rights_cited("1\n2", "Rospatent") == [("1", "Rospatent"), ("2", "Rospatent")]
    assert rights_cited("1\n2", "Rospatent\nWIPO") == [("1", "Rospatent"), ("2", "WIPO")]


def test_a_brand_cites_a_word_mark_and_an_international_registration():
    s = session_at("rights_number")
    s.text("654321, WO 1234567")
    assert s.step == "offices_same"  # issue 15: one office for all (a button) or one each
    s.press("a:offices_same:each")
    assert s.step == "rights_jurisdiction"
    draft = s.draft
    mismatch = s.text("Rospatent\nWIPO\nEUIPO")
    assert not mismatch.changed and s.draft == draft
    assert "2 numbers, but 3 offices" in all_text(mismatch)
    s.text("Rospatent\nWIPO")
    assert s.step == "rights_holder"
    review = last(session_review(s))
    assert "654321 — Rospatent; WO 1234567 — WIPO" in review.text
    # The dossier (PDF) reads the same pairs.
    shown = plain_answer(s.draft, STEPS["rights_number"], texts("en"))
    assert shown == "654321 — Rospatent; WO 1234567 — WIPO"


def test_changing_the_numbers_asks_the_offices_again():
    s = session_at("review")
    s.press("e:review:rights")
    s.text("654321, 765432")
    assert s.step == "offices_same"
    s.press("a:offices_same:same")
    assert s.step == "rights_jurisdiction"
    assert "rights_jurisdiction" not in s.draft.answers


def session_review(s):
    from tests.dialogs.test_engine import walk

    walk(s, "review")
    return s.command("help")
