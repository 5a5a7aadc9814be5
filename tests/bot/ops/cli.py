"""`python -m bot …` as an operator runs it: a child process, its output and exit status."""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.conftest import STAFF_CHAT_ID
from tests.fake_telegram import FakeTelegram

REPO = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


def bot_env(fake: FakeTelegram | None, data_dir: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    env["DATA_DIR"] = str(data_dir)
    if fake is not None:
        env |= {
            "BOT_TOKEN": fake.token,
            "TELEGRAM_API_URL": fake.base_url,
            "STAFF_CHAT_ID": str(STAFF_CHAT_ID),
        }
    return env | {key.upper(): value for key, value in settings.items()}


async def run_cli(*args: str, env: dict[str, str], timeout: float = 60) -> Result:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=REPO,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout)
    assert proc.returncode is not None
    return Result(proc.returncode, out.decode(), err.decode())
