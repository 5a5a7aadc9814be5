"""IntakeService on a real SQLite file, under any event at any step: a refused input leaves the
saved draft byte for byte as it was, and an update delivered twice is applied once — the draft
after the duplicate is the draft after the first, and no second set of replies is returned or
queued."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.claimant.intake import IntakeService, Sender
from bot.config.settings import Settings
from dialogs.inputs import Input
from storage import Storage
from tests.property.profiles import examples
from tests.property.states import NOW, USER, State, all_states
from tests.property.strategies import events
from tests.property.telegram import send_message_errors

UPDATE = 1000


async def saved_row(storage: Storage) -> tuple[Any, ...] | None:
    """The draft's row exactly as SQLite holds it."""
    async with storage.db.read() as conn:
        row = await conn.fetch_one(
            "SELECT data, revision, updated_at FROM drafts WHERE user_id = ?", (USER,)
        )
    return None if row is None else tuple(row)


async def queued(storage: Storage) -> list[tuple[Any, ...]]:
    """Everything in the outbox (replies are queued there once the service writes them)."""
    async with storage.db.read() as conn:
        rows = await conn.execute_fetchall("SELECT * FROM outbox ORDER BY id")
    return [tuple(row) for row in rows]


async def run(directory: Path, state: State, event: Input, later: bool) -> None:
    storage = await Storage.open(directory)
    try:
        now = state.ctx(later=later).now
        config = Settings(  # type: ignore[call-arg]
            _env_file=None, good_faith_statement="good_faith" in state.features
        )
        service = IntakeService(storage, config, clock=lambda: now)
        if state.draft is not None:
            await storage.drafts.save(state.draft.model_copy(update={"revision": 0}), now=NOW)
        sender = Sender(USER, USER, language_code=state.lang, update_id=UPDATE)

        before = await saved_row(storage)
        first = await service.handle(sender, event)
        after_first = await saved_row(storage)
        outbox_after_first = await queued(storage)
        problems = [e for reply in first.replies for e in send_message_errors(reply)]
        assert not problems, problems
        if not first.changed:
            assert after_first == before, "a refused input changed the saved draft"

        again = await service.handle(sender, event)  # the same update, delivered again
        assert await saved_row(storage) == after_first, "the duplicate was applied"
        assert again.replies == [], f"the duplicate was answered again: {again.replies}"
        assert not again.changed and not again.submit
        assert await queued(storage) == outbox_after_first, "the duplicate queued replies"
    finally:
        await storage.close()


_runs = itertools.count()


@settings(
    max_examples=examples(50),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.sampled_from(all_states()).flatmap(
        lambda state: st.tuples(st.just(state), events(state), st.booleans())
    )
)
def test_refusals_and_duplicates_through_the_service(
    tmp_path: Path, data: tuple[State, Input, bool]
) -> None:
    state, event, later = data
    asyncio.run(run(tmp_path / f"run{next(_runs)}", state, event, later))
