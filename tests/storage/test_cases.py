from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from dialogs.model import CaseStatus, Draft, FileSection, StoredFile
from storage import CaseNotFoundError, Storage
from tests.backends import Backend

NOW = datetime(2026, 2, 10, 8, 0, tzinfo=UTC)
LINK = "https://market.example/item/1"


@pytest.fixture
async def storage(backend: Backend) -> AsyncIterator[Storage]:
    s = await backend.storage()
    yield s
    await s.close()


def draft(user_id: int = 1, links: list[str] | None = None) -> Draft:
    return Draft(
        user_id=user_id,
        chat_id=user_id + 1000,
        lang="en",
        step="done",
        answers={"brand": "Acme"},
        links=[LINK] if links is None else links,
        files=[
            StoredFile(
                sha256="b" * 64,
                name="proof.png",
                mime="image/png",
                size=10,
                section=FileSection.EVIDENCE,
                received_at=NOW,
            )
        ],
        revision=4,
    )


async def submit(s: Storage, d: Draft, now: datetime = NOW):
    async with s.db.transaction() as conn:
        return await s.cases.submit(conn, d, now=now)


async def test_submit_allocates_sequential_numbers(storage: Storage) -> None:
    first = await submit(storage, draft(1))
    second = await submit(storage, draft(2))
    third = await submit(storage, draft(1), now=datetime(2027, 1, 1, tzinfo=UTC))

    assert (first.id, second.id, third.id) == (1, 2, 3)
    assert first.number == "IP-2026-000001"
    assert second.number == "IP-2026-000002"
    assert third.number == "IP-2027-000003"
    assert first.status is CaseStatus.SUBMITTED
    assert first.submitted_at == NOW
    assert (first.user_id, first.chat_id, first.lang) == (1, 1001, "en")
    assert await storage.cases.get_by_number("IP-2026-000002") == second
    assert await storage.cases.get_by_number("IP-2026-999999") is None
    assert await storage.cases.get(999) is None


async def test_snapshot_is_unchanged_after_status_changes(storage: Storage) -> None:
    original = draft()
    case = await submit(storage, original)
    assert case.draft == original

    async with storage.db.transaction() as conn:
        await storage.cases.assign(conn, case.id, 500, "Olga")
        moved = await storage.cases.set_status(
            conn,
            case.id,
            CaseStatus.ACCEPTED,
            actor_id=500,
            actor_name="Olga",
            action="accepted",
            detail={"note": "clear infringement"},
        )
    assert moved.status is CaseStatus.ACCEPTED
    assert (moved.assignee_id, moved.assignee_name) == (500, "Olga")

    reloaded = await storage.cases.get(case.id)
    assert reloaded is not None
    assert reloaded.draft == original
    assert reloaded.submitted_at == case.submitted_at
    assert reloaded.number == case.number


async def test_set_status_and_assign_write_audit(storage: Storage) -> None:
    case = await submit(storage, draft())
    async with storage.db.transaction() as conn:
        await storage.cases.assign(conn, case.id, 500, "Olga")
        await storage.cases.set_status(
            conn,
            case.id,
            CaseStatus.INFO_REQUESTED,
            actor_id=500,
            actor_name="Olga",
            action="info_requested",
            detail={"question": "Trademark number?"},
        )
    entries = await storage.audit.for_case(case.id)
    assert [e.action for e in entries] == ["submitted", "assigned", "info_requested"]
    assert entries[1].detail["to"] == 500
    assert entries[2].detail == {
        "from": "submitted",
        "to": "info_requested",
        "question": "Trademark number?",
    }
    assert entries[2].actor_name == "Olga"


async def test_unknown_case_raises_and_rolls_back(storage: Storage) -> None:
    with pytest.raises(CaseNotFoundError):
        async with storage.db.transaction() as conn:
            await storage.cases.set_status(
                conn, 42, CaseStatus.REJECTED, actor_id=1, actor_name="x", action="rejected"
            )
    with pytest.raises(CaseNotFoundError):
        async with storage.db.transaction() as conn:
            await storage.cases.set_staff_message(conn, 42, 1)


async def test_cases_with_link(storage: Storage) -> None:
    a = await submit(storage, draft(1, [LINK, "https://market.example/item/2"]))
    b = await submit(storage, draft(2, ["https://market.example/item/3"]))
    c = await submit(storage, draft(3, [LINK, LINK]))  # duplicate link in one draft is fine

    assert [x.id for x in await storage.cases.cases_with_link(LINK)] == [a.id, c.id]
    assert [x.id for x in await storage.cases.cases_with_link(LINK, exclude_case_id=c.id)] == [a.id]
    assert await storage.cases.cases_with_link("https://market.example/item/9") == []
    assert [x.id for x in await storage.cases.cases_with_link(b.draft.links[0])] == [b.id]


async def test_claimant_record_and_list_for_user(storage: Storage) -> None:
    c1 = await submit(storage, draft(1))
    c2 = await submit(storage, draft(1))
    await submit(storage, draft(1))
    await submit(storage, draft(2))
    async with storage.db.transaction() as conn:
        for case_id, status in ((c1.id, CaseStatus.ACCEPTED), (c2.id, CaseStatus.REJECTED)):
            await storage.cases.set_status(
                conn, case_id, status, actor_id=9, actor_name="s", action=status.value
            )

    record = await storage.cases.claimant_record(1)
    assert record[CaseStatus.ACCEPTED] == 1
    assert record[CaseStatus.REJECTED] == 1
    assert record[CaseStatus.SUBMITTED] == 1
    assert record[CaseStatus.FORWARDED] == 0
    assert set(record) == set(CaseStatus)
    assert sum((await storage.cases.claimant_record(3)).values()) == 0
    others = await storage.cases.claimant_record(1, exclude_case_id=c1.id)
    assert others[CaseStatus.ACCEPTED] == 0 and sum(others.values()) == 2

    assert [c.id for c in await storage.cases.list_for_user(1)] == [3, 2, 1]
    assert [c.id for c in await storage.cases.list_for_user(1, limit=2)] == [3, 2]
    assert [c.id for c in await storage.cases.list_for_user(2)] == [4]


async def test_list_since(storage: Storage) -> None:
    old = await submit(storage, draft(1), now=NOW - timedelta(days=2))
    new = await submit(storage, draft(2), now=NOW)
    assert [c.id for c in await storage.cases.list_since(NOW - timedelta(days=1))] == [new.id]
    assert [c.id for c in await storage.cases.list_since(NOW - timedelta(days=2))] == [
        old.id,
        new.id,
    ]


async def test_staff_message_lookup(storage: Storage) -> None:
    case = await submit(storage, draft())
    assert await storage.cases.staff_message(case.id) is None
    async with storage.db.transaction() as conn:
        await storage.cases.set_staff_message(conn, case.id, 777, thread_id=12)
    assert await storage.cases.staff_message(case.id) == (777, 12)
    assert await storage.cases.get_by_staff_message(777) == case
    assert await storage.cases.get_by_staff_message(778) is None


async def test_submit_indexes_links_and_files(storage: Storage) -> None:
    case = await submit(storage, draft())
    async with storage.db.read() as conn:
        links = list(await conn.execute_fetchall("SELECT canonical_link FROM case_links"))
        files = list(await conn.execute_fetchall("SELECT sha256, section, name FROM case_files"))
        index = list(await conn.execute_fetchall("SELECT sha256, size, mime FROM files"))
    assert [tuple(r) for r in links] == [(LINK,)]
    assert [tuple(r) for r in files] == [("b" * 64, "evidence", "proof.png")]
    assert [tuple(r) for r in index] == [("b" * 64, 10, "image/png")]
    assert case.draft.files[0].sha256 == "b" * 64


async def test_each_case_keeps_its_staff_group_caption_card_and_dossier_zip(
    storage: Storage,
) -> None:
    """Issue 8: with several staff groups message ids repeat across them; a card is found in
    its own group only. A case from before groups were recorded is found in any."""
    first, second, older = [await submit(storage, draft(i)) for i in (1, 2, 3)]
    async with storage.db.transaction() as conn:
        await storage.cases.set_staff_chat(conn, first.id, -1001)
        await storage.cases.set_staff_chat(conn, second.id, -1002)
        await storage.cases.set_staff_message(conn, first.id, 5, caption=True)
        await storage.cases.set_staff_message(conn, second.id, 5, caption=True)
        await storage.cases.set_staff_message(conn, older.id, 9)
        await storage.cases.set_dossier_zip(conn, first.id, "z" * 64)
        assert await storage.cases.staff_chat(first.id, conn=conn) == -1001
    assert await storage.cases.staff_chat(second.id) == -1002
    assert await storage.cases.staff_chat(older.id) is None
    assert await storage.cases.get_by_staff_message(5, -1001) == first
    assert await storage.cases.get_by_staff_message(5, -1002) == second
    assert await storage.cases.get_by_staff_message(5, -1003) is None
    assert await storage.cases.get_by_staff_message(9, -1003) == older
    assert await storage.cases.staff_card_is_caption(first.id)
    assert not await storage.cases.staff_card_is_caption(older.id)
    assert await storage.cases.dossier_zip(first.id) == "z" * 64
    assert await storage.cases.dossier_zip(second.id) is None
    with pytest.raises(CaseNotFoundError):
        async with storage.db.transaction() as conn:
            await storage.cases.set_staff_chat(conn, 42, -1001)
