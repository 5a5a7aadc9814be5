from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from dialogs.model import Confirmation, Draft, FileSection, StoredFile
from storage import StaleDraftError, Storage
from tests.backends import Backend

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
async def storage(backend: Backend) -> AsyncIterator[Storage]:
    s = await backend.storage()
    yield s
    await s.close()


def rich_draft(user_id: int = 7) -> Draft:
    return Draft(
        user_id=user_id,
        chat_id=user_id * 10,
        lang="ru",
        step="review",
        answers={"brand": "Acme", "name": "Иван Петров"},
        links=["https://market.example/item/1", "https://market.example/item/2"],
        files=[
            StoredFile(
                sha256="a" * 64,
                name="certificate.pdf",
                mime="application/pdf",
                size=1234,
                section=FileSection.RIGHTS_DOCS,
                telegram_file_id="AgAD",
                received_at=T0,
            )
        ],
        confirmations={
            "truth": Confirmation(key="truth", text="Я подтверждаю…", lang="ru", at=T0),
        },
        history=["welcome", "brand"],
        created_at=T0,
        updated_at=T0,
    )


async def test_missing_draft_loads_as_none(storage: Storage) -> None:
    assert await storage.drafts.load(1) is None


async def test_round_trip_with_files_and_confirmations(storage: Storage) -> None:
    draft = rich_draft()
    saved = await storage.drafts.save(draft, now=T0.replace(hour=13))
    assert saved.revision == 1
    assert saved.updated_at == T0.replace(hour=13)
    assert draft.revision == 0  # the argument is not mutated

    loaded = await storage.drafts.load(draft.user_id)
    assert loaded == saved
    assert loaded.files[0].section is FileSection.RIGHTS_DOCS
    assert loaded.confirmations["truth"].at == T0


async def test_successive_saves_advance_the_revision(storage: Storage) -> None:
    d1 = await storage.drafts.save(rich_draft())
    d2 = await storage.drafts.save(d1.model_copy(update={"step": "links"}))
    assert d2.revision == 2
    loaded = await storage.drafts.load(d2.user_id)
    assert loaded is not None and loaded.step == "links" and loaded.revision == 2


async def test_stale_save_is_rejected_and_changes_nothing(storage: Storage) -> None:
    d1 = await storage.drafts.save(rich_draft())
    d2 = await storage.drafts.save(d1.model_copy(update={"step": "links"}))

    with pytest.raises(StaleDraftError) as err:
        await storage.drafts.save(d1.model_copy(update={"step": "overwritten"}))
    assert (err.value.expected, err.value.found) == (1, 2)
    assert await storage.drafts.load(d1.user_id) == d2


async def test_new_draft_must_start_at_revision_zero(storage: Storage) -> None:
    with pytest.raises(StaleDraftError):
        await storage.drafts.save(rich_draft().model_copy(update={"revision": 3}))
    assert await storage.drafts.load(7) is None

    await storage.drafts.save(rich_draft())
    with pytest.raises(StaleDraftError):  # a second "new" draft does not replace the live one
        await storage.drafts.save(rich_draft())


async def test_concurrent_saves_of_same_revision_exactly_one_wins(storage: Storage) -> None:
    base = await storage.drafts.save(rich_draft())
    a = base.model_copy(update={"step": "a"})
    b = base.model_copy(update={"step": "b"})

    results = await asyncio.gather(
        storage.drafts.save(a), storage.drafts.save(b), return_exceptions=True
    )

    winners = [r for r in results if isinstance(r, Draft)]
    losers = [r for r in results if isinstance(r, StaleDraftError)]
    assert len(winners) == 1 and len(losers) == 1
    stored = await storage.drafts.load(base.user_id)
    assert stored == winners[0]
    assert stored.revision == 2


async def test_discard_then_new_draft_and_stale_copies_stay_stale(storage: Storage) -> None:
    d1 = await storage.drafts.save(rich_draft())
    await storage.drafts.discard(d1.user_id)
    assert await storage.drafts.load(d1.user_id) is None

    with pytest.raises(StaleDraftError):  # e.g. a double-tapped button after submission
        await storage.drafts.save(d1)

    fresh = await storage.drafts.save(Draft(user_id=d1.user_id, chat_id=d1.chat_id))
    assert fresh.revision > d1.revision + 1  # revisions never repeat for a user
    with pytest.raises(StaleDraftError):
        await storage.drafts.save(d1.model_copy(update={"revision": fresh.revision - 1}))
    assert await storage.drafts.load(d1.user_id) == fresh


async def test_discard_of_missing_draft_is_harmless(storage: Storage) -> None:
    await storage.drafts.discard(99)
    assert await storage.drafts.load(99) is None


async def test_save_inside_callers_transaction_is_visible_only_after_commit(
    storage: Storage,
) -> None:
    async with storage.db.transaction() as conn:
        saved = await storage.drafts.save(rich_draft(), conn=conn)
        assert await storage.drafts.load(7, conn=conn) == saved
        assert await storage.drafts.load(7) is None  # readers see committed data only
    assert await storage.drafts.load(7) == saved
