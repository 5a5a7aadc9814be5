"""A returning rights holder reuses the rights and authority documents of an earlier case."""

from __future__ import annotations

from dataclasses import replace

from dialogs.events import EarlierDocuments
from dialogs.model import FileSection
from tests.dialogs.test_engine import all_text, session_at, stored

CERTIFICATE = stored(501, "certificate.pdf", FileSection.RIGHTS_DOCS)
POA = stored(502, "poa.pdf", FileSection.AUTHORITY_DOCS)
EARLIER = (
    EarlierDocuments("IP-2026-000007", FileSection.RIGHTS_DOCS, (CERTIFICATE,)),
    EarlierDocuments("IP-2026-000007", FileSection.AUTHORITY_DOCS, (POA,)),
)


def returning_at(step: str):
    s = session_at(step)
    s.ctx = replace(s.ctx, earlier_documents=EARLIER)
    return s


def test_rights_documents_of_an_earlier_case_are_offered_and_added() -> None:
    s = returning_at("rights_docs")
    shown = s.command("help")
    assert "♻️ Reuse from IP-2026-000007 (1 file)" in [
        b.label for r in shown.replies for row in r.buttons for b in row
    ]
    outcome = s.press("p:rights_docs:IP-2026-000007")
    assert outcome.changed
    assert "1 document from case IP-2026-000007 added" in all_text(outcome)
    assert s.draft is not None
    assert [f.sha256 for f in s.draft.files_in(FileSection.RIGHTS_DOCS)] == [CERTIFICATE.sha256]
    # Reused once: the offer disappears, and the authority documents are not mixed in.
    assert not any(
        b.data.startswith("p:") for r in outcome.replies for row in r.buttons for b in row
    )
    assert s.draft.files_in(FileSection.AUTHORITY_DOCS) == []


def test_only_the_sections_own_documents_are_offered() -> None:
    s = returning_at("evidence_files")
    shown = s.command("help")
    assert not any(b.data.startswith("p:") for r in shown.replies for row in r.buttons for b in row)


def test_a_forged_reuse_of_someone_elses_case_changes_nothing() -> None:
    s = returning_at("authority_docs")
    before = s.draft
    outcome = s.press("p:authority_docs:IP-2026-000999")
    assert not outcome.changed and s.draft == before
    assert "out of date" in all_text(outcome) or "earlier message" in all_text(outcome)
