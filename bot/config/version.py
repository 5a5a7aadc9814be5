"""The installed package's version (`python -m bot --version`, the `build_info` metric), read
from its metadata so that pyproject.toml stays the one place it is written."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

DISTRIBUTION = "ip-intake-bot"


def installed_version() -> str:
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "0+unknown"
