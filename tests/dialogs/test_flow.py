"""The intake tree as declared, and the questions each kind of claimant is actually asked."""

from __future__ import annotations

import pytest

from dialogs.flow import FLOW, REJECTIONS, SECTIONS, STEPS
from dialogs.model import FileSection
from dialogs.progress import applicable_steps, missing_steps
from dialogs.steps import Kind, always, answer_is
from tests.dialogs.test_engine import Session, last, walk
from tests.intake_path import intake_path

# The platform's order, pinned: the one explicit list of it in the tests (a right holder's
# trademark complaint, one number). Every other path in the tests derives from `dialogs/`
# (`tests.intake_path`); this list holds that declaration to the order the platform asks for.
TRADEMARK_PATH = [
    "welcome",
    "screen_listing",
    "screen_matter",
    "role",
    "right_type",
    "rights_number",
    "rights_jurisdiction",
    "rights_holder",
    "infringement_description",
    "claim_subject",
    "links",
    "evidence_files",
    "evidence_note",
    "rights_docs",
    "authority_docs",
    "contact_name",
    "contact_org",
    "contact_email",
    "contact_phone",
    "disclosure",
    "seller_contacts",  # issue 15: which contacts the seller may see
    "confirm_data_processing",
    "confirm_third_party",
    "confirm_authorised",
    "review",
]
# The copyright path asks for the work instead of the number and its office.
TRADEMARK_ONLY = ["rights_number", "rights_jurisdiction"]


def test_flow_shape():
    ids = [step.id for step in FLOW]
    assert len(ids) == len(set(ids)) == len(STEPS)
    assert FLOW[0].kind is Kind.INFO and FLOW[-1].kind is Kind.REVIEW
    numbers = [step.section.number for step in FLOW]
    assert numbers == sorted(numbers), "sections appear in order"
    assert [s.number for s in SECTIONS] == list(range(1, 11))
    assert {step.section for step in FLOW[1:-1]} == set(SECTIONS)
    assert FLOW[1].section.id == "screening", "screening comes before anything is typed"


def test_every_step_is_complete_for_its_kind():
    for step in FLOW:
        assert (step.validator is not None) == (step.kind is Kind.TEXT), step.id
        assert (step.file_section is not None) == (step.kind is Kind.FILES), step.id
        assert bool(step.options) == (step.kind in (Kind.CHOICE, Kind.PICK)), step.id
    sections = [step.file_section for step in FLOW if step.file_section]
    assert sorted(sections) == sorted(FileSection)


def test_conditions_refer_to_earlier_choices_and_real_options():
    for index, step in enumerate(FLOW):
        if step.when is always or not hasattr(step.when, "key"):
            continue  # always, or a setting (feature_on)
        key, values = step.when.key, step.when.values
        source = STEPS[key]
        assert FLOW.index(source) < index, f"{step.id} depends on a later answer"
        assert set(values) <= {o.id for o in source.options}, step.id


def test_answer_is_exposes_what_it_checks():
    condition = answer_is("right_type", "trademark", "patent")
    assert (condition.key, condition.values) == ("right_type", ("trademark", "patent"))
    assert condition.__doc__ == "right_type in ('trademark', 'patent')"


def test_rejections_are_the_four_matters_not_considered_and_what_is_not_ip():
    assert set(REJECTIONS) == {"no_listing", "not_ip", "distributor", "resale", "advice"}
    screening = [step for step in FLOW if step.section.id == "screening"]
    assert {o.reject for s in screening for o in s.options if o.reject} == set(REJECTIONS)


def test_disclosure_comes_before_the_three_confirmations():
    confirms = [step.id for step in FLOW if step.kind is Kind.CONFIRM]
    assert confirms == [
        "disclosure",
        "confirm_data_processing",
        "confirm_third_party",
        "confirm_authorised",
        "confirm_good_faith",  # only when the platform switches it on
    ]
    assert STEPS["confirm_good_faith"].when.__doc__ == "good_faith enabled"


def _asked(**choices: str) -> tuple[list[str], Session]:
    s = walk(Session(), "review", **choices)
    return s.seen, s


def test_trademark_path():
    seen, s = _asked(right_type="trademark")
    assert seen == TRADEMARK_PATH
    assert intake_path(s.draft.answers, s.draft.files) == seen
    s.press("e:review:rights_docs")
    assert "trademark certificate" in last(s.command("help")).text


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("invention", "for the invention"),
        ("industrial_design", "for the industrial design"),
        ("utility_model", "for the utility model"),
    ],
)
def test_patent_paths(kind, words):
    s = walk(Session(), "rights_number", right_type="patent", patent_kind=kind)
    assert s.seen[-2:] == ["patent_kind", "rights_number"]
    assert "<b>patent number</b>" in last(s.command("help")).text
    walk(s, "rights_docs", right_type="patent", patent_kind=kind)
    assert words in last(s.command("help")).text
    walk(s, "review", right_type="patent", patent_kind=kind)
    assert "work_description" not in s.seen
    assert s.draft.answers["patent_kind"] == kind


def test_copyright_path():
    seen, s = _asked(right_type="copyright")
    where = TRADEMARK_PATH.index(TRADEMARK_ONLY[0])
    after = where + len(TRADEMARK_ONLY)
    assert seen == [*TRADEMARK_PATH[:where], "work_description", *TRADEMARK_PATH[after:]]
    assert intake_path(s.draft.answers, s.draft.files) == seen
    assert "rights_number" not in s.draft.answers and "patent_kind" not in seen
    s.press("e:review:rights_docs")
    assert "certificate of deposit" in last(s.command("help")).text


@pytest.mark.parametrize(
    ("role", "phrase"),
    [
        ("holder", "proving that you are the right holder"),
        ("representative", "<b>power of attorney</b>"),
    ],
)
def test_role_changes_the_authority_prompt(role, phrase):
    s = walk(Session(), "authority_docs", role=role)
    text = last(s.command("help")).text
    assert phrase in text
    assert "letter of consent" in text and "<b>not</b>" in text


def test_claim_subject_other_asks_what_else():
    seen, s = _asked(claim_subject="other")
    assert seen[seen.index("claim_subject") + 1] == "claim_subject_other"
    assert "claim_subject_other" in s.draft.answers
    plain, _ = _asked(claim_subject="remove_listings")
    assert "claim_subject_other" not in plain


def test_applicable_and_missing_follow_the_answers():
    s = walk(Session(), "review", right_type="copyright")
    assert missing_steps(s.draft) == []
    ids = [step.id for step in applicable_steps(s.draft)]
    assert "work_description" in ids and "rights_number" not in ids
    switched = s.draft.model_copy(update={"answers": {**s.draft.answers, "right_type": "patent"}})
    assert [step.id for step in missing_steps(switched)] == [
        "patent_kind",
        "rights_number",
        "rights_jurisdiction",
    ]
