"""Two staff members deciding the same case at once: one decision stands, the other is refused
against the first's result — no case is both accepted and rejected."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config.settings import Settings
from bot.staff.apply import ActionRefused
from bot.staff.desk import CaseDesk
from bot.staff.workflow import Actor
from dialogs.model import CaseStatus, Draft, utcnow
from storage import Storage
from tests.bot.staff.deciding import decided as decide_now

ANNA, BORIS = Actor(1, "Anna"), Actor(2, "Boris")


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[CaseDesk]:
    storage = await Storage.open(tmp_path / "data")
    yield CaseDesk(storage, Settings(staff_chat_id=-100, decision_undo_seconds=0, _env_file=None))
    await storage.close()


async def submitted(desk: CaseDesk):  # type: ignore[no-untyped-def]
    async with desk.storage.db.transaction() as conn:
        draft = Draft(user_id=7, chat_id=7, answers={"contact_name": "Ann"})
        return await desk.storage.cases.submit(conn, draft, now=utcnow())


async def test_accept_and_reject_at_once_one_wins(desk: CaseDesk) -> None:
    case = await submitted(desk)  # both staff members hold this same snapshot
    results = await asyncio.gather(
        decide_now(desk, case, ANNA),
        decide_now(desk, case, BORIS, "documents_missing"),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, ActionRefused)]
    assert len(refused) == 1
    final = await desk.storage.cases.get(case.id)
    assert final is not None and final.status in (CaseStatus.ACCEPTED, CaseStatus.REJECTED)
    decisions = [e.action for e in await desk.storage.audit.for_case(case.id)]
    assert decisions.count("accepted") + decisions.count("rejected") == 1


async def test_forward_needs_the_case_accepted_as_it_stands(desk: CaseDesk) -> None:
    case = await submitted(desk)
    accepted = await decide_now(desk, case, ANNA)
    await desk.forward(accepted, ANNA)
    with pytest.raises(ActionRefused):
        await desk.forward(accepted, BORIS)  # a stale snapshot still says "accepted"
