"""Issue 14 §3: settings that cannot half-work, tried as an operator would, on the process.

- `cp .env.example .env && python -m bot` runs the terminal intake (empty values mean unset);
- a malformed BOT_TOKEN is one clear line on stderr and exit status 2 (no traceback, no hang);
- `check` never calls settings valid with a token Telegram refuses (getMe 401);
- the terminal intake exits 0 on SIGTERM, the draft saved;
- `check` opens DATABASE_URL and FILE_STORE_URL and warns of a staff group Telegram migrated.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
from pathlib import Path

from bot.config.settings import Settings, open_storage
from tests.bot.ops.cli import REPO, bot_env, run_cli
from tests.e2e.conftest import STAFF_MEMBER
from tests.fake_telegram import FakeTelegram


def plain_env(**extra: str) -> dict[str, str]:
    """The environment of a shell with nothing of the bot's set (the .env file says it all)."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "TMPDIR")}
    return env | {"LANG": "en_US.UTF-8", "PYTHONPATH": str(REPO), **extra}


async def test_the_example_env_file_runs_the_terminal_intake(tmp_path: Path) -> None:
    shutil.copy(REPO / ".env.example", tmp_path / ".env")
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=plain_env(),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(b"/quit\n"), 60)
    assert proc.returncode == 0, err.decode()
    assert "A complaint about an infringement of exclusive rights" in out.decode()
    assert "Traceback" not in err.decode()
    assert (tmp_path / "data" / "intake.sqlite3").is_file()  # DATA_DIR's default


async def test_a_malformed_token_is_one_line_and_exit_2(tmp_path: Path) -> None:
    for token in ("not-a-token", "123456:", "123456:abc def", ":ABC", "12a:ABC"):
        env = plain_env(BOT_TOKEN=token, DATA_DIR=str(tmp_path / "data"))
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=tmp_path,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(proc.communicate(), 30)  # never a hang
        lines = err.decode().strip().splitlines()
        assert proc.returncode == 2, (token, err.decode())
        assert len(lines) == 1 and lines[0].startswith("PROBLEM  setting BOT_TOKEN"), lines
        assert "not a bot token" in lines[0]
        assert token not in lines[0]  # the token is never printed
        assert not out


async def test_check_never_calls_a_refused_token_valid(fake: FakeTelegram, tmp_path: Path) -> None:
    refused = bot_env(fake, tmp_path / "data", bot_token="999:WRONG")
    result = await run_cli("check", env=refused)
    assert result.code == 1
    assert "settings are valid" not in result.out
    assert "Telegram answered 401" in result.out

    accepted = await run_cli("check", env=bot_env(fake, tmp_path / "data"))
    assert "settings are valid" in accepted.out and accepted.code == 0, accepted.out


async def test_the_terminal_intake_exits_0_on_sigterm_with_the_draft_saved(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=plain_env(DATA_DIR=str(data)),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    seen = b""

    async def until(marker: bytes) -> None:
        nonlocal seen
        while marker not in seen:
            chunk = await asyncio.wait_for(proc.stdout.read(4096), 30)  # type: ignore[union-attr]
            assert chunk, seen.decode()
            seen += chunk

    try:
        await until(b"> ")
        seen = b""
        proc.stdin.write(b"1\n")  # "Start": the first answer, saved in the draft
        await proc.stdin.drain()
        await until(b"particular listing")
        await until(b"> ")
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 15) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert "Traceback" not in (await proc.stderr.read()).decode()
    storage = await open_storage(Settings(data_dir=data, _env_file=None))
    try:
        draft = await storage.drafts.load(1)  # the terminal's user
    finally:
        await storage.close()
    assert draft is not None and draft.step == "screen_listing"


async def test_check_opens_the_database_and_the_file_store(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    fine = await run_cli("check", env=bot_env(fake, tmp_path / "data"))
    assert "ok       the database opens (SQLite in" in fine.out
    assert f"ok       the file store opens ({tmp_path / 'data'}/files)" in fine.out

    broken = bot_env(
        fake,
        tmp_path / "data",
        database_url="postgresql://intake:s3cr3t-pw@127.0.0.1:1/intake",
        file_store_url="ftp://files.example/intake",
    )
    result = await run_cli("check", env=broken)
    assert result.code == 1
    assert "PROBLEM  cannot open the database postgresql://intake:***@127.0.0.1:1/intake" in (
        result.out
    )
    assert "PROBLEM  cannot open the file store ftp://files.example/intake" in result.out
    assert "s3cr3t-pw" not in result.out + result.err
    assert "Traceback" not in result.err


async def test_check_warns_of_a_staff_group_telegram_migrated(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    basic_group = -4001  # only a basic group is upgraded, to a supergroup with a new id
    fake.add_group(basic_group, members={STAFF_MEMBER: "administrator"})
    fake.migrate_group(basic_group, -1009999999999)
    env = bot_env(fake, tmp_path / "data", staff_chat_id=str(basic_group))
    result = await run_cli("check", env=env)
    assert result.code == 1
    assert (
        f"PROBLEM  the staff group {basic_group} was upgraded to a supergroup: its id is now"
        " -1009999999999" in result.out
    )
