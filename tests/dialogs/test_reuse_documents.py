"""A returning rights holder reuses the rights and authority documents of an earlier case —
only of the same right holder (and right type), named, and only after saying yes."""

from __future__ import annotations

from dataclasses import replace

from dialogs.inputs import EarlierDocuments
from dialogs.model import FileSection
from tests.dialogs.test_engine import all_text, datas, session_at, stored
from tests.samples import TEXT_ANSWERS

HOLDER = TEXT_ANSWERS["rights_holder"]  # "Acme LLC", as the walk answers it
CERTIFICATE = stored(501, "certificate.pdf", FileSection.RIGHTS_DOCS)
POA = stored(502, "poa.pdf", FileSection.AUTHORITY_DOCS)
OTHER_CERTIFICATE = stored(503, "globex-certificate.pdf", FileSection.RIGHTS_DOCS)
OTHER_POA = stored(504, "globex-poa.pdf", FileSection.AUTHORITY_DOCS)
EARLIER = (
    EarlierDocuments(
        "IP-2026-000007", FileSection.RIGHTS_DOCS, (CERTIFICATE,), "ACME llc", "trademark"
    ),
    EarlierDocuments("IP-2026-000007", FileSection.AUTHORITY_DOCS, (POA,), "ACME llc", "trademark"),
    # The law firm's other client: never offered for Acme.
    EarlierDocuments(
        "IP-2026-000008", FileSection.RIGHTS_DOCS, (OTHER_CERTIFICATE,), "Globex", "trademark"
    ),
    EarlierDocuments(
        "IP-2026-000008", FileSection.AUTHORITY_DOCS, (OTHER_POA,), "Globex", "trademark"
    ),
)


def returning_at(step: str, earlier: tuple[EarlierDocuments, ...] = EARLIER, **choices: str):
    s = session_at(step, **choices)
    s.ctx = replace(s.ctx, earlier_documents=earlier)
    return s


def labels(outcome) -> list[str]:
    return [b.label for r in outcome.replies for row in r.buttons for b in row]


def test_the_same_holders_documents_are_named_asked_about_then_added() -> None:
    s = returning_at("rights_docs")
    shown = s.command("help")
    text = all_text(shown)
    assert "Documents filed for <b>ACME llc</b> with case IP-2026-000007: certificate.pdf" in text
    assert "globex" not in text.lower() and "p:rights_docs:IP-2026-000008" not in datas(shown)
    assert "♻️ Reuse from IP-2026-000007" in labels(shown)
    before = s.draft
    asked = s.press("p:rights_docs:IP-2026-000007")
    assert not asked.changed and s.draft == before
    assert "Attach to this step the documents of case IP-2026-000007" in all_text(asked)
    assert "certificate.pdf" in all_text(asked) and "ACME llc" in all_text(asked)
    assert datas(asked) == ["t:rights_docs:IP-2026-000007", "t:rights_docs:"]
    no = s.press("t:rights_docs:")
    assert not no.changed and s.draft == before
    outcome = s.press("t:rights_docs:IP-2026-000007")
    assert outcome.changed
    assert "1 document from case IP-2026-000007 added" in all_text(outcome)
    assert s.draft is not None
    assert [f.sha256 for f in s.draft.files_in(FileSection.RIGHTS_DOCS)] == [CERTIFICATE.sha256]
    # Reused once: the offer disappears, and the authority documents are not mixed in.
    assert not any(d.startswith("p:") for d in datas(outcome))
    assert s.draft.files_in(FileSection.AUTHORITY_DOCS) == []


def test_another_clients_documents_are_never_offered_nor_attachable() -> None:
    s = returning_at("authority_docs")
    shown = s.command("help")
    assert "p:authority_docs:IP-2026-000008" not in datas(shown)
    before = s.draft
    forged = s.press("t:authority_docs:IP-2026-000008")
    assert not forged.changed and s.draft == before


def test_rights_documents_of_another_right_type_are_not_offered() -> None:
    s = returning_at("rights_docs", right_type="copyright")
    assert not any(d.startswith("p:") for d in datas(s.command("help")))
    # Authority documents do not depend on the right type: still offered.
    s2 = returning_at("authority_docs", right_type="copyright")
    assert "p:authority_docs:IP-2026-000007" in datas(s2.command("help"))


def test_a_rejected_case_is_said_to_be_rejected() -> None:
    rejected = tuple(replace(e, rejected=True) for e in EARLIER)
    s = returning_at("rights_docs", rejected)
    assert "that case was <b>rejected</b>" in all_text(s.command("help"))
    asked = s.press("p:rights_docs:IP-2026-000007")
    assert "That case was rejected" in all_text(asked)


def test_only_the_sections_own_documents_are_offered() -> None:
    s = returning_at("evidence_files")
    shown = s.command("help")
    assert not any(d.startswith("p:") for d in datas(shown))


def test_a_forged_reuse_of_someone_elses_case_changes_nothing() -> None:
    s = returning_at("authority_docs")
    before = s.draft
    outcome = s.press("p:authority_docs:IP-2026-000999")
    assert not outcome.changed and s.draft == before
    assert "out of date" in all_text(outcome) or "earlier message" in all_text(outcome)
