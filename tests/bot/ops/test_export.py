"""`python -m bot export`: a case's dossier (PDF + ZIP) or every case since a date, written to a
folder from a data dir prepared by the real storage and case desk."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.config.settings import Settings
from bot.ops.export import export_command, parse_since
from bot.staff.desk import CaseDesk
from bot.staff.workflow import Actor
from storage import Storage
from tests.bot.dossier.test_pdf import FILE_CONTENTS, make_case
from tests.bot.staff.deciding import decided as decide_now

ROOT = Path(__file__).resolve().parents[3]
MAY = datetime(2024, 5, 17, 9, 30, tzinfo=UTC)
JUNE = datetime(2024, 6, 1, 23, 59, tzinfo=UTC)
STAFF = Actor(501, "Sergey")


def settings_for(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, decision_undo_seconds=0, _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
async def data_dir(tmp_path: Path) -> Path:
    """Two submitted cases (May and June 2024); the May one taken and rejected by staff."""
    data_dir = tmp_path / "data"
    storage = await Storage.open(data_dir)
    try:
        for data in FILE_CONTENTS.values():
            storage.files.put(data)
        draft = make_case().draft
        async with storage.db.transaction() as conn:
            may = await storage.cases.submit(conn, draft, now=MAY)
        async with storage.db.transaction() as conn:
            await storage.cases.submit(conn, draft.model_copy(update={"user_id": 7}), now=JUNE)
        desk = CaseDesk(storage, settings_for(data_dir))
        taken = await desk.take(may, STAFF)
        await decide_now(desk, taken, STAFF, "documents_missing")
    finally:
        await storage.close()
    return data_dir


def run_export(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    env.pop("BOT_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", "export", *args],
        cwd=data_dir.parent,  # no .env of the developer's
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return "".join("".join(page.extract_text() or "" for page in reader.pages).split())


def check_zip(path: Path, number: str) -> None:
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["case_number"] == number
        hashes = set()
        for entry in manifest["files"]:
            data = archive.read(entry["path"])
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
            hashes.add(entry["sha256"])
    assert hashes == {hashlib.sha256(d).hexdigest() for d in FILE_CONTENTS.values()}


def test_export_one_case_as_a_subprocess(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = run_export(data_dir, "ip-2024-000001", "--out", str(out))
    assert done.returncode == 0, done.stderr
    pdf, archive = out / "IP-2024-000001.pdf", out / "IP-2024-000001.zip"
    assert done.stdout.split() == [str(pdf), str(archive)]
    assert sorted(p.name for p in out.iterdir()) == ["IP-2024-000001.pdf", "IP-2024-000001.zip"]
    text = pdf_text(pdf)
    assert "IP-2024-000001" in text
    for action in ("submitted", "taken", "rejected"):
        assert action in text, action
    assert "Sergey(id501)" in text  # who acted, by name and id (issue 15: in words)
    check_zip(archive, "IP-2024-000001")


def test_export_since_a_date_as_a_subprocess(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = run_export(data_dir, "--since", "2024-05-18", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["IP-2024-000002.pdf", "IP-2024-000002.zip"]
    check_zip(out / "IP-2024-000002.zip", "IP-2024-000002")

    bad = run_export(data_dir, "--since", "last tuesday", "--out", str(out))
    assert bad.returncode == 1
    assert "last tuesday" in bad.stdout + bad.stderr


async def test_export_since_includes_every_case_from_that_moment(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_for(data_dir)
    out = tmp_path / "all"
    assert await export_command(settings, None, "2024-05-17", out) == 0
    assert len(capsys.readouterr().out.split()) == 4
    assert sorted(p.name for p in out.iterdir()) == [
        "IP-2024-000001.pdf",
        "IP-2024-000001.zip",
        "IP-2024-000002.pdf",
        "IP-2024-000002.zip",
    ]
    # An ISO datetime, UTC: one minute after the June case was submitted finds nothing.
    later = tmp_path / "later"
    assert await export_command(settings, None, "2024-06-02T00:00:00+00:00", later) == 0
    assert not later.exists() or not any(later.iterdir())
    exact = tmp_path / "exact"
    assert await export_command(settings, None, "2024-06-01T23:59:00", exact) == 0
    assert sorted(p.name for p in exact.iterdir())[0] == "IP-2024-000002.pdf"


async def test_unknown_case_and_bad_date_exit_1_and_write_nothing(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_for(data_dir)
    out = tmp_path / "none"
    assert await export_command(settings, "IP-2024-000404", None, out) == 1
    assert "IP-2024-000404" in capsys.readouterr().out
    assert await export_command(settings, None, "2024-13-45", out) == 1
    assert "2024-13-45" in capsys.readouterr().out
    assert not out.exists()


def test_parse_since() -> None:
    assert parse_since("2024-05-18") == datetime(2024, 5, 18, tzinfo=UTC)
    assert parse_since("2024-05-18T03:00:00+03:00") == datetime(2024, 5, 18, tzinfo=UTC)
    assert parse_since("yesterday") is None
