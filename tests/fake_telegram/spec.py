"""Loading of the machine-readable Bot API reference (api.json).

The fake validates every request against the official method/type list so that a bot which
works against the fake also sends requests that the real Bot API accepts.
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENV_VAR = "TELEGRAM_API_SPEC"


def default_spec_path() -> Path:
    """The copy vendored beside this module (botapi/api.json) unless $TELEGRAM_API_SPEC names
    another."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override)
    return Path(__file__).with_name("botapi") / "api.json"


@dataclass(frozen=True)
class ApiSpec:
    """Case-insensitive view over api.json's methods and types."""

    version: str
    methods: dict[str, dict[str, Any]]  # lower-cased name -> method description
    types: dict[str, dict[str, Any]]

    def method(self, name: str) -> dict[str, Any] | None:
        return self.methods.get(name.lower())

    def fields(self, method_or_type: dict[str, Any]) -> dict[str, dict[str, Any]]:
        return {f["name"]: f for f in method_or_type.get("fields", [])}


def load_spec(path: str | Path | None = None) -> ApiSpec:
    """Load the spec (cached per resolved path); a missing file is a hard error."""
    spec_path = Path(path) if path else default_spec_path()
    return _load_spec(str(spec_path.resolve()))


@functools.lru_cache(maxsize=4)
def _load_spec(path: str) -> ApiSpec:
    spec_path = Path(path)
    if not spec_path.is_file():
        raise FileNotFoundError(
            f"Bot API spec not found at {spec_path}. It is vendored as "
            f"tests/fake_telegram/botapi/api.json, or set ${ENV_VAR} to its path."
        )
    raw = json.loads(spec_path.read_text(encoding="utf-8"))
    methods = {name.lower(): body for name, body in raw["methods"].items()}
    return ApiSpec(version=str(raw.get("version", "")), methods=methods, types=raw["types"])
