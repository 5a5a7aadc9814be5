"""The repository stands alone: a clone with nothing beside it runs the fake Bot API and its
tests (issue 10: 79 tests errored without the shared folder beside the checkout)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTSIDE = "../" + "shared"  # spelled in two halves so this file does not match itself


def tracked_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    return [name for name in listed.decode().split("\0") if name and (ROOT / name).is_file()]


def test_nothing_tracked_reaches_outside_the_repository() -> None:
    for name in tracked_files():
        if name.endswith((".py", ".md", ".toml", ".cfg", "Makefile", ".ci/run")):
            text = (ROOT / name).read_text(encoding="utf-8")
            assert OUTSIDE not in text, f"{name} points outside the repository"


def test_a_copy_with_nothing_beside_it_runs_the_fake_bot_api_tests(tmp_path: Path) -> None:
    clone = tmp_path / "alone" / "repo"
    for name in tracked_files():
        target = clone / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_API_SPEC"}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_fake_telegram.py",
        ],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert " passed" in run.stdout and "error" not in run.stdout.splitlines()[-1]
