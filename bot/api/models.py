"""Every request and response body of the case API, as pydantic models: the handlers validate
and answer with them, and the OpenAPI document is generated from them (`bot.api.openapi`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from bot.staff.decision_protocol import REJECT_REASONS
from dialogs.model import CaseStatus, FileSection
from storage.listing_outcomes import ListingOutcome

MAX_LIMIT = 200  # cases or events a page
DEFAULT_LIMIT = 50
RejectReason = Literal["out_of_scope", "documents_missing", "no_authority", "not_platform_listing"]
assert set(RejectReason.__args__) == set(REJECT_REASONS)  # type: ignore[attr-defined]


class Strict(BaseModel):
    """A request body: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


# --- errors -------------------------------------------------------------------------------


class Problem(BaseModel):
    """Every error: a stable `code` to branch on, and words for people."""

    code: str = Field(examples=["not_found"])
    message: str
    details: list[dict[str, Any]] | None = None


# --- reading cases ------------------------------------------------------------------------


class Claimant(BaseModel):
    user_id: int = Field(description="The claimant's Telegram user id")
    username: str | None = Field(None, description="Their Telegram @username when they filed")
    lang: Literal["en", "ru"]


class CaseSummary(BaseModel):
    id: int
    number: str = Field(examples=["IP-2026-000042"])
    status: CaseStatus
    right_type: str | None = Field(None, examples=["trademark"])
    submitted_at: datetime
    claimant: Claimant
    assignee: str | None = Field(None, description="Who holds the case (`api:<key>` for a key)")
    listings: int = Field(description="How many listings the complaint names")


class CasePage(BaseModel):
    cases: list[CaseSummary]
    next_cursor: str | None = Field(
        None, description="Pass as `cursor` for the next page; null on the last page"
    )


class ListingView(BaseModel):
    index: int = Field(description="1-based, in the order of the complaint")
    link: str
    decision: Literal["pending", "accepted", "rejected"]
    reason: str | None = Field(None, description="The reason code of a rejected listing")
    outcome: ListingOutcome | None = Field(None, description="As the marketplace reported it")
    outcome_at: datetime | None = None


class FileView(BaseModel):
    sha256: str = Field(pattern="^[0-9a-f]{64}$")
    name: str
    section: str = Field(examples=[s.value for s in FileSection])
    size: int | None = None
    mime: str | None = None


class DecisionView(BaseModel):
    """A decision confirmed (accepted or rejected), undone, or a case forwarded."""

    action: str = Field(examples=["accepted", "rejected", "decision-undone", "forwarded"])
    by: str | None = Field(description="Who: a staff member's name or `api:<key>`")
    at: datetime
    reason: str | None = None
    note: str | None = None
    listings: list[str] | None = Field(
        None, description="Per listing: `+` accepted, else the reason code"
    )


class HistoryEntry(BaseModel):
    action: str
    by: str | None
    at: datetime


class CaseDetail(CaseSummary):
    answers: dict[str, str] = Field(description="The complaint's answers by question id")
    links: list[ListingView]
    files: list[FileView]
    decisions: list[DecisionView]
    history: list[HistoryEntry]


# --- acting on a case ---------------------------------------------------------------------


class TakeRequest(Strict):
    """Take the case (no fields)."""


class QuestionRequest(Strict):
    question: Annotated[str, Field(min_length=1, max_length=2000)]


class ListingDecision(Strict):
    index: Annotated[int, Field(ge=1, le=1000)]
    accept: bool
    reason: RejectReason | None = Field(None, description="Required when `accept` is false")


class DecideRequest(Strict):
    """Accept or reject every listing (`decision`), or decide each (`listings`)."""

    decision: Literal["accept", "reject", "per_listing"]
    reason: RejectReason | Literal["other"] | None = Field(
        None, description="Required to reject every listing"
    )
    note: Annotated[str, Field(max_length=1000)] = ""
    listings: list[ListingDecision] | None = Field(
        None, max_length=1000, description="With `per_listing`: one entry for every listing"
    )


class OutcomeRequest(Strict):
    outcome: ListingOutcome
    at: AwareDatetime = Field(description="When it happened (with a time zone)")


class ActionResult(BaseModel):
    case: CaseDetail
    decision_stands_at: datetime | None = Field(
        default=None,
        description="A decision: when the undo window ends and the claimant is told",
    )


class QuestionResult(BaseModel):
    question_id: int
    case: CaseDetail


class OutcomeResult(BaseModel):
    changed: bool = Field(description="False: the listing already stood so (nothing told)")
    case: CaseDetail


# --- events -------------------------------------------------------------------------------


class EventPage(BaseModel):
    events: list[dict[str, Any]] = Field(
        description="The same JSON as the webhook delivers (see the `webhooks` section)"
    )
    next_after: int | None = Field(
        description="Pass as `after` for the next events (the last id here; unchanged if none)"
    )
