"""Persistence for the intake bot: a database (SQLite through aiosqlite by default, or
PostgreSQL through asyncpg: ``DATABASE_URL``) and a content-addressed file store (a local folder
by default, or an S3-compatible bucket: ``FILE_STORE_URL``).

Stores take an explicit connection for writes so one ``db.transaction()`` can cover a draft save,
a case submission, its audit rows and outbox messages together.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from storage.audit import AuditEntry, AuditLog
from storage.backends.opening import open_database
from storage.case_events import CaseEvent, CaseEvents
from storage.case_search import CaseSearch
from storage.case_stats import CaseStats, PeriodStats
from storage.cases import CaseNotFoundError, CaseStore, case_number
from storage.database import Database
from storage.drafts import DraftStore, StaleDraftError
from storage.evidence_sessions import EvidenceSessions
from storage.files import ContentStore, FileStore, InvalidDigestError
from storage.inbox import Inbox
from storage.listing_outcomes import ListingOutcomes
from storage.migrations import MIGRATIONS, Migration, SchemaTooNewError
from storage.outbox import Outbox, OutboxItem
from storage.questions import CaseMessage, Question, QuestionStore
from storage.update_marks import UpdateMarks

FILES_DIRNAME = "files"
SPOOL_DIRNAME = "spool"  # uploads on their way to a remote file store


def open_file_store(
    url: str | None, data_dir: Path, *, s3_endpoint_url: str | None = None
) -> ContentStore:
    """``file:///path`` (or nothing: ``DATA_DIR/files``) or ``s3://bucket/prefix``."""
    if not url:
        return FileStore(Path(data_dir) / FILES_DIRNAME)
    scheme = url.split(":", 1)[0].lower()
    if scheme == "file":
        path = url.split(":", 1)[1].removeprefix("//")
        return FileStore(Path(path) if path else Path(data_dir) / FILES_DIRNAME)
    if scheme == "s3":
        from storage.objects import S3FileStore  # lazy: botocore is heavy, only s3:// needs it

        return S3FileStore.from_url(
            url, spool_dir=Path(data_dir) / SPOOL_DIRNAME, endpoint_url=s3_endpoint_url
        )
    raise ValueError(f"unsupported FILE_STORE_URL scheme {scheme!r} (file or s3)")


__all__ = [
    "FILES_DIRNAME",
    "MIGRATIONS",
    "SPOOL_DIRNAME",
    "AuditEntry",
    "AuditLog",
    "CaseEvent",
    "CaseEvents",
    "CaseMessage",
    "CaseNotFoundError",
    "CaseSearch",
    "CaseStats",
    "CaseStore",
    "ContentStore",
    "Database",
    "DraftStore",
    "EvidenceSessions",
    "FileStore",
    "Inbox",
    "InvalidDigestError",
    "ListingOutcomes",
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
    "open_file_store",
]


@dataclass(frozen=True)
class Storage:
    """Everything persistent, opened together from one data directory."""

    db: Database
    drafts: DraftStore
    cases: CaseStore
    files: ContentStore
    outbox: Outbox
    audit: AuditLog
    questions: QuestionStore
    updates: UpdateMarks
    inbox: Inbox
    case_events: CaseEvents
    search: CaseSearch
    stats: CaseStats
    evidence: EvidenceSessions
    listing_outcomes: ListingOutcomes

    @classmethod
    async def open(
        cls,
        data_dir: Path,
        *,
        database_url: str | None = None,
        file_store_url: str | None = None,
        s3_endpoint_url: str | None = None,
        db: Database | None = None,
    ) -> Storage:
        """SQLite and the local folder in ``data_dir`` unless the URLs say otherwise (or an
        already opened ``db`` is given)."""
        data_dir = Path(data_dir)
        if db is None:
            db = await open_database(database_url, data_dir)
        try:
            files = await asyncio.to_thread(
                open_file_store, file_store_url, data_dir, s3_endpoint_url=s3_endpoint_url
            )
        except BaseException:
            await db.close()
            raise
        audit = AuditLog(db)
        return cls(
            db=db,
            drafts=DraftStore(db),
            cases=CaseStore(db, audit),
            files=files,
            outbox=Outbox(db),
            audit=audit,
            questions=QuestionStore(db),
            updates=UpdateMarks(db),
            inbox=Inbox(db),
            case_events=CaseEvents(db),
            search=CaseSearch(db),
            stats=CaseStats(db),
            evidence=EvidenceSessions(db),
            listing_outcomes=ListingOutcomes(db),
        )

    async def close(self) -> None:
        await self.files.close()
        await self.db.close()
