"""The fake Bot API and a running bot, as in the end-to-end tests."""

from tests.e2e.conftest import fake, running_bot

__all__ = ["fake", "running_bot"]
