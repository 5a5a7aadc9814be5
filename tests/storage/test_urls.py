"""DATABASE_URL and FILE_STORE_URL choose the backends; the defaults stay in DATA_DIR."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config.settings import Settings, open_storage
from storage import FileStore, open_file_store
from storage.backends.opening import open_database
from storage.backends.sqlite import DB_FILENAME
from storage.objects import parse_s3_url


async def test_defaults_are_sqlite_and_a_folder_in_data_dir(tmp_path: Path) -> None:
    storage = await open_storage(Settings(data_dir=tmp_path, _env_file=None))
    try:
        assert storage.db.dialect.name == "sqlite"
        assert storage.db.path == tmp_path / DB_FILENAME
        assert isinstance(storage.files, FileStore)
        assert storage.files.root == tmp_path / "files"
    finally:
        await storage.close()


async def test_urls_name_another_file_and_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite://{tmp_path}/elsewhere/bot.sqlite3")
    monkeypatch.setenv("FILE_STORE_URL", f"file://{tmp_path}/blobs")
    storage = await open_storage(Settings(data_dir=tmp_path / "data", _env_file=None))
    try:
        assert storage.db.path == tmp_path / "elsewhere" / "bot.sqlite3"
        assert isinstance(storage.files, FileStore)
        assert storage.files.root == tmp_path / "blobs"
    finally:
        await storage.close()


async def test_unknown_schemes_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="DATABASE_URL"):
        await open_database("mysql://x/y", tmp_path)
    with pytest.raises(ValueError, match="FILE_STORE_URL"):
        open_file_store("ftp://x/y", tmp_path)
    with pytest.raises(ValueError, match="s3://bucket/prefix"):
        parse_s3_url("s3:///no-bucket")
    assert parse_s3_url("s3://bucket/a/b/") == ("bucket", "a/b")
