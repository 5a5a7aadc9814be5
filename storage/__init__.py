"""Persistence for the intake bot: SQLite through aiosqlite plus a content-addressed file store.

Stores take an explicit connection for writes so one ``db.transaction()`` can cover a draft save,
a case submission, its audit rows and outbox messages together.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from storage.audit import AuditEntry, AuditLog
from storage.case_events import CaseEvent, CaseEvents
from storage.case_search import CaseSearch
from storage.case_stats import CaseStats, PeriodStats
from storage.cases import CaseNotFoundError, CaseStore, case_number
from storage.database import Database
from storage.drafts import DraftStore, StaleDraftError
from storage.evidence_sessions import EvidenceSessions
from storage.files import FileStore, InvalidDigestError
from storage.inbox import Inbox
from storage.migrations import MIGRATIONS, Migration, SchemaTooNewError
from storage.outbox import Outbox, OutboxItem
from storage.questions import CaseMessage, Question, QuestionStore
from storage.update_marks import UpdateMarks

FILES_DIRNAME = "files"

__all__ = [
    "FILES_DIRNAME",
    "MIGRATIONS",
    "AuditEntry",
    "AuditLog",
    "CaseEvent",
    "CaseEvents",
    "CaseMessage",
    "CaseNotFoundError",
    "CaseSearch",
    "CaseStats",
    "CaseStore",
    "Database",
    "DraftStore",
    "EvidenceSessions",
    "FileStore",
    "Inbox",
    "InvalidDigestError",
    "Migration",
    "Outbox",
    "OutboxItem",
    "PeriodStats",
    "Question",
    "QuestionStore",
    "SchemaTooNewError",
    "StaleDraftError",
    "Storage",
    "UpdateMarks",
    "case_number",
]


@dataclass(frozen=True)
class Storage:
    """Everything persistent, opened together from one data directory."""

    db: Database
    drafts: DraftStore
    cases: CaseStore
    files: FileStore
    outbox: Outbox
    audit: AuditLog
    questions: QuestionStore
    updates: UpdateMarks
    inbox: Inbox
    case_events: CaseEvents
    search: CaseSearch
    stats: CaseStats
    evidence: EvidenceSessions

    @classmethod
    async def open(cls, data_dir: Path) -> Storage:
        data_dir = Path(data_dir)
        db = await Database.open(data_dir)
        audit = AuditLog(db)
        return cls(
            db=db,
            drafts=DraftStore(db),
            cases=CaseStore(db, audit),
            files=FileStore(data_dir / FILES_DIRNAME),
            outbox=Outbox(db),
            audit=audit,
            questions=QuestionStore(db),
            updates=UpdateMarks(db),
            inbox=Inbox(db),
            case_events=CaseEvents(db),
            search=CaseSearch(db),
            stats=CaseStats(db),
            evidence=EvidenceSessions(db),
        )

    async def close(self) -> None:
        await self.db.close()
