"""Cases as the API shows them, read from the same stores the staff card is drawn from."""

from __future__ import annotations

from bot.api.models import (
    CaseDetail,
    CaseSummary,
    Claimant,
    DecisionView,
    FileView,
    HistoryEntry,
    ListingView,
)
from bot.staff.apply import SELLER_NOTICE_SECTION
from bot.staff.decision_protocol import ACCEPTED_MARK, CONFIRMED, Decision
from bot.staff.workflow import DECIDED, RULE, Action
from dialogs.model import Case, CaseStatus
from storage import Storage

DECISION_ENTRIES = (*CONFIRMED, RULE[Action.UNDO].audit, RULE[Action.FORWARD].audit)


def case_summary(case: Case, username: str | None = None) -> CaseSummary:
    return CaseSummary(
        id=case.id,
        number=case.number,
        status=case.status,
        right_type=case.draft.answers.get("right_type"),
        submitted_at=case.submitted_at,
        claimant=Claimant(user_id=case.user_id, username=username, lang=case.lang),
        assignee=case.assignee_name,
        listings=len(case.draft.links),
    )


async def case_detail(storage: Storage, case: Case) -> CaseDetail:
    trail = await storage.audit.for_case(case.id)
    confirmed = [e for e in trail if e.action in CONFIRMED]
    decided = case.status in DECIDED and case.status is not CaseStatus.WITHDRAWN and confirmed
    outcomes = (
        Decision.of(confirmed[-1].detail).outcomes(len(case.draft.links)) if decided else None
    )
    reported = await storage.listing_outcomes.current(case.id)
    links = []
    for index, link in enumerate(case.draft.links, 1):
        mark = outcomes[index - 1] if outcomes else None
        got = reported.get(index)
        links.append(
            ListingView(
                index=index,
                link=link,
                decision="pending"
                if mark is None
                else "accepted"
                if mark == ACCEPTED_MARK
                else "rejected",
                reason=None if mark in (None, ACCEPTED_MARK) else mark,
                outcome=got.outcome if got else None,
                outcome_at=got.at if got else None,
            )
        )
    files = [
        FileView(sha256=f.sha256, name=f.name, section=f.section.value, size=f.size, mime=f.mime)
        for f in case.draft.files
    ]
    files += [
        FileView(sha256=sha256, name=name, section=SELLER_NOTICE_SECTION, mime="application/pdf")
        for sha256, name in await storage.cases.files_of(case.id, SELLER_NOTICE_SECTION)
    ]
    decisions = [
        DecisionView(
            action=e.action,
            by=e.actor_name,
            at=e.at,
            reason=e.detail.get("reason"),
            note=e.detail.get("note") or None,
            listings=e.detail.get("listings") if e.action in CONFIRMED else None,
        )
        for e in trail
        if e.action in DECISION_ENTRIES
    ]
    summary = case_summary(case, await storage.cases.claimant_username(case.id))
    return CaseDetail(
        **summary.model_dump(),
        answers=case.draft.answers,
        links=links,
        files=files,
        decisions=decisions,
        history=[HistoryEntry(action=e.action, by=e.actor_name, at=e.at) for e in trail],
    )


def case_files(case: Case, extra: list[tuple[str, str]]) -> dict[str, tuple[str, str | None]]:
    """sha256 → (name, mime) of every file of the case (the claimant's, and those made for
    it such as the seller notice)."""
    files: dict[str, tuple[str, str | None]] = {
        f.sha256: (f.name, f.mime) for f in case.draft.files
    }
    for sha256, name in extra:
        files.setdefault(sha256, (name, "application/pdf"))
    return files
