"""A bot as its own process against the fake Bot API, and what the kernel says it costs.

CPU and memory come from /proc/<pid> (Linux), so nothing beyond the standard library is needed
and the bench's own work (the fake, the simulated claimants) is never counted as the bot's.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.fake_telegram import FakeTelegram

REPO = Path(__file__).resolve().parents[1]
TICKS = os.sysconf("SC_CLK_TCK")
STAFF_CHAT_ID = -1001234567890
KEPT_ENV = ("PATH", "HOME", "LANG", "TMPDIR")


def cpu_seconds(pid: int | str = "self") -> float:
    """User + system CPU of a process so far (all its threads)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def memory_kb(pid: int, field: str = "VmRSS") -> int:
    """A line of /proc/<pid>/status in kB: VmRSS now, VmHWM the peak so far."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def reset_peak(pid: int) -> int | None:
    """Reset VmHWM to the current RSS (clear_refs 5); that RSS in kB, or None if not allowed."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return None
    return memory_kb(pid)


def machine_seconds() -> dict[str, float]:
    """CPU seconds the whole machine has spent so far (all cores, every process): busy, waiting
    for the disk, stolen by the hypervisor, and in all. From the first line of /proc/stat."""
    values = [int(v) / TICKS for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = values[:8]
    return {
        "busy": user + nice + system + irq + softirq,
        "iowait": iowait,
        "steal": steal,
        "total": user + nice + system + idle + iowait + irq + softirq + steal,
    }


class BotProcess:
    """`python -m <module>` against `fake`, environment as in production plus the fake's URL."""

    def __init__(
        self, module: str, fake: FakeTelegram, data_dir: Path, log: Path, **env: str
    ) -> None:
        self.module = module
        self.fake = fake
        self.log = log
        self.env = {
            **{k: v for k, v in os.environ.items() if k in KEPT_ENV},
            "BOT_TOKEN": fake.token,
            "TELEGRAM_API_URL": fake.base_url,
            "STAFF_CHAT_ID": str(STAFF_CHAT_ID),
            "DATA_DIR": str(data_dir),
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        self.proc: asyncio.subprocess.Process | None = None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    async def start(self, timeout: float = 30.0) -> None:
        """Start it and return once it long-polls (its first getUpdates reached the fake) or has
        set its webhook."""
        polls = len(self.fake.calls("getUpdates")) + len(self.fake.calls("setWebhook"))
        with self.log.open("ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", self.module, cwd=REPO, env=self.env, stdout=log, stderr=log
            )
        await self.fake.wait_until(
            lambda: (
                len(self.fake.calls("getUpdates")) + len(self.fake.calls("setWebhook")) > polls
                or self.exited()
            ),
            timeout,
            message=f"{self.module} did not start polling",
        )
        if self.exited():
            raise RuntimeError(f"{self.module} exited:\n{self.log.read_text()[-3000:]}")

    def exited(self) -> bool:
        return self.proc is not None and self.proc.returncode is not None

    def cpu(self) -> float:
        return cpu_seconds(self.pid)

    async def stop(self) -> None:
        """SIGTERM, then SIGKILL if it has not gone within 5 s."""
        if self.proc is None or self.proc.returncode is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.proc.wait(), 5)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
