"""What staff look cases up by (`CaseSearch`) and the period figures (`CaseStats`), on a real
SQLite file: cases filed, acted on and decided at known times."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from dialogs.model import Case, CaseStatus, Draft
from storage import Storage
from tests.backends import Backend

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
LINK_A = "https://aliexpress.ru/item/1005001.html"
LINK_B = "https://aliexpress.ru/item/1005002.html"


@pytest.fixture
async def storage(backend: Backend) -> AsyncIterator[Storage]:
    s = await backend.storage()
    yield s
    await s.close()


async def filed(
    s: Storage,
    user_id: int,
    *,
    holder: str,
    number: str,
    links: list[str],
    at: datetime = T0,
    username: str | None = None,
) -> Case:
    draft = Draft(
        user_id=user_id,
        chat_id=user_id,
        answers={"rights_holder": holder, "rights_number": number},
        links=links,
    )
    async with s.db.transaction() as conn:
        case = await s.cases.submit(conn, draft, now=at)
        await s.cases.set_claimant_username(conn, case.id, username)
    return case


async def act(
    s: Storage, case: Case, status: CaseStatus, action: str, at: datetime, actor: int = 501
) -> None:
    async with s.db.transaction() as conn:
        await s.cases.set_status(
            conn, case.id, status, actor_id=actor, actor_name="Sergey", action=action, now=at
        )


async def test_find_by_every_key(storage: Storage) -> None:
    a = await filed(
        storage, 11, holder="Acme LLC", number="RU 123456", links=[LINK_A], username="Anna_S"
    )
    b = await filed(storage, 12, holder="Globex", number="654321", links=[LINK_A, LINK_B])
    search = storage.search
    assert [c.id for c in await search.by_number(a.number.lower(), 10)] == [a.id]
    assert [c.id for c in await search.by_claimant(12, 10)] == [b.id]
    assert [c.id for c in await search.by_username("@anna_s", 10)] == [a.id]
    assert [c.id for c in await search.by_link(LINK_A, LINK_A, 10)] == [b.id, a.id]
    assert [c.id for c in await search.by_link(None, "1005002", 10)] == [b.id]
    assert [c.id for c in await search.by_rights("acme", 10)] == [a.id]
    assert [c.id for c in await search.by_rights("RU123456", 10)] == [a.id]
    assert await search.by_rights("100%", 10) == []  # LIKE wildcards are literal
    assert await search.by_username("@nobody", 10) == []


async def test_mine_is_what_I_hold_and_have_not_decided(storage: Storage) -> None:
    a = await filed(storage, 11, holder="A", number="1", links=[LINK_A])
    b = await filed(storage, 12, holder="B", number="2", links=[LINK_B])
    c = await filed(storage, 13, holder="C", number="3", links=[LINK_B])
    async with storage.db.transaction() as conn:
        for case in (a, b, c):
            await storage.cases.assign(conn, case.id, 501, "Sergey")
    await act(storage, b, CaseStatus.ACCEPTED, "accepted", T0)
    async with storage.db.transaction() as conn:
        await storage.cases.assign(conn, c.id, 502, "Boris")
    assert [x.id for x in await storage.search.held_by(501, 10)] == [a.id]


async def test_stats_count_statuses_and_median_times(storage: Storage) -> None:
    hour = timedelta(hours=1)
    old = await filed(storage, 10, holder="Old", number="0", links=[LINK_A], at=T0 - 60 * 24 * hour)
    await act(storage, old, CaseStatus.ACCEPTED, "accepted", T0)
    a = await filed(storage, 11, holder="A", number="1", links=[LINK_A])
    b = await filed(storage, 12, holder="B", number="2", links=[LINK_B])
    c = await filed(storage, 13, holder="C", number="3", links=[LINK_B])
    d = await filed(storage, 14, holder="D", number="4", links=[LINK_B])
    await act(storage, a, CaseStatus.IN_REVIEW, "taken", T0 + 1 * hour)
    await act(storage, a, CaseStatus.ACCEPTED, "accepted", T0 + 5 * hour)
    await act(storage, b, CaseStatus.REJECTED, "rejected", T0 + 3 * hour)
    await act(storage, c, CaseStatus.IN_REVIEW, "taken", T0 + 2 * hour)
    # The bot's own entries (files it could not post, actor None) are not a staff action.
    async with storage.db.transaction() as conn:
        await storage.audit.record(
            conn, c.id, actor_id=None, actor_name=None, action="files_undelivered", at=T0
        )
    # The claimant withdrawing is neither a staff action nor a decision.
    await act(storage, d, CaseStatus.WITHDRAWN, "withdrawn", T0 + hour, actor=14)

    figures = await storage.stats.since(T0 - 30 * 24 * hour)
    assert figures.total == 4
    assert figures.by_status[CaseStatus.ACCEPTED] == 1
    assert figures.by_status[CaseStatus.REJECTED] == 1
    assert figures.by_status[CaseStatus.IN_REVIEW] == 1
    assert figures.by_status[CaseStatus.WITHDRAWN] == 1
    assert (figures.acted_on, figures.to_first_action) == (3, 2 * hour)  # 1 h, 3 h, 2 h
    assert (figures.decided, figures.to_decision) == (2, 4 * hour)  # 5 h and 3 h


async def test_stats_of_an_empty_period(storage: Storage) -> None:
    figures = await storage.stats.since(T0)
    assert figures.total == 0 and figures.to_first_action is None and figures.to_decision is None
