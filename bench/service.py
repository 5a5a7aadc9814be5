"""IntakeService over a real SQLite file (WAL, synchronous=FULL) in a temporary directory."""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from bench.report import Result, summary
from bench.script import Script, event_for, file_for, scripts
from bot.claimant.intake import IntakeService, Sender
from bot.claimant.uploads import OfferedFile
from bot.config.settings import Settings
from storage import Storage
from storage.database import fetch_one

STAFF_CHAT_ID = -1001234567890


def _offered(section: str, seed: int) -> OfferedFile:
    name, data, mime = file_for(section, seed)

    async def download() -> bytes:
        return data

    return OfferedFile(name=name, declared_mime=mime, declared_size=len(data), download=download)


async def _file(
    service: IntakeService, user_id: int, script: Script, samples: dict[str, list[float]]
) -> None:
    """One claimant files one complete complaint; each call's latency goes to its kind."""
    sender = Sender(user_id=user_id, chat_id=user_id, language_code="en", username=f"u{user_id}")
    clock = time.perf_counter
    for j, action in enumerate(script.actions):
        t0 = clock()
        if action.kind == "upload":
            outcome = await service.offer_file(sender, _offered(action.value, user_id * 100 + j))
            kind = "upload"
        else:
            outcome = await service.handle(sender, event_for(action))
            kind = "submit" if outcome.submit else "answer"
        samples[kind].append(clock() - t0)
        if not (outcome.changed or outcome.submit):
            raise RuntimeError(f"user {user_id}: {action.kind} {action.value!r} refused")


async def _round(
    data_dir: Path, claimants: int, concurrent: bool, first_user: int
) -> tuple[dict[str, list[float]], float, int]:
    settings = Settings(
        staff_chat_id=STAFF_CHAT_ID, data_dir=data_dir, max_file_mb=20, _env_file=None
    )
    storage = await Storage.open(data_dir)
    try:
        service = IntakeService(storage, settings)
        plans = scripts()
        samples: dict[str, list[float]] = {"answer": [], "upload": [], "submit": []}
        jobs = [(first_user + i, plans[i % len(plans)]) for i in range(claimants)]
        started = time.perf_counter()
        if concurrent:
            await asyncio.gather(*(_file(service, u, s, samples) for u, s in jobs))
        else:
            for u, s in jobs:
                await _file(service, u, s, samples)
        wall = time.perf_counter() - started
        async with storage.db.read() as conn:
            row = await fetch_one(conn, "SELECT count(*) FROM outbox")
        return samples, wall, int(row[0]) if row else 0
    finally:
        await storage.close()


async def _run(quick: bool) -> Result:
    sequential_n = 6 if quick else 30
    concurrent_n = 20
    with tempfile.TemporaryDirectory(prefix="bench-service-") as tmp:
        # warm-up: imports, Fluent, the dossier PDF font, the schema
        await _round(Path(tmp) / "warm", 1, False, 1)
        seq, seq_wall, seq_rows = await _round(Path(tmp) / "seq", sequential_n, False, 1000)
        par, par_wall, par_rows = await _round(Path(tmp) / "par", concurrent_n, True, 5000)

    result = Result(
        "service",
        "service: IntakeService on SQLite (WAL, synchronous=FULL, fsync per commit)",
        {"sequential_complaints": sequential_n, "concurrent_claimants": concurrent_n},
    )
    data: dict = {}
    for label, samples, wall, n, rows in (
        ("1 claimant at a time", seq, seq_wall, sequential_n, seq_rows),
        (f"{concurrent_n} claimants at once", par, par_wall, concurrent_n, par_rows),
    ):
        answer = summary(samples["answer"], 1e3)
        upload = summary(samples["upload"], 1e3)
        submit = summary(samples["submit"], 1e3)
        events = sum(len(v) for v in samples.values())
        result.row(f"[{label}]", "")
        result.latency("  accepted answer: load+engine+save", answer, "ms", 2)
        result.latency("  file: store+record+engine+save", upload, "ms", 2)
        result.latency("  submission: case+outbox, 1 tx", submit, "ms", 1)
        result.row("  events per second (all kinds)", f"{events / wall:,.0f}")
        result.row("  complaints per second", f"{n / wall:,.2f}  (wall {wall:.2f} s)")
        result.row("  outbox rows per complaint", f"{rows / n:.1f}")
        data[label] = {
            "answer_ms": answer,
            "upload_ms": upload,
            "submit_ms": submit,
            "events_per_second": events / wall,
            "complaints_per_second": n / wall,
            "wall_seconds": wall,
            "outbox_rows_per_complaint": rows / n,
        }
    result.data = data
    return result


def run(quick: bool) -> Result:
    return asyncio.run(_run(quick))
