"""Backup while the bot serves a load, then restore into an empty DATA_DIR: every case, every
file (by hash) and the outbox come back as they were at the snapshot."""

from __future__ import annotations

import asyncio
import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

from storage import Storage
from tests.bot.ops.cases import file_case
from tests.bot.ops.cli import bot_env, run_cli
from tests.e2e.claimant import Claimant
from tests.e2e.conftest import CLAIMANT, RunningBot
from tests.fake_telegram import FakeTelegram

CASE_COLUMNS = "id, number, user_id, chat_id, status, submitted_at, data"
OUTBOX_COLUMNS = "id, chat_id, method, payload, dedupe_key, case_id, created_at"


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.execute(sql))
    finally:
        conn.close()


def stored_hashes(data_dir: Path) -> dict[str, str]:
    """name → sha256 of the content, for every file in the store."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in (data_dir / "files").rglob("*")
        if path.is_file() and not path.name.startswith(".")
    }


async def test_backup_under_load_restores_every_case_file_and_outbox_item(
    fake: FakeTelegram, running_bot: RunningBot, tmp_path: Path
) -> None:
    app = running_bot.app
    data_dir = running_bot.data_dir
    stop = asyncio.Event()
    filed: list[int] = []

    async def load() -> None:
        seed = 0
        while not stop.is_set():
            seed += 1
            case = await file_case(app.storage, app.settings, 7000 + seed % 3, seed=seed)
            filed.append(case.id)
            app.outbox.kick()
            await asyncio.sleep(0.05)

    loader = asyncio.create_task(load())
    anna = Claimant(fake, CLAIMANT)
    await anna.reaches("contact_name")  # a conversation going on meanwhile
    await asyncio.sleep(0.3)

    first = tmp_path / "backup-1"
    result = await run_cli("backup", str(first), env=bot_env(None, data_dir))
    assert result.code == 0, result.out + result.err
    assert "backed up" in result.out
    filed_at_backup = len(filed)
    await asyncio.sleep(0.3)  # the load goes on after the snapshot
    stop.set()
    await loader

    # Restored into an empty DATA_DIR: a prefix of what the bot holds now, and whole.
    restored = tmp_path / "restored-1"
    result = await run_cli("restore", str(first), env=bot_env(None, restored))
    assert result.code == 0, result.out + result.err
    live_db, restored_db = data_dir / "intake.sqlite3", restored / "intake.sqlite3"
    cases = rows(restored_db, f"SELECT {CASE_COLUMNS} FROM cases ORDER BY id")
    live_cases = rows(live_db, f"SELECT {CASE_COLUMNS} FROM cases ORDER BY id")
    assert 0 < len(cases) <= filed_at_backup + 1 and len(live_cases) > len(cases)
    assert cases == [row for row in live_cases if row[0] <= cases[-1][0]]
    outbox = rows(restored_db, f"SELECT {OUTBOX_COLUMNS} FROM outbox ORDER BY id")
    live_outbox = {row[0]: row for row in rows(live_db, f"SELECT {OUTBOX_COLUMNS} FROM outbox")}
    assert outbox and all(live_outbox[row[0]] == row for row in outbox)
    assert rows(restored_db, "PRAGMA integrity_check") == [("ok",)]
    hashes = stored_hashes(restored)
    assert all(name == digest for name, digest in hashes.items())  # content matches the name
    storage = await Storage.open(restored)
    try:
        for case_id, *_ in cases:
            case = await storage.cases.get(case_id)
            assert case is not None
            assert all(f.sha256 in hashes for f in case.draft.files)
        draft = await storage.drafts.load(CLAIMANT)
        assert draft is not None and draft.step == "contact_name"
    finally:
        await storage.close()

    # Once quiet, a backup restores to exactly what the bot holds: cases, files, outbox state.
    await running_bot.stop()
    second = tmp_path / "backup-2"
    assert (await run_cli("backup", str(second), env=bot_env(None, data_dir))).code == 0
    again = tmp_path / "restored-2"
    assert (await run_cli("restore", str(second), env=bot_env(None, again))).code == 0
    every_outbox_column = "SELECT * FROM outbox ORDER BY id"
    assert rows(again / "intake.sqlite3", every_outbox_column) == rows(live_db, every_outbox_column)
    every_case = "SELECT * FROM cases ORDER BY id"
    assert rows(again / "intake.sqlite3", every_case) == rows(live_db, every_case)
    manifest = json.loads((second / "backup.json").read_text())
    assert manifest["missing"] == []
    live_files = stored_hashes(data_dir)
    assert set(stored_hashes(again)) == set(manifest["files"]) <= set(live_files)


async def test_restore_refuses_a_data_dir_in_use_and_a_damaged_backup(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    storage = await Storage.open(data_dir)
    try:
        from bot.config.settings import Settings

        await file_case(storage, Settings(data_dir=data_dir, _env_file=None), 42)
    finally:
        await storage.close()
    backup_dir = tmp_path / "backup"
    assert (await run_cli("backup", str(backup_dir), env=bot_env(None, data_dir))).code == 0

    refused = await run_cli("restore", str(backup_dir), env=bot_env(None, data_dir))
    assert refused.code == 1
    assert "is not empty: restore only into an empty one" in refused.out

    victim = next(p for p in (backup_dir / "files").rglob("*") if p.is_file())
    victim.write_bytes(b"bit rot")
    damaged = await run_cli("restore", str(backup_dir), env=bot_env(None, tmp_path / "new"))
    assert damaged.code == 1
    assert "does not match its hash" in damaged.out
    assert list((tmp_path / "new").iterdir()) == []  # left empty, ready for another try
