"""The out-of-process bench runs end to end at its smallest size and yields figures of the right
shape. Never a timing assertion: how fast is what the bench reports, not what a test checks."""

from __future__ import annotations

from bench.oop import measure
from bench.oop_options import OopOptions
from bench.oop_report import report


async def test_the_smallest_run_produces_every_figure() -> None:
    opts = OopOptions(sizes=(2,), warmup=0.5, seconds=2.0, together=2, upload_mb=1.0)
    data = await measure(opts)

    for kind in ("bot", "echo"):
        run = data["sizes"][2][kind]
        assert run["updates_per_second"] > 0, run
        assert run["calls_per_update"] > 0, run
        assert run["first_reply_ms"]["n"] > 0, run
        assert run["cpu_seconds_per_1000_updates"] is not None, run
        assert run["stalled_users"] == 0, run["stalled_example"]
    assert set(data["sizes"][2]["echo"]["by_method_per_update"]) == {"sendMessage"}
    together = data["together"]
    assert together["reached_review"] == 2, together["stuck_example"]
    assert together["receipts_missing"] == 0
    assert together["receipt_seconds"]["n"] == 2
    upload = data["upload"]
    assert upload["accepted"] and upload["samples"] > 0
    table = report(opts, data).table()
    assert "updates/s" in table and "Submit → receipt" in table
