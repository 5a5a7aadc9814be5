"""Hypothesis profiles: "ci" (the default: reproducible, moderate counts) and "thorough".

`HYPOTHESIS_PROFILE=thorough .venv/bin/python -m pytest tests/property` runs many more examples,
randomised, for a local hunt; CI and `make test` use "ci", derandomised so a run is repeatable.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_SLOW_DATA = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=_SLOW_DATA,
)
settings.register_profile(
    "thorough",
    derandomize=False,
    deadline=None,
    max_examples=1000,
    suppress_health_check=_SLOW_DATA,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
THOROUGH_FACTOR = 20


def examples(ci: int) -> int:
    """A test's example count: `ci` under the "ci" profile, many times more under "thorough"."""
    return ci * THOROUGH_FACTOR if PROFILE == "thorough" else ci
