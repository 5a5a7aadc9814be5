"""Replace the vendored api.json with the upstream one (see SOURCE.md beside this file).

Usage: python -m tests.fake_telegram.botapi.refresh [COMMIT]
"""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path

UPSTREAM = "https://raw.githubusercontent.com/PaulSonOfLars/telegram-bot-api-spec/{ref}/api.json"
TARGET = Path(__file__).with_name("api.json")


def refresh(ref: str = "main") -> str:
    """Download, check it is a Bot API description, write it; return its version."""
    with urllib.request.urlopen(UPSTREAM.format(ref=ref), timeout=30) as response:
        body = response.read()
    spec = json.loads(body)
    if not {"version", "methods", "types"} <= spec.keys():
        raise SystemExit("the downloaded file is not a Bot API description; nothing written")
    TARGET.write_bytes(body)
    return str(spec["version"])


if __name__ == "__main__":
    version = refresh(sys.argv[1] if len(sys.argv) > 1 else "main")
    print(f"{TARGET} now describes {version}; update SOURCE.md and run make test")
