"""Issue 6: how much memory receiving one 20 MB document costs, per runtime (not a test).

    .venv/bin/python -m tests.test_issues.measure_rss_issue6 aiogram   # or ptb, fake-only

One runtime per process, for clean figures. The real runtime runs against the fake Bot API in
this process; a claimant is brought to the documents step, the peak RSS is reset
(/proc/self/clear_refs), a 20 MB PDF is sent, and the growth of the peak (VmHWM) and of the
current RSS (VmRSS) until the file is acknowledged is reported. ``fake-only`` measures the
fake's own cost of serving the file (streamed by a client that keeps nothing): subtract it.
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import tempfile
from pathlib import Path

from bot.serving.aiogram_app import AiogramApp
from bot.serving.ptb_app import PtbApp
from tests.e2e.claimant import Claimant
from tests.e2e.conftest import CLAIMANT, STAFF_CHAT_ID, STAFF_MEMBER, RunningBot
from tests.fake_telegram import FakeTelegram

MB = 1024 * 1024


def status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024  # kB -> MB
    raise KeyError(field)


def reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")


async def fake_only(fake: FakeTelegram, data: bytes) -> None:
    """The fake's own cost of serving the file: streamed by a client that keeps nothing."""
    import aiohttp

    stored = fake.add_file(data, kind="document", file_name="x.pdf", mime_type="application/pdf")
    path = (await fake._get_file({"file_id": stored.file_id}, None))["file_path"]  # type: ignore[arg-type]
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{fake.base_url}/file/bot{fake.token}/{path}") as response,
    ):
        async for _chunk in response.content.iter_chunked(65536):
            pass


async def measure(runtime: type | None) -> tuple[int, int]:
    data = b"%PDF-1.4\n" + os.urandom(20 * MB - 64) + b"\n%%EOF\n"
    async with FakeTelegram() as fake:
        fake.add_user(CLAIMANT, first_name="Anna", language_code="en", username="anna")
        fake.add_user(STAFF_MEMBER, first_name="Sergey", language_code="ru")
        fake.add_group(STAFF_CHAT_ID, "IP team", members={STAFF_MEMBER: "administrator"})
        with tempfile.TemporaryDirectory() as tmp:
            bot = RunningBot(fake, Path(tmp) / "data", runtime or AiogramApp, max_file_mb=21)
            await bot.start()
            try:
                anna = Claimant(fake, CLAIMANT)
                await anna.reaches("rights_docs")
                gc.collect()
                rss_before = status("VmRSS")
                reset_peak()
                peak_before = status("VmHWM")
                if runtime is None:
                    await fake_only(fake, data)
                else:
                    await asyncio.wait_for(anna.attaches(data, "certificate.pdf"), 60)
                peak = status("VmHWM") - peak_before
                rss = status("VmRSS") - rss_before
            finally:
                await bot.stop()
    return peak, rss


async def main() -> None:
    runtimes: dict[str, type | None] = {"fake-only": None, "aiogram": AiogramApp, "ptb": PtbApp}
    for name in sys.argv[1:] or list(runtimes):  # one per process for clean figures
        peak, rss = await measure(runtimes[name])
        print(f"{name}: peak RSS +{peak} MB, RSS after +{rss} MB for one 20 MB document")


if __name__ == "__main__":
    asyncio.run(main())
