"""The staff dossier is composed by the outbox sender after the submission committed: one
message, the PDF whose caption is the card (issue 8), and composing the same instruction twice
(a crash in between) queues nothing twice."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config.settings import Settings
from bot.outbox.messages import ComposeDossier, parse_message
from bot.outbox.text_limits import visible_length
from bot.staff.card import CAPTION_LIMIT
from bot.staff.submission import compose_staff_dossier, enqueue_submission
from dialogs.model import utcnow
from storage import Storage
from tests.submitted import submitted

STAFF = -1001234567890


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    opened = await Storage.open(tmp_path / "data")
    yield opened
    await opened.close()


async def submitted_case(storage: Storage) -> None:
    case = await submitted(storage, 7)
    settings = Settings(staff_chat_id=STAFF, _env_file=None)
    async with storage.db.transaction() as conn:
        await enqueue_submission(conn, storage, case, settings, username="ann")


async def test_submission_queues_an_instruction_the_sender_expands_once(storage: Storage) -> None:
    await submitted_case(storage)
    due = await storage.outbox.due(utcnow())
    instruction = next(i for i in due if i.method == "compose_dossier")
    assert [i.chat_id for i in due if i.method != "compose_dossier"] == [7]  # the receipt
    compose = parse_message(instruction.method, instruction.payload)
    assert isinstance(compose, ComposeDossier)

    await compose_staff_dossier(storage, instruction.id, compose)
    queued = [i for i in await storage.outbox.due(utcnow()) if i.chat_id == STAFF]
    kinds = [i.method for i in queued]
    assert "compose_dossier" not in kinds  # the instruction is done
    assert kinds == ["card"]  # one message per case, its id recorded once sent
    card = queued[0].payload
    number = card["text"].split("Case ")[1].split("<")[0]
    assert card["document"]["filename"] == f"{number}.pdf"
    assert visible_length(card["text"]) <= CAPTION_LIMIT
    assert card["zip"]["sha256"] == await storage.cases.dossier_zip(queued[0].case_id)

    await compose_staff_dossier(storage, instruction.id, compose)  # as after a crash
    again = [i for i in await storage.outbox.due(utcnow()) if i.chat_id == STAFF]
    assert [i.id for i in again] == [i.id for i in queued]
