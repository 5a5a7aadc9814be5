"""The cluster tests need the PostgreSQL server of ``TEST_DATABASE_URL``; skipped without it."""

from __future__ import annotations

import pytest

from tests.backends import TEST_DATABASE_URL

CLUSTER_SKIP = (
    "cluster tests skipped: they run worker processes on a PostgreSQL server; set "
    "TEST_DATABASE_URL, e.g. TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test "
    ".venv/bin/python -m pytest tests/bot/cluster (.ci/run does)"
)


@pytest.fixture
def server_url() -> str:
    if not TEST_DATABASE_URL:
        pytest.skip(CLUSTER_SKIP)
    return TEST_DATABASE_URL
