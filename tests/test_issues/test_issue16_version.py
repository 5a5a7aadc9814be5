"""Issue 16: a build says which version it is: `python -m bot --version`, the `ipintake_build_info`
metric, and the CHANGELOG's newest section, all the version pyproject.toml declares."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from prometheus_client import REGISTRY, generate_latest

import bot.telemetry.metrics  # noqa: F401  (registers the metrics)

REPO = Path(__file__).resolve().parents[2]
DECLARED = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]


def test_version_flag_prints_the_declared_version() -> None:
    said = subprocess.run(
        [sys.executable, "-m", "bot", "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert said.strip() == f"python -m bot {DECLARED}"


def test_build_info_metric_carries_it() -> None:
    exported = generate_latest(REGISTRY).decode()
    line = next(line for line in exported.splitlines() if line.startswith("ipintake_build_info{"))
    assert f'version="{DECLARED}"' in line and line.endswith(" 1.0")


def test_the_changelog_and_license_ship() -> None:
    changelog = (REPO / "CHANGELOG.md").read_text()
    newest = re.search(r"^## \[?(\d+\.\d+\.\d+)", changelog, re.M)
    assert newest and newest.group(1) == DECLARED
    assert (REPO / "LICENSE").read_text().startswith("MIT License")
