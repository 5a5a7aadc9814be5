"""File modes for what holds personal data (names, emails, phones, evidence): folders 0700 and
files 0600, readable by the bot's own user only."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Make ``path`` (and any missing parents) and leave it readable by its owner only."""
    path = Path(path)
    missing = []
    while not path.exists():
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=PRIVATE_DIR_MODE)
    target = missing[0] if missing else path
    os.chmod(target, PRIVATE_DIR_MODE)
    return target
