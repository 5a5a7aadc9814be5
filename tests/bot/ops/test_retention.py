"""The retention job with a moved clock, on a real SQLite file: drafts (after a notice a day
before), sent messages' texts and closed cases' personal data go; everything else stays."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config.settings import Settings
from bot.ops.retention import Retention
from bot.outbox.messages import ComposeDossier, parse_message
from bot.staff.submission import compose_staff_dossier
from dialogs.model import CaseStatus, Draft, FileSection, StoredFile
from storage import Storage
from tests.bot.ops.cases import CLAIMANT_EMAIL, file_case

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
ABANDONED, ACTIVE = 2001, 2002


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def draft_with_file(storage: Storage, user_id: int, data: bytes, at: datetime) -> Draft:
    sha = await storage.files.put_async(data)
    stored = StoredFile(
        sha256=sha,
        name="scan.pdf",
        mime="application/pdf",
        size=len(data),
        section=FileSection.EVIDENCE,
    )
    draft = Draft(
        user_id=user_id, chat_id=user_id, lang="ru", step="evidence_files", files=[stored]
    )
    return await storage.drafts.save(draft, now=at)


async def test_retention_with_a_moved_clock(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)  # 30 days, 30 days, 36 months
    storage = await Storage.open(settings.data_dir)
    try:
        abandoned = await draft_with_file(storage, ABANDONED, b"%PDF-1.4 abandoned", T0)
        old = await file_case(storage, settings, 3001, seed=1, now=T0 - timedelta(days=1200))
        recent = await file_case(storage, settings, 3002, seed=2, now=T0 - timedelta(days=100))
        still_open = await file_case(storage, settings, 3003, seed=3, now=T0 - timedelta(days=1200))
        async with storage.db.transaction() as conn:
            for case, at in ((old, T0 - timedelta(days=1100)), (recent, T0 - timedelta(days=90))):
                await storage.cases.set_status(
                    conn,
                    case.id,
                    CaseStatus.REJECTED,
                    actor_id=501,
                    actor_name="Sergey",
                    action="rejected",
                    now=at,
                )
        receipts = await storage.outbox.due(T0)
        for item in receipts:
            await storage.outbox.mark_sent(item.id, {"message_id": 1}, now=T0)

        clock = Clock(T0 + timedelta(days=29, hours=1))
        retention = Retention(storage, settings, clock)
        await draft_with_file(storage, ACTIVE, b"%PDF-1.4 active", clock.now)
        swept = await retention.sweep()
        # A day before: the claimant is told, in their language, through the outbox.
        assert swept.warned == 1 and swept.drafts_deleted == 0
        notices = [i for i in await storage.outbox.due(clock.now) if i.chat_id == ABANDONED]
        assert len(notices) == 1
        assert "будет удалена завтра" in notices[0].payload["text"]
        assert (await retention.sweep()).warned == 0  # told once
        # Old closed cases lose their personal data; a recent one and an open one keep theirs.
        assert swept.cases_erased == 1
        erased = await storage.cases.get(old.id)
        assert erased is not None and erased.number == old.number
        assert erased.status is CaseStatus.REJECTED and erased.submitted_at == old.submitted_at
        assert erased.draft.answers["contact_email"] == "[erased]"
        assert [f.sha256 for f in erased.draft.files] == [f.sha256 for f in old.draft.files]
        for kept in (recent, still_open):
            case = await storage.cases.get(kept.id)
            assert case is not None and case.draft.answers["contact_email"] == CLAIMANT_EMAIL

        clock.now += timedelta(days=1)  # a day after the notice
        swept = await retention.sweep()
        assert swept.drafts_deleted == 1
        assert await storage.drafts.load(ABANDONED) is None
        assert not storage.files.exists(abandoned.files[0].sha256)
        active = await storage.drafts.load(ACTIVE)
        assert active is not None and storage.files.exists(active.files[0].sha256)
        # Messages sent over 30 days ago keep no text; unsent ones keep theirs.
        # (the erased case's were forgotten with it)
        assert swept.outbox_forgotten == len([i for i in receipts if i.case_id != old.id])
        for item in receipts:
            forgotten = await storage.outbox.get(item.id)
            assert forgotten is not None and forgotten.payload == {} and forgotten.result is None
        assert all(i.payload for i in await storage.outbox.due(clock.now))
        assert (await retention.sweep()).outbox_forgotten == 0
    finally:
        await storage.close()


async def test_a_draft_touched_after_the_notice_is_kept(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)
    storage = await Storage.open(settings.data_dir)
    try:
        draft = await draft_with_file(storage, ABANDONED, b"%PDF-1.4 resumed", T0)
        clock = Clock(T0 + timedelta(days=29, hours=1))
        retention = Retention(storage, settings, clock)
        assert (await retention.sweep()).warned == 1
        await storage.drafts.save(draft.model_copy(update={"step": "evidence_note"}), now=clock.now)
        clock.now += timedelta(days=1)
        assert (await retention.sweep()).drafts_deleted == 0
        kept = await storage.drafts.load(ABANDONED)
        assert kept is not None and kept.step == "evidence_note"
        # Nor is a draft whose claimant was never told (the bot was down): told first.
        clock.now += timedelta(days=60)
        swept = await retention.sweep()
        assert (swept.warned, swept.drafts_deleted) == (1, 0)
        notice = next(i for i in await storage.outbox.due(clock.now) if i.chat_id == ABANDONED)
        assert json.dumps(notice.payload, ensure_ascii=False).count("завтра") == 1
    finally:
        await storage.close()


async def test_a_sent_dossier_is_deleted_with_the_texts_and_the_case_files_stay(
    tmp_path: Path,
) -> None:
    settings = Settings(data_dir=tmp_path / "data", staff_chat_id=-100777, _env_file=None)
    storage = await Storage.open(settings.data_dir)
    try:
        case = await file_case(storage, settings, 3100, seed=7, now=T0)
        compose = next(i for i in await storage.outbox.due(T0) if i.method == "compose_dossier")
        instruction = parse_message(compose.method, compose.payload)
        assert isinstance(instruction, ComposeDossier)
        await compose_staff_dossier(storage, compose.id, instruction)
        queued = await storage.outbox.due(T0 + timedelta(seconds=1), limit=100)
        card = next(item.payload for item in queued if item.method == "card")
        dossier = {card["document"]["sha256"], card["zip"]["sha256"]}  # the card is the PDF
        assert len(dossier) == 2 and all(storage.files.exists(sha) for sha in dossier)
        for item in queued:
            await storage.outbox.mark_sent(item.id, {"message_id": item.id}, now=T0)

        swept = await Retention(storage, settings, Clock(T0 + timedelta(days=31))).sweep()
        assert swept.files_deleted == 2
        assert not any(storage.files.exists(sha) for sha in dossier)  # the PDF and the ZIP
        assert all(storage.files.exists(f.sha256) for f in case.draft.files)
    finally:
        await storage.close()


async def test_the_files_of_a_cancelled_draft_go_once_as_old(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)
    storage = await Storage.open(settings.data_dir)
    try:
        case = await file_case(storage, settings, 3200, seed=8, now=T0)
        cancelled = await draft_with_file(storage, ABANDONED, b"%PDF-1.4 cancelled", T0)
        async with storage.db.transaction() as conn:
            await storage.files.record(
                conn, cancelled.files[0].sha256, size=18, mime="application/pdf", now=T0
            )
        await storage.drafts.discard(ABANDONED, now=T0)  # /cancel
        retention = Retention(storage, settings, Clock(T0 + timedelta(days=29)))
        assert (await retention.sweep()).files_deleted == 0
        assert storage.files.exists(cancelled.files[0].sha256)

        retention.clock = Clock(T0 + timedelta(days=31))
        assert (await retention.sweep()).files_deleted == 1
        assert not storage.files.exists(cancelled.files[0].sha256)
        assert all(storage.files.exists(f.sha256) for f in case.draft.files)
    finally:
        await storage.close()
