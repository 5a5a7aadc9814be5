"""The Dockerfile's steps without Docker: build the wheel, install it into a fresh venv, run
`check`, start the bot from outside the repository, answer the image's HEALTHCHECK command, stop
on SIGTERM. And every setting is documented in `.env.example` and docs/settings.md."""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from bot.config.settings import Settings
from tests.bot.ops.cli import REPO, bot_env
from tests.fake_telegram import FakeTelegram

DOCKERFILE = (REPO / "Dockerfile").read_text()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def healthcheck_command() -> list[str]:
    """The HEALTHCHECK's CMD from the Dockerfile, continuation lines joined."""
    joined = DOCKERFILE.replace("\\\n", " ")
    line = next(line for line in joined.splitlines() if line.startswith("HEALTHCHECK"))
    return shlex.split(line.split(" CMD ", 1)[1])


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the wheel (its dependencies are this venv's, added by path only:
    nothing of the repository is importable from it)."""
    root = tmp_path_factory.mktemp("deploy")
    wheels = root / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)],
        check=True,
        capture_output=True,
    )
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    wheel = next(wheels.glob("ip_intake_bot-*.whl"))
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", site, str(wheel)],
        check=True,
        capture_output=True,
    )
    return python


async def test_the_wheel_installs_checks_starts_answers_health_and_stops(
    installed: Path, fake: FakeTelegram, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    port = free_port()
    env = bot_env(fake, tmp_path / "data", metrics_port=str(port), pythonunbuffered="1")
    where = subprocess.run(
        [str(installed), "-c", "import bot; print(bot.__file__)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(REPO) not in where and str(installed.parents[1]) in where

    check = await asyncio.create_subprocess_exec(
        str(installed),
        "-m",
        "bot",
        "check",
        cwd=elsewhere,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    said, _ = await asyncio.wait_for(check.communicate(), 60)
    assert check.returncode == 0, said.decode()

    entrypoint = ["-m", "bot", "run"]  # ENTRYPOINT ["python", "-m", "bot"] + CMD ["run"]
    assert 'ENTRYPOINT ["python", "-m", "bot"]' in DOCKERFILE and 'CMD ["run"]' in DOCKERFILE
    log = (tmp_path / "bot.log").open("wb")
    proc = await asyncio.create_subprocess_exec(
        str(installed), *entrypoint, cwd=elsewhere, env=env, stdout=log, stderr=log
    )
    try:
        await fake.wait_for_request("getUpdates", timeout=20)
        probe, *args = healthcheck_command()
        assert probe == "python"
        for _ in range(50):
            health = await asyncio.create_subprocess_exec(
                str(installed), *args, env={**env, "METRICS_PORT": str(port)}
            )
            if await health.wait() == 0:
                break
            await asyncio.sleep(0.2)
        else:
            pytest.fail("the HEALTHCHECK command never succeeded")
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 10) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        log.close()
    assert "Traceback" not in (tmp_path / "bot.log").read_text()
    assert (tmp_path / "data" / "intake.sqlite3").is_file()


def test_every_setting_is_documented_with_its_default() -> None:
    example = (REPO / ".env.example").read_text()
    reference = (REPO / "docs" / "settings.md").read_text()  # moved from the README (issue 16)
    for name, field in Settings.model_fields.items():
        assert re.search(rf"^#? ?{name.upper()}=", example, re.M), f"{name} not in .env.example"
        assert re.search(rf"`{name.upper()}[`=]", reference), f"{name} not in docs/settings.md"
        default = field.default
        if isinstance(default, bool):
            assert f"{name.upper()}={str(default).lower()}" in example
        elif isinstance(default, int | float | str) and default != "":
            assert f"{name.upper()}={default}" in example or name == "data_dir"


def test_the_systemd_unit_and_compose_run_the_same_command() -> None:
    unit = (REPO / "deploy" / "ip-intake-bot.service").read_text()
    compose = (REPO / "compose.yaml").read_text()
    assert re.search(r"^ExecStart=\S+/python -m bot run$", unit, re.M)
    assert "KillSignal=SIGTERM" in unit and "stop_signal: SIGTERM" in compose
    # /data is compose's named volume; a VOLUME in the image would add an anonymous one per
    # container (issue 16)
    assert "DATA_DIR: /data" in compose and "- data:/data" in compose
    assert not re.search(r"^VOLUME", DOCKERFILE, re.M)
    assert re.search(r"^USER bot$", DOCKERFILE, re.M)  # not root
    assert os.path.basename(sys.executable)  # (the tests run the same `python -m bot`)
