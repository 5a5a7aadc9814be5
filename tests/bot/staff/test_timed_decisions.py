"""Decisions asked, confirmed, undone and told when the undo window is over; per-listing
outcomes; reminders for cases nobody took. The desk with a clock the test moves, on each
database backend."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest

from bot.config.settings import Settings
from bot.staff.apply import ActionRefused
from bot.staff.card import draw_card
from bot.staff.decision_protocol import ACCEPTED_MARK, Decision
from bot.staff.desk import CaseDesk
from bot.staff.workflow import Actor
from dialogs.i18n import texts
from dialogs.model import Case, CaseStatus, utcnow
from tests.backends import Backend
from tests.bot.dossier.test_pdf import make_case

SERGEY, BORIS = Actor(501, "Sergey"), Actor(502, "Boris")
STAFF = -100
WINDOW = 60
LINKS = [f"https://aliexpress.ru/item/100500612345678{i}.html" for i in range(3)]


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def pass_(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def desk(backend: Backend, clock: Clock) -> AsyncIterator[CaseDesk]:
    storage = await backend.storage()
    settings = Settings(
        staff_chat_id=STAFF,
        decision_undo_seconds=WINDOW,
        staff_reminder_minutes=120,
        _env_file=None,
    )
    yield CaseDesk(storage, settings, clock=clock)
    await storage.close()


async def submitted(desk: CaseDesk, clock: Clock, links: list[str] | None = None) -> Case:
    case = make_case()
    draft = case.draft.model_copy(update={"links": links or case.draft.links, "lang": "en"})
    async with desk.storage.db.transaction() as conn:
        filed = await desk.storage.cases.submit(conn, draft, now=clock())
        await desk.storage.cases.set_staff_message(conn, filed.id, 77)
    return filed


async def claimant_notices(desk: CaseDesk, case: Case) -> list[str]:
    due = await desk.storage.outbox.due(utcnow() + timedelta(days=1), limit=500)
    return [i.payload["text"] for i in due if i.chat_id == case.chat_id]


async def trail(desk: CaseDesk, case: Case) -> list[str]:
    return [e.action for e in await desk.storage.audit.for_case(case.id) if e.action != "assigned"]


async def status(desk: CaseDesk, case: Case) -> CaseStatus:
    current = await desk.storage.cases.get(case.id)
    assert current is not None
    return current.status


async def test_told_only_when_the_window_is_over_and_only_once(
    desk: CaseDesk, clock: Clock
) -> None:
    case = await submitted(desk, clock)
    await desk.accept(case, SERGEY)
    assert await status(desk, case) is CaseStatus.SUBMITTED
    confirmed, decision = await desk.confirm(case, SERGEY)
    assert confirmed.status is CaseStatus.ACCEPTING and decision == Decision()
    clock.pass_(WINDOW - 1)
    assert await desk.notify_due() == 0
    assert not any("accepted" in text for text in await claimant_notices(desk, case))
    assert [e.kind for e in await desk.storage.case_events.for_case(case.id)] == []
    clock.pass_(1)
    assert await desk.notify_due() == 1
    assert await desk.notify_due() == 0  # a second sweep (or another worker): nothing more
    assert await status(desk, case) is CaseStatus.ACCEPTED
    told = [t for t in await claimant_notices(desk, case) if "has been accepted" in t]
    assert len(told) == 1
    events = await desk.storage.case_events.for_case(case.id)
    assert [e.kind for e in events] == ["decision"]
    assert events[0].data["status"] == "accepted"
    assert events[0].data["data"]["actor_name"] == "Sergey"
    assert await trail(desk, case) == [
        "submitted",
        "accept-asked",
        "accepted",
        "decision-notified",
    ]


async def test_undo_within_the_window(desk: CaseDesk, clock: Clock) -> None:
    case = await submitted(desk, clock)
    await desk.reject(case, SERGEY, "documents_missing")
    await desk.confirm(case, SERGEY)
    assert await status(desk, case) is CaseStatus.REJECTING
    with pytest.raises(ActionRefused, match="staff-refused-not-assignee"):
        await desk.undo(case, BORIS)  # Sergey holds it now
    clock.pass_(WINDOW / 2)
    undone = await desk.undo(case, SERGEY)
    assert undone.status is CaseStatus.IN_REVIEW
    clock.pass_(WINDOW)
    assert await desk.notify_due() == 0
    assert await claimant_notices(desk, case) == []
    with pytest.raises(ActionRefused, match="staff-refused-state"):
        await desk.undo(case, SERGEY)
    with pytest.raises(ActionRefused, match="staff-nothing-to-confirm"):
        await desk.confirm(case, SERGEY)  # the decision was undone: ask again
    assert await trail(desk, case) == [
        "submitted",
        "reject-asked",
        "rejected",
        "decision-undone",
    ]


async def test_only_who_asked_confirms_and_cancel_forgets_it(desk: CaseDesk, clock: Clock) -> None:
    case = await submitted(desk, clock)
    await desk.accept(case, SERGEY)
    with pytest.raises(ActionRefused, match="staff-nothing-to-confirm"):
        await desk.confirm(case, BORIS)
    await desk.cancel(case, SERGEY)
    with pytest.raises(ActionRefused, match="staff-nothing-to-confirm"):
        await desk.confirm(case, SERGEY)
    with pytest.raises(ActionRefused, match="staff-unknown-reason"):
        await desk.reject(case, SERGEY, "bogus")
    assert await status(desk, case) is CaseStatus.SUBMITTED
    assert await trail(desk, case) == ["submitted", "accept-asked", "decision-cancelled"]


async def test_withdrawn_within_the_window_is_never_told(desk: CaseDesk, clock: Clock) -> None:
    case = await submitted(desk, clock)
    await desk.accept(case, SERGEY)
    await desk.confirm(case, SERGEY)
    await desk.withdraw(case.user_id, case)
    clock.pass_(WINDOW)
    assert await desk.notify_due() == 0
    assert await status(desk, case) is CaseStatus.WITHDRAWN
    assert not any("accepted" in t for t in await claimant_notices(desk, case))


async def test_per_listing_outcomes_reach_the_claimant_the_event_and_the_seller(
    desk: CaseDesk, clock: Clock
) -> None:
    case = await submitted(desk, clock, LINKS)
    outcomes = (ACCEPTED_MARK, "documents_missing", ACCEPTED_MARK)
    with pytest.raises(ActionRefused):
        await desk.propose(case, SERGEY, Decision(listings=outcomes[:2]))  # not every listing
    await desk.propose(case, SERGEY, Decision(listings=outcomes))
    confirmed, _ = await desk.confirm(case, SERGEY)
    assert confirmed.status is CaseStatus.ACCEPTING
    card = await draw_card(desk.storage, confirmed, "en")
    assert "accepting — the claimant not told yet" in card.text
    assert "per listing: 2 of 3 accepted" in card.text
    assert [b.text for row in card.keyboard for b in row] == [
        "↩ Undo",
        "🙋 Take over",
        "📎 Files",
    ]
    clock.pass_(WINDOW)
    await desk.notify_due()
    notices = [t for t in await claimant_notices(desk, case) if "listing by listing" in t]
    assert len(notices) == 1
    lines = notices[0].splitlines()
    assert f"2. {LINKS[1]} — ⛔ rejected: documents evidencing" in "\n".join(lines)
    assert f"1. {LINKS[0]} — ✅ accepted" in notices[0]
    assert texts("en")("reject-redress-documents_missing") in notices[0]
    event = (await desk.storage.case_events.for_case(case.id))[-1]
    assert [o["outcome"] for o in event.data["data"]["listings"]] == [
        "accepted",
        "rejected",
        "accepted",
    ]
    forwarded = await desk.forward(await desk.storage.cases.get(case.id) or case, SERGEY)
    assert forwarded.status is CaseStatus.FORWARDED
    event = (await desk.storage.case_events.for_case(case.id))[-1]
    assert event.kind == "forwarded"
    assert [o["link"] for o in event.data["data"]["listings"] if o["outcome"] == "accepted"] == [
        LINKS[0],
        LINKS[2],
    ]


async def test_every_listing_rejected_is_a_rejection(desk: CaseDesk, clock: Clock) -> None:
    case = await submitted(desk, clock, LINKS)
    await desk.propose(case, SERGEY, Decision(listings=("no_authority",) * 3))
    confirmed, _ = await desk.confirm(case, SERGEY)
    assert confirmed.status is CaseStatus.REJECTING
    clock.pass_(WINDOW)
    await desk.notify_due()
    assert await status(desk, case) is CaseStatus.REJECTED


async def test_a_reminder_once_for_a_case_nobody_took(desk: CaseDesk, clock: Clock) -> None:
    waiting = await submitted(desk, clock)
    taken = await submitted(desk, clock)
    await desk.take(taken, SERGEY)
    clock.pass_(119 * 60)
    assert await desk.remind_due() == 0
    clock.pass_(60)
    assert await desk.remind_due() == 1
    clock.pass_(3600)
    assert await desk.remind_due() == 0  # once a case, however long it waits
    due = await desk.storage.outbox.due(utcnow() + timedelta(days=1), limit=500)
    reminders = [i for i in due if i.dedupe_key.endswith(":reminder")]
    assert len(reminders) == 1 and reminders[0].chat_id == STAFF
    assert reminders[0].payload["reply_to_card_of"] == waiting.id
    assert waiting.number in reminders[0].payload["text"]
    assert "reminded" in await trail(desk, waiting)
    assert "reminded" not in await trail(desk, taken)


async def test_no_reminders_when_turned_off(desk: CaseDesk, clock: Clock) -> None:
    desk.settings = desk.settings.model_copy(update={"staff_reminder_minutes": 0})
    await submitted(desk, clock)
    clock.pass_(10 * 24 * 3600)
    assert await desk.remind_due() == 0
