"""An update Telegram delivers again (it was in flight at a crash) is applied once: its change and
the mark that it was applied are saved in one transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.claimant.intake import IntakeService, Sender
from bot.config.settings import Settings
from dialogs.inputs import Command, Pressed, Typed
from storage import Storage


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[IntakeService]:
    storage = await Storage.open(tmp_path / "data")
    yield IntakeService(storage, Settings(_env_file=None))
    await storage.close()


def anna(update_id: int) -> Sender:
    return Sender(user_id=7, chat_id=7, language_code="en", update_id=update_id)


async def test_a_redelivered_answer_is_not_applied_twice(service: IntakeService) -> None:
    await service.handle(anna(1), Command("start"))
    await service.handle(anna(2), Pressed("a:welcome:go"))
    await service.handle(anna(3), Pressed("a:screen_listing:yes"))
    await service.handle(anna(4), Pressed("a:screen_matter:infringement"))
    await service.handle(anna(5), Pressed("a:role:holder"))
    await service.handle(anna(6), Pressed("a:right_type:trademark"))
    saved = await service.handle(anna(7), Typed("654321"))
    assert saved.draft is not None and saved.draft.step == "rights_jurisdiction"

    again = await service.handle(anna(7), Typed("654321"))  # the same update, after a restart
    assert again.replies == [] and not again.changed
    draft = await service.storage.drafts.load(7)
    assert draft == saved.draft  # not taken as the jurisdiction
    assert "rights_jurisdiction" not in draft.answers

    older = await service.handle(anna(5), Pressed("a:role:representative"))
    assert older.replies == [] and (await service.storage.drafts.load(7)) == saved.draft


async def test_events_without_an_update_id_are_always_applied(service: IntakeService) -> None:
    """The terminal has no Telegram updates: nothing is skipped there."""
    terminal = Sender(user_id=8, chat_id=8)
    first = await service.handle(terminal, Command("start"))
    second = await service.handle(terminal, Pressed("a:welcome:go"))
    assert first.replies and second.replies and second.draft is not None
    assert second.draft.step == "screen_listing"
