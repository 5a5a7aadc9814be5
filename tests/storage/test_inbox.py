"""Updates kept until handled: what a crash leaves in the inbox is there at the next start."""

from __future__ import annotations

from pathlib import Path

from dialogs.model import utcnow
from storage import Storage


async def test_pending_until_done_and_across_a_restart(tmp_path: Path) -> None:
    storage = await Storage.open(tmp_path / "data")
    await storage.inbox.put([(11, '{"update_id": 11}'), (12, '{"update_id": 12}')], now=utcnow())
    await storage.inbox.put([(11, '{"update_id": 11, "again": true}')], now=utcnow())
    await storage.inbox.done(12)
    await storage.close()

    reopened = await Storage.open(tmp_path / "data")
    try:
        assert await reopened.inbox.pending() == [(11, '{"update_id": 11}')]
    finally:
        await reopened.close()
