"""Regression tests replay bugs through the real bot: the end-to-end suite's fixtures."""

from tests.e2e.conftest import fake, running_bot

__all__ = ["fake", "running_bot"]
