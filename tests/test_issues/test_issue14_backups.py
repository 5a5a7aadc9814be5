"""Issue 14 §4: backups hold personal data like the live DATA_DIR, so they are made like it
(folders 0700, files 0600, whatever the umask), and an erasure reaches them: `BACKUP_KEEP`
backups are kept, older ones deleted, so once that many were taken after an erasure no backup
holds the erased data."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from bot.config.settings import Settings
from bot.ops.erasure import erase_user
from storage import Storage
from tests.bot.ops.cases import CLAIMANT_EMAIL, file_case
from tests.bot.ops.cli import bot_env, run_cli

USER = 7100


async def filed_data_dir(tmp_path: Path) -> tuple[Path, Settings]:
    data_dir = tmp_path / "data"
    settings = Settings(data_dir=data_dir, _env_file=None)
    storage = await Storage.open(data_dir)
    try:
        await file_case(storage, settings, USER, shared=False)
    finally:
        await storage.close()
    return data_dir, settings


def modes(folder: Path) -> dict[str, int]:
    found = {".": stat.S_IMODE(folder.stat().st_mode)}
    for path in folder.rglob("*"):
        found[str(path.relative_to(folder))] = stat.S_IMODE(path.stat().st_mode)
    return found


def holding(folder: Path, needle: bytes) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and needle in p.read_bytes()]


async def test_a_backup_and_its_restore_are_readable_by_the_owner_only(tmp_path: Path) -> None:
    data_dir, _ = await filed_data_dir(tmp_path)
    old = os.umask(0o022)  # the usual umask: files 0644, folders 0755 unless made otherwise
    try:
        target = tmp_path / "backups" / "2026-12-01T0300"
        result = await run_cli("backup", str(target), env=bot_env(None, data_dir))
        assert result.code == 0, result.out + result.err
        restored = tmp_path / "restored"
        result = await run_cli("restore", str(target), env=bot_env(None, restored))
        assert result.code == 0, result.out + result.err
    finally:
        os.umask(old)
    for folder in (target, restored):
        found = modes(folder)
        assert len(found) > 5  # the database, the manifest, the files and their folders
        wrong = {
            name: oct(mode)
            for name, mode in found.items()
            if mode != (0o700 if (folder / name).is_dir() else 0o600)
        }
        assert wrong == {}, f"{folder.name}: {wrong}"
    assert stat.S_IMODE((tmp_path / "backups").stat().st_mode) == 0o700  # made by the backup


async def test_backup_keep_prunes_older_backups_and_with_them_erased_data(tmp_path: Path) -> None:
    data_dir, settings = await filed_data_dir(tmp_path)
    backups = tmp_path / "backups"
    env = bot_env(None, data_dir, backup_keep="2")
    needle = CLAIMANT_EMAIL.encode()

    async def take(name: str) -> Path:
        result = await run_cli("backup", str(backups / name), env=env)
        assert result.code == 0, result.out + result.err
        return backups / name

    before = await take("1-before-erasure")
    assert holding(before, needle)  # the claimant's contact is in the backup's database
    (backups / "notes").mkdir()  # not a backup: never touched
    (backups / "notes" / "README").write_text("kept")

    storage = await Storage.open(data_dir)
    try:
        erased = await erase_user(storage, settings, USER, by="test")
        assert erased.cases
    finally:
        await storage.close()

    first_after = await take("2-after-erasure")
    assert not holding(first_after, needle)  # a backup after the erasure holds none of it
    assert before.exists()  # two kept: the one before the erasure still holds the data
    second_after = await take("3-after-erasure")
    assert sorted(p.name for p in backups.iterdir()) == [
        "2-after-erasure",
        "3-after-erasure",
        "notes",
    ]
    assert (backups / "notes" / "README").read_text() == "kept"
    assert not holding(backups, needle)  # BACKUP_KEEP backups after the erasure: gone from all
    assert second_after.exists()


async def test_a_partial_backup_prunes_nothing(tmp_path: Path) -> None:
    data_dir, _ = await filed_data_dir(tmp_path)
    backups = tmp_path / "backups"
    env = bot_env(None, data_dir, backup_keep="1")
    assert (await run_cli("backup", str(backups / "a"), env=env)).code == 0
    victim = next(p for p in (data_dir / "files").rglob("*") if p.is_file())
    victim.unlink()  # a file the database names is missing: this backup is not whole
    result = await run_cli("backup", str(backups / "b"), env=env)
    assert result.code == 1 and "missing" in result.out
    assert (backups / "a" / "backup.json").is_file()  # the last whole backup stays
