"""Issue 6, found by the service property (tests/property/test_service_properties.py): an update
that was refused (a sticker where a button is expected, a file that could not be accepted) was
not marked as applied, so when Telegram delivered it again it was answered a second time. Each
update's replies are delivered once, whether or not it changed the draft."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.claimant.intake import IntakeService, Sender
from bot.config.settings import Settings
from dialogs.inputs import Command, Input, Pressed, Typed, Unsupported, UploadRefused
from dialogs.validators import invalid
from storage import Storage


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[IntakeService]:
    storage = await Storage.open(tmp_path / "data")
    yield IntakeService(storage, Settings(_env_file=None))  # type: ignore[call-arg]
    await storage.close()


def anna(update_id: int) -> Sender:
    return Sender(user_id=7, chat_id=7, language_code="en", update_id=update_id)


@pytest.mark.parametrize(
    "refused",
    [
        Unsupported("sticker"),
        UploadRefused(invalid("err-file-empty")),
        Typed("no buttons pressed"),
        Pressed("forged:data"),
        Command("help"),
    ],
    ids=["sticker", "refused-file", "text-at-a-choice", "forged-press", "help"],
)
async def test_an_unchanging_update_delivered_twice_is_answered_once(
    service: IntakeService, refused: Input
) -> None:
    await service.handle(anna(1), Command("start"))
    await service.handle(anna(2), Pressed("a:welcome:go"))
    before = await service.storage.drafts.load(7)
    assert before is not None and before.step == "screen_listing"

    first = await service.handle(anna(3), refused)
    assert first.replies and not first.changed
    again = await service.handle(anna(3), refused)  # the same update, delivered again
    assert again.replies == [] and not again.changed
    assert await service.storage.drafts.load(7) == before

    # The next update is handled as usual.
    answered = await service.handle(anna(4), Pressed("a:screen_listing:yes"))
    assert answered.changed and answered.draft is not None
    assert answered.draft.step == "screen_matter"


async def test_without_update_ids_a_refusal_is_answered_each_time(
    service: IntakeService,
) -> None:
    """The terminal has no Telegram updates: the same input twice is two inputs."""
    terminal = Sender(user_id=8, chat_id=8)
    await service.handle(terminal, Command("start"))
    assert (await service.handle(terminal, Unsupported("sticker"))).replies
    assert (await service.handle(terminal, Unsupported("sticker"))).replies
