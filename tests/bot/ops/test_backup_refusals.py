"""Issue 9: the online backup is SQLite's own and copies the local file folder; with PostgreSQL
or an S3 bucket configured it refuses and names the right tool instead of copying a stale
or empty DATA_DIR."""

from __future__ import annotations

from pathlib import Path

from bot.ops.backup import unsupported
from storage.backends.sqlite import DB_FILENAME
from tests.bot.ops.cli import bot_env, run_cli


async def test_backup_and_restore_refuse_on_postgresql(tmp_path: Path) -> None:
    env = bot_env(None, tmp_path / "data", database_url="postgresql://postgres@127.0.0.1/test")
    refused = await run_cli("backup", str(tmp_path / "backup"), env=env)
    assert refused.code == 2
    assert "pg_dump" in refused.out
    assert not (tmp_path / "backup").exists()
    refused = await run_cli("restore", str(tmp_path / "backup"), env=env)
    assert refused.code == 2
    assert "pg_restore" in refused.out


async def test_backup_refuses_an_s3_file_store(tmp_path: Path) -> None:
    env = bot_env(None, tmp_path / "data", file_store_url="s3://bucket/intake")
    refused = await run_cli("backup", str(tmp_path / "backup"), env=env)
    assert refused.code == 2
    assert "versioning or replication" in refused.out


def test_the_default_locations_are_backed_up(tmp_path: Path) -> None:
    assert unsupported(tmp_path) is None
    assert (
        unsupported(tmp_path, f"sqlite://{tmp_path / DB_FILENAME}", f"file://{tmp_path}/files")
        is None
    )
    assert unsupported(tmp_path, f"sqlite://{tmp_path}/other.sqlite3") is not None
