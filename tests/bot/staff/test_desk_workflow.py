"""The desk applies the workflow: each action saves assignee, status, audit row and case event
together and queues what follows; refusals leave everything as it was."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config.settings import Settings
from bot.staff.apply import SELLER_NOTICE_SECTION, ActionRefused
from bot.staff.desk import CaseDesk
from bot.staff.workflow import Actor
from dialogs.model import Case, CaseStatus, Draft, utcnow
from storage import Storage
from tests.bot.dossier.test_pdf import make_case
from tests.bot.staff.deciding import decided as decide_now

SERGEY, BORIS = Actor(501, "Sergey"), Actor(502, "Boris")
CLAIMANT = 555000111


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[CaseDesk]:
    storage = await Storage.open(tmp_path / "data")
    yield CaseDesk(storage, Settings(staff_chat_id=-100, decision_undo_seconds=0, _env_file=None))
    await storage.close()


async def submitted(desk: CaseDesk) -> Case:
    draft: Draft = make_case().draft
    async with desk.storage.db.transaction() as conn:
        return await desk.storage.cases.submit(conn, draft, now=utcnow())


async def state(desk: CaseDesk, case: Case) -> tuple[object, ...]:
    s = desk.storage
    current = await s.cases.get(case.id)
    assert current is not None
    return (
        current.status,
        current.assignee_id,
        [e.action for e in await s.audit.for_case(case.id)],
        [e.kind for e in await s.case_events.for_case(case.id)],
        await s.outbox.pending_count(),
    )


async def test_only_the_holder_decides_until_someone_takes_over(desk: CaseDesk) -> None:
    case = await submitted(desk)
    await desk.take(case, SERGEY)
    before = await state(desk, case)
    with pytest.raises(ActionRefused) as refused:
        await decide_now(desk, case, BORIS)
    assert (refused.value.code, refused.value.params) == (
        "staff-refused-not-assignee",
        {"name": "Sergey"},
    )
    assert await state(desk, case) == before
    await desk.take_over(case, BORIS)
    decided = await decide_now(desk, case, BORIS)
    assert decided.status is CaseStatus.ACCEPTED and decided.assignee_id == BORIS.id
    # The card edit queued with the decision already says who decided (drawn in its transaction).
    queued = await desk.storage.outbox.due(utcnow(), limit=100)
    edits = [i.payload["text"] for i in queued if i.method == "card_edit"]
    assert "Decision: accepted by Boris" in edits[-1]
    kinds = [e.kind for e in await desk.storage.case_events.for_case(case.id)]
    assert kinds == ["taken", "taken", "decision"]


async def test_forward_keeps_the_seller_notice_and_sends_it_with_the_event(desk: CaseDesk) -> None:
    case = await submitted(desk)
    await decide_now(desk, case, SERGEY)
    await desk.forward(case, SERGEY)
    kept = await desk.storage.cases.files_of(case.id, SELLER_NOTICE_SECTION)
    assert len(kept) == 1 and kept[0][1].endswith("-seller-notice.pdf")
    pdf = desk.storage.files.read(kept[0][0])
    assert pdf.startswith(b"%PDF")
    forwarded = (await desk.storage.case_events.for_case(case.id))[-1]
    assert forwarded.kind == "forwarded" and forwarded.data["status"] == "forwarded"
    assert base64.b64decode(forwarded.data["data"]["seller_notice_pdf"]) == pdf
    assert forwarded.data["data"]["seller_notice"] == kept[0][0]


async def test_withdraw_once_then_nothing_more(desk: CaseDesk) -> None:
    case = await submitted(desk)
    await desk.take(case, SERGEY)
    with pytest.raises(ActionRefused, match="case-not-yours"):
        await desk.withdraw(999, case)
    withdrawn = await desk.withdraw(CLAIMANT, case)
    assert withdrawn.status is CaseStatus.WITHDRAWN
    after = await state(desk, case)
    assert await desk.withdraw(CLAIMANT, case) == withdrawn  # asked twice: no second notice
    assert await state(desk, case) == after
    with pytest.raises(ActionRefused, match="staff-refused-state"):
        await decide_now(desk, case, SERGEY)
    with pytest.raises(ActionRefused, match="case-refused-state"):
        await desk.start_evidence(CLAIMANT, case)
    assert after[3][-1] == "withdrawn"


async def test_evidence_delivered_twice_is_added_once(desk: CaseDesk) -> None:
    case = await submitted(desk)
    await desk.start_evidence(CLAIMANT, case)
    await desk.add_evidence(case, CLAIMANT, "The seller changed the photo", [], key="m77")
    before = await state(desk, case)
    await desk.add_evidence(case, CLAIMANT, "The seller changed the photo", [], key="m77")
    assert await state(desk, case) == before
    messages = await desk.storage.questions.messages(case.id)
    assert [m.text for m in messages] == ["The seller changed the photo"]
    await desk.finish_evidence(CLAIMANT, case)
    assert await desk.storage.evidence.case_of(CLAIMANT) is None
    actions = [e.action for e in await desk.storage.audit.for_case(case.id)]
    assert actions[-2:] == ["evidence-added", "evidence-finished"]
