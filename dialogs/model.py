"""The data a complaint is made of: the draft being filled in and the case it becomes.

These models are the contract between the dialogue engine (which only transforms them),
storage (which persists them as JSON) and the shells (which render them).
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

Lang = Literal["en", "ru"]


def utcnow() -> datetime:
    return datetime.now(UTC)


class FileSection(StrEnum):
    """Which part of the complaint an uploaded file belongs to."""

    EVIDENCE = "evidence"
    RIGHTS_DOCS = "rights_docs"
    AUTHORITY_DOCS = "authority_docs"


class StoredFile(BaseModel):
    """An upload already saved in the content-addressed file store."""

    sha256: str
    name: str
    mime: str
    size: int
    section: FileSection
    telegram_file_id: str | None = None
    received_at: datetime = Field(default_factory=utcnow)
    from_case: str | None = None  # reused from this earlier case (its number), not uploaded


class Confirmation(BaseModel):
    """One explicit confirmation: the exact wording the claimant saw and when they agreed."""

    key: str
    text: str
    lang: Lang
    at: datetime


class Draft(BaseModel):
    """A complaint in progress, saved after every accepted answer: it *is* the conversation."""

    user_id: int
    chat_id: int
    lang: Lang = "en"
    step: str = "welcome"
    answers: dict[str, str] = Field(default_factory=dict)
    links: list[str] = Field(default_factory=list)
    # A link as the claimant pasted it (a short link from the app's Share button), by the
    # canonical link it led to; staff see both.
    link_sources: dict[str, str] = Field(default_factory=dict)
    files: list[StoredFile] = Field(default_factory=list)
    confirmations: dict[str, Confirmation] = Field(default_factory=dict)
    history: list[str] = Field(default_factory=list)
    editing_section: str | None = None  # set while a section is reopened from the review
    # Optional steps the platform switched on (settings) when this complaint was started,
    # e.g. "good_faith": the notifier's statement of good faith (EU DSA Art. 16(2)(d)).
    features: list[str] = Field(default_factory=list)
    revision: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    def files_in(self, section: FileSection) -> list[StoredFile]:
        return [f for f in self.files if f.section == section]


class CaseStatus(StrEnum):
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    INFO_REQUESTED = "info_requested"
    ACCEPTING = "accepting"  # accepted, the claimant not told yet: undo still possible
    REJECTING = "rejecting"  # rejected, likewise
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    FORWARDED = "forwarded"
    WITHDRAWN = "withdrawn"  # by the claimant, before a decision


class Case(BaseModel):
    """A submitted complaint. The `draft` snapshot is immutable; status and assignee move."""

    id: int
    number: str
    user_id: int
    chat_id: int
    lang: Lang
    status: CaseStatus = CaseStatus.SUBMITTED
    assignee_id: int | None = None
    assignee_name: str | None = None
    submitted_at: datetime
    draft: Draft
