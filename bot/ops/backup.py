"""`python -m bot backup DIR` and `python -m bot restore DIR`.

A backup is consistent while the bot runs: SQLite's online backup copies the database as of one
moment, then the files that snapshot refers to are copied. The file store is content-addressed and
a file is stored before any row names it, so every file the snapshot needs is already there and
never changes; files stored later are simply not needed by this snapshot.

The backup folder holds `intake.sqlite3`, `files/` laid out like the store and `backup.json`
(when, schema version, counts, and the sha256 of every file, checked again on restore). It holds
personal data like the live DATA_DIR, so it is made like it: folders 0700, files 0600, whatever
the umask. After a whole backup, the backups beside it beyond the newest `BACKUP_KEEP` are
deleted: an erasure reaches the backups once that many have been taken after it
(docs/data-retention.md).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dialogs.model import utcnow
from storage import FILES_DIRNAME, FileStore, Storage
from storage.backends.sqlite import DB_FILENAME
from storage.database import from_iso, to_iso
from storage.files import check_sha256
from storage.private import PRIVATE_FILE_MODE, private_dir

log = logging.getLogger(__name__)

BACKUP_MARK = "backup.last-success"  # in DATA_DIR: touched by every backup that succeeded

MANIFEST = "backup.json"
PAGES_PER_STEP = 256  # the online backup copies in steps; writers carry on in between


class BackupError(RuntimeError):
    """Said to the operator as is: what is wrong with the folder or the data."""


@dataclass(frozen=True)
class Report:
    cases: int
    files: int
    missing: list[str]

    def __str__(self) -> str:
        text = f"{self.cases} case(s), {self.files} file(s)"
        if self.missing:
            text += f"; {len(self.missing)} referenced file(s) missing: " + ", ".join(self.missing)
        return text


def referenced_files(db_path: Path) -> set[str]:
    """Every sha256 a database refers to: the file index, cases, drafts, answers, and the
    outbox's queued documents (e.g. a dossier PDF still to send)."""
    conn = sqlite3.connect(db_path)
    try:
        found = {row[0] for row in conn.execute("SELECT sha256 FROM files")}
        found |= {row[0] for row in conn.execute("SELECT sha256 FROM case_files")}
        for (data,) in conn.execute("SELECT data FROM drafts WHERE data IS NOT NULL"):
            found |= set(_stores(json.loads(data), "sha256"))
        for (files,) in conn.execute("SELECT files FROM case_messages"):
            found |= set(_stores(json.loads(files), "sha256"))
        for (payload,) in conn.execute(
            "SELECT payload FROM outbox WHERE sent_at IS NULL AND gave_up_at IS NULL"
        ):
            # a typed message's `sha256`; `store` in rows queued before messages were typed
            queued = json.loads(payload)
            found |= set(_stores(queued, "sha256")) | set(_stores(queued, "store"))
    finally:
        conn.close()
    return {sha for sha in found if isinstance(sha, str)}


def _stores(value: Any, key: str) -> Iterator[str]:
    if isinstance(value, dict):
        if isinstance(value.get(key), str):
            yield value[key]
        for item in value.values():
            yield from _stores(item, key)
    elif isinstance(value, list):
        for item in value:
            yield from _stores(item, key)


def _private_file(path: Path) -> Path:
    """Create `path` empty with mode 0600 (an existing one is emptied and tightened): SQLite,
    shutil and write_text then write into it and keep its mode."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    os.close(fd)
    os.chmod(path, PRIVATE_FILE_MODE)
    return path


def _online_copy(source: Path, target: Path) -> None:
    _private_file(target)  # its journal takes the same mode
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst, pages=PAGES_PER_STEP)
        dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file in the backup
        # Rebuilt, so no free page keeps the old text of a row erased or anonymised before.
        dst.execute("VACUUM")
    finally:
        dst.close()
        src.close()


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _copy_verified(source: FileStore, target: FileStore, sha256: str) -> bool:
    """Copy one stored file, checking its content against its name; False if it is absent."""
    origin = source.path(check_sha256(sha256))
    if not origin.is_file():
        return False
    destination = target.path(sha256)
    private_dir(destination.parent)
    partial = _private_file(destination.with_name(destination.name + ".part"))
    shutil.copyfile(origin, partial)
    if _sha256_of(partial) != sha256:
        partial.unlink()
        raise BackupError(f"stored file {sha256} does not match its hash: the store is damaged")
    partial.replace(destination)
    return True


def _empty(folder: Path) -> bool:
    return not folder.exists() or (folder.is_dir() and not any(folder.iterdir()))


def _backup(data_dir: Path, target: Path) -> Report:
    database = data_dir / DB_FILENAME
    if not database.is_file():
        raise BackupError(f"no database in DATA_DIR {data_dir}")
    if not _empty(target):
        raise BackupError(f"{target} is not empty: back up into a new folder")
    private_dir(target)
    _online_copy(database, target / DB_FILENAME)
    shas = sorted(referenced_files(target / DB_FILENAME))
    source, copy = FileStore(data_dir / FILES_DIRNAME), FileStore(target / FILES_DIRNAME)
    missing = [sha for sha in shas if not _copy_verified(source, copy, sha)]
    conn = sqlite3.connect(target / DB_FILENAME)
    try:
        (cases,) = conn.execute("SELECT count(*) FROM cases").fetchone()
        (version,) = conn.execute("PRAGMA user_version").fetchone()
    finally:
        conn.close()
    copied = [sha for sha in shas if sha not in missing]
    manifest = {
        "created_at": to_iso(utcnow()),
        "schema_version": version,
        "cases": cases,
        "files": copied,
        "missing": missing,
    }
    _private_file(target / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return Report(cases, len(copied), missing)


def _created_at(folder: Path) -> str | None:
    """When the backup in `folder` was taken (None: not a backup)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return to_iso(from_iso(str(manifest["created_at"])))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def prune(target: Path, keep: int) -> list[Path]:
    """Delete the backups beside `target` (folders holding a manifest) but the newest `keep`,
    `target` always kept. Anything else in the folder is left alone. Returns what went."""
    if keep < 1:
        raise ValueError("keep at least the backup just taken")
    backups = []
    for folder in target.parent.iterdir():
        created = _created_at(folder) if folder.is_dir() and not folder.is_symlink() else None
        if created is not None and folder.resolve() != target.resolve():
            backups.append((created, folder))
    backups.sort(reverse=True)
    doomed = [folder for _, folder in backups[keep - 1 :]]
    for folder in doomed:
        shutil.rmtree(folder)
    return doomed


def _restore(source: Path, data_dir: Path) -> Report:
    manifest_path = source / MANIFEST
    if not manifest_path.is_file() or not (source / DB_FILENAME).is_file():
        raise BackupError(f"{source} is not a backup (no {MANIFEST} or {DB_FILENAME})")
    if not _empty(data_dir):
        raise BackupError(f"DATA_DIR {data_dir} is not empty: restore only into an empty one")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    private_dir(data_dir)
    try:
        backup, store = FileStore(source / FILES_DIRNAME), FileStore(data_dir / FILES_DIRNAME)
        absent = [sha for sha in manifest["files"] if not _copy_verified(backup, store, sha)]
        if absent:
            raise BackupError(f"the backup lacks {len(absent)} of its files: {', '.join(absent)}")
        partial = _private_file(data_dir / (DB_FILENAME + ".part"))
        shutil.copyfile(source / DB_FILENAME, partial)
        partial.replace(data_dir / DB_FILENAME)
    except BaseException:
        for leftover in data_dir.iterdir():  # it was empty: leave it so, ready for a retry
            shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
        raise
    return Report(int(manifest["cases"]), len(manifest["files"]), list(manifest["missing"]))


async def backup(data_dir: Path, target: Path) -> Report:
    return await asyncio.to_thread(_backup, Path(data_dir), Path(target))


async def prune_backups(target: Path, keep: int) -> list[Path]:
    return await asyncio.to_thread(prune, Path(target), keep)


async def restore(source: Path, data_dir: Path) -> Report:
    report = await asyncio.to_thread(_restore, Path(source), Path(data_dir))
    storage = await Storage.open(data_dir)  # migrations, WAL: ready for the bot
    await storage.close()
    return report


PG_DUMP = (
    "backup and restore copy SQLite's file and the local file folder; on PostgreSQL"
    " (DATABASE_URL) use pg_dump and pg_restore, and for an S3 file store (FILE_STORE_URL) the"
    " bucket's own versioning or replication"
)


def unsupported(
    data_dir: Path, database_url: str | None = None, file_store_url: str | None = None
) -> str | None:
    """Why this backup cannot cover the configured storage (None: it can). The online backup is
    SQLite's own; a server database and a bucket have their own tools."""
    if database_url:
        scheme, _, rest = database_url.partition(":")
        if scheme.lower() != "sqlite":
            return PG_DUMP
        path = rest.removeprefix("//")
        if path and Path(path).resolve() != (Path(data_dir) / DB_FILENAME).resolve():
            return f"backup reads DATA_DIR/{DB_FILENAME}; DATABASE_URL names {path}"
    if file_store_url:
        scheme, _, rest = file_store_url.partition(":")
        if scheme.lower() != "file":
            return PG_DUMP
        path = rest.removeprefix("//")
        if path and Path(path).resolve() != (Path(data_dir) / FILES_DIRNAME).resolve():
            return f"backup reads DATA_DIR/{FILES_DIRNAME}; FILE_STORE_URL names {path}"
    return None


async def backup_command(
    data_dir: Path,
    target: Path,
    *,
    database_url: str | None = None,
    file_store_url: str | None = None,
    keep: int | None = None,
) -> int:
    """`keep`: after a whole backup, keep this many beside it (None: prune nothing)."""
    refusal = unsupported(data_dir, database_url, file_store_url)
    if refusal:
        print(f"backup refused: {refusal}")
        return 2
    try:
        report = await backup(data_dir, target)
    except BackupError as failure:
        print(f"backup failed: {failure}")
        return 1
    print(f"backed up {report} into {target}")
    if report.missing:
        return 1  # not a whole backup: the older ones stay
    # The bot exports when this was (ipintake_backup_last_success_timestamp_seconds).
    (Path(data_dir) / BACKUP_MARK).touch()
    if keep is not None:
        pruned = await prune_backups(target, keep)
        if pruned:
            print(f"deleted {len(pruned)} older backup(s), keeping the newest {keep}")
    return 0


async def restore_command(
    source: Path,
    data_dir: Path,
    *,
    database_url: str | None = None,
    file_store_url: str | None = None,
) -> int:
    refusal = unsupported(data_dir, database_url, file_store_url)
    if refusal:
        print(f"restore refused: {refusal}")
        return 2
    try:
        report = await restore(source, data_dir)
    except BackupError as failure:
        print(f"restore failed: {failure}")
        return 1
    print(f"restored {report} into {data_dir}")
    return 0
