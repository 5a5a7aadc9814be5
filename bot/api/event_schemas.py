"""The case events' bodies as models, one per type: the JSON Schemas of the OpenAPI document's
`webhooks` section (and of `GET /api/v1/events`). The bodies themselves are written by
`storage.case_events` (the same bytes are signed and served); the tests validate every event
delivered against these schemas. Fields may be added to `data` without a new schema version,
so its objects allow more properties than they name."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from bot.staff.workflow import CaseEvent
from dialogs.model import CaseStatus
from storage.case_events import SCHEMA_VERSION, event_type
from storage.listing_outcomes import ListingOutcome


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ActedData(Open):
    action: str = Field(description="The workflow action that made the change")
    actor: Literal["staff", "claimant", "system"]
    actor_name: str | None = Field(None, description="Staff member's name or `api:<key>`")


class SubmittedData(Open):
    pass


class QuestionData(ActedData):
    question_id: int
    question: str


class MessageData(ActedData):
    text: str
    files: list[str] = Field(description="sha256 of each file sent with it")


class AnswerData(MessageData):
    question_id: int


class DecidedListing(Open):
    link: str
    outcome: Literal["accepted", "rejected"]
    reason: str | None = None


class DecisionData(ActedData):
    decision: Literal["accept", "reject"]
    reason: str | None = None
    note: str | None = None
    listings: list[DecidedListing]


class ForwardedData(ActedData):
    seller_notice: str = Field(description="sha256 of the seller notice PDF")
    seller_notice_name: str
    seller_notice_pdf: str = Field(description="The seller notice PDF, base64")
    listings: list[DecidedListing]


class ReportedListing(Open):
    listing: int = Field(description="1-based, in the order of the complaint")
    link: str
    outcome: ListingOutcome
    at: datetime


class ListingOutcomesData(ActedData):
    listings: list[ReportedListing]


DATA: dict[CaseEvent, type[Open]] = {
    CaseEvent.SUBMITTED: SubmittedData,
    CaseEvent.TAKEN: ActedData,
    CaseEvent.QUESTION: QuestionData,
    CaseEvent.ANSWER: AnswerData,
    CaseEvent.EVIDENCE: MessageData,
    CaseEvent.DECISION: DecisionData,
    CaseEvent.FORWARDED: ForwardedData,
    CaseEvent.WITHDRAWN: ActedData,
    CaseEvent.LISTING_OUTCOME: ListingOutcomesData,
}


def _title(event: CaseEvent) -> str:
    return "CaseEvent" + "".join(part.title() for part in event.value.split("_"))


def envelope(event: CaseEvent) -> type[BaseModel]:
    """The model of one event type's whole body."""
    fields: dict[str, object] = {
        "type": (Literal[event_type(event.value)], ...),
        "schema_version": (Literal[SCHEMA_VERSION], ...),
        "event_id": (int, Field(description="Increasing; the `webhook-id` of its delivery")),
        "kind": (Literal[event.value], ...),
        "case_id": (int, ...),
        "case_number": (str, ...),
        "at": (datetime, Field(description="When the change was made")),
        "status": (CaseStatus, Field(description="The case's status right after the change")),
        "assignee": (str | None, ...),
        "data": (DATA[event], ...),
    }
    return create_model(  # type: ignore[call-overload]
        _title(event), __base__=Open, **fields
    )


EVENT_MODELS: dict[CaseEvent, type[BaseModel]] = {event: envelope(event) for event in CaseEvent}
