"""Fixtures shared by every test folder: the storage backends (tests/backends.py)."""

from __future__ import annotations

from typing import Any

from tests.backends import PG_SKIP, TEST_DATABASE_URL, backend, file_backend, file_store, s3_server

__all__ = ["backend", "file_backend", "file_store", "s3_server"]


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    """Say once, at the end, why the PostgreSQL variants did not run."""
    skipped = terminalreporter.stats.get("skipped", [])
    if not TEST_DATABASE_URL and any("[postgres" in report.nodeid for report in skipped):
        terminalreporter.write_sep("-", "PostgreSQL")
        terminalreporter.write_line(PG_SKIP)
