"""Changing a section from the review: only what is changed changes, and the claimant comes back
to the review; "Submit" is offered only when nothing required is missing."""

from __future__ import annotations

import pytest

from tests.e2e.claimant import Claimant, Complaint, pdf
from tests.e2e.conftest import CLAIMANT, STAFF_CHAT_ID, RunningBot
from tests.fake_telegram import FakeTelegram

SUBMIT = "✅ Submit the complaint"


async def load(running_bot: RunningBot):  # type: ignore[no-untyped-def]
    assert running_bot.app is not None
    draft = await running_bot.app.storage.drafts.load(CLAIMANT)
    assert draft is not None
    return draft


async def test_edit_contacts_from_review(fake: FakeTelegram, running_bot: RunningBot) -> None:
    anna = Claimant(fake, CLAIMANT)
    review = await anna.reaches("review", Complaint(role="representative"))
    assert "Email: anna@example.com" in (review.text or "")
    assert SUBMIT in review.button_texts
    before = await load(running_bot)

    name = await anna.presses("✏️ Contacts", expect="Your full name")
    assert "Saved answer: Anna Smirnova" in (name.text or "")
    org = await anna.presses("Keep the saved answer", expect="Your organisation")
    assert "Saved answer: Smirnova & Partners" in (org.text or "")
    email = await anna.presses("Skip", expect="Your email")
    assert "Saved answer: anna@example.com" in (email.text or "")
    await anna.says("not-an-email", expect="does not look like an email")
    phone = await anna.says("anna.smirnova@example.org", expect="Your phone number")
    assert "Saved answer: +79161234567" in (phone.text or "")
    back = await anna.presses("Keep the saved answer", expect="Review your complaint")

    text = back.text or ""
    assert "Email: anna.smirnova@example.org" in text
    assert "anna@example.com" not in text
    assert "Organisation: —" in text
    assert "Name: Anna Smirnova" in text
    assert "Phone: +7 916 123-45-67" in text
    assert "Right holder: Romashka LLC" in text
    assert SUBMIT in back.button_texts

    after = await load(running_bot)
    assert after.step == "review"
    changed = {"contact_email", "contact_org"}
    assert {k: v for k, v in after.answers.items() if k not in changed} == {
        k: v for k, v in before.answers.items() if k not in changed
    }
    assert after.answers["contact_email"] == "anna.smirnova@example.org"
    assert "contact_org" not in after.answers
    assert (after.links, after.files, after.confirmations) == (
        before.links,
        before.files,
        before.confirmations,
    )

    receipt = await anna.presses("Submit", expect="Case number")
    assert "anna.smirnova@example.org" in (receipt.text or "")


async def test_edit_right_type_asks_the_work_description_and_the_rights_documents_again(
    fake: FakeTelegram, running_bot: RunningBot
) -> None:
    anna = Claimant(fake, CLAIMANT)
    review = await anna.reaches("review")
    assert "Registration / patent numbers: 654321 — Russia, Rospatent" in (review.text or "")
    before = await load(running_bot)

    right = await anna.presses("✏️ The right", expect="Which right has been infringed?")
    assert "✓ Trademark / counterfeit" in right.button_texts
    asked = await anna.presses("Copyright", expect="Describe the work or other right")
    assert "number" not in (asked.text or "")
    # The trademark certificate is no copyright document: asked for again, never "complete".
    docs = await anna.says(
        "Photographs of our bags, series Spring, 2023", expect="documents of your copyright"
    )
    assert any(
        "asked again: Documents of rights" in (m.text or "") for m in fake.messages(CLAIMANT)
    )
    assert "certificate.pdf" not in (docs.text or "")
    await anna.attaches(pdf("contract"), "contract.pdf")
    back = await anna.presses("Done", expect="Review your complaint")
    text = back.text or ""
    assert "Right: copyright and other rights" in text
    assert "Documents of rights: 1 file: contract.pdf" in text
    assert "The work or other right: Photographs of our bags, series Spring, 2023" in text
    assert "Registration / patent number" not in text
    assert "Right holder: Romashka LLC" in text
    assert SUBMIT in back.button_texts
    after = await load(running_bot)
    assert after.answers["right_type"] == "copyright"
    assert after.links == before.links
    assert [f.name for f in after.files if f.section == "rights_docs"] == ["contract.pdf"]
    assert [f for f in after.files if f.section != "rights_docs"] == [
        f for f in before.files if f.section != "rights_docs"
    ]

    # Submitted without the trademark's number and office, which no longer apply.
    await anna.presses("Submit", expect="Case number")
    assert running_bot.app is not None
    [case] = await running_bot.app.storage.cases.list_for_user(CLAIMANT)
    assert case.draft.answers["work_description"].startswith("Photographs")
    assert "rights_number" not in case.draft.answers
    assert "rights_jurisdiction" not in case.draft.answers


async def test_submit_is_offered_only_when_nothing_is_missing(
    fake: FakeTelegram, running_bot: RunningBot
) -> None:
    anna = Claimant(fake, CLAIMANT)
    review = await anna.reaches("review")
    assert SUBMIT in review.button_texts
    submit_data = next(d for d in review.callback_datas if d.startswith("u:"))

    # Edit the authority documents, remove them, and go back to the review without any.
    docs = await anna.presses("✏️ Authority docs", expect="Step 8 of 10")
    assert "authority.pdf" in (docs.text or "")
    await anna.presses("Remove a file", expect="Which one should go?")
    removed = await anna.presses("✖ 1", expect="Removed: 1")
    emptied = await anna.until_button("Back", after=removed.message_id)
    assert "Done" not in " ".join(emptied.button_texts)  # no "Done" without a file
    incomplete = await anna.says("/back", expect="Review your complaint")
    text = incomplete.text or ""
    assert "Still missing (1):" in text
    assert "• Documents of authority" in text
    assert "Everything needed is here" not in text
    assert SUBMIT not in incomplete.button_texts
    assert not any(d.startswith("u:") for d in incomplete.callback_datas)

    # A forged or old "Submit" does not file an incomplete complaint.
    press = fake.forge_callback(CLAIMANT, CLAIMANT, incomplete.message_id, submit_data)
    await fake.wait_for_callback_answer(press)
    again = await fake.wait_for_message(
        CLAIMANT, lambda m: "Review your complaint" in (m.text or ""), after=incomplete
    )
    assert SUBMIT not in again.button_texts
    assert all("Case number" not in (m.text or "") for m in fake.messages(CLAIMANT))
    assert fake.messages(STAFF_CHAT_ID) == []
    assert (await load(running_bot)).step == "review"

    # Once the document is there again, "Submit" is back.
    await anna.presses("✏️ Authority docs", expect="Step 8 of 10")
    await anna.attaches(pdf("new authority"), "authority-2.pdf")
    complete = await anna.presses("Done", expect="Review your complaint")
    assert "Documents of authority: 1 file: authority-2.pdf" in (complete.text or "")
    assert "Still missing" not in (complete.text or "")
    assert SUBMIT in complete.button_texts
    await anna.presses("Submit", expect="Case number")


@pytest.mark.parametrize(
    ("button", "section", "presses"),
    [
        ("Listings", "Infringing listings", ["Done"]),
        ("Evidence", "Evidence of the infringement", ["Done", "Skip"]),
        ("Proof of rights", "Documents of your rights", ["Done"]),
    ],
)
async def test_keeping_a_section_as_it_is_returns_to_review_unchanged(
    fake: FakeTelegram, running_bot: RunningBot, button: str, section: str, presses: list[str]
) -> None:
    anna = Claimant(fake, CLAIMANT)
    await anna.reaches("review")
    before = await load(running_bot)
    await anna.presses(f"✏️ {button}", expect=section)
    for label in presses[:-1]:
        await anna.presses(label, expect="Step ")
    back = await anna.presses(presses[-1], expect="Review your complaint")
    assert SUBMIT in back.button_texts
    after = await load(running_bot)
    keep = {"revision", "updated_at", "history"}
    assert after.model_dump(exclude=keep) == before.model_dump(exclude=keep)
