"""Loads the hypothesis profiles (see profiles.py) before any property module is collected."""

from tests.property import profiles  # noqa: F401
