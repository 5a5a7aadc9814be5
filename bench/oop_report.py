"""The out-of-process bench's figures as a table: the bot beside the echo bot at each size, Submit
pressed by many at once, and the memory a large upload costs.
"""

from __future__ import annotations

import os
from typing import Any

from bench.oop_options import OopOptions
from bench.report import Result


def _ms(stats: dict[str, Any]) -> str:
    if not stats["n"]:
        return "no samples"
    return f"{stats['median']:.1f} / {stats['p99']:.1f} ms"


def _cpu(run: dict[str, Any]) -> str:
    return f"{run['bot_cpu_per_second']:.2f} + {run['bench_process_cpu_per_second']:.2f}"


def _machine(run: dict[str, Any]) -> str:
    """Cores' worth of the whole machine during the window: everyone's, not only ours."""
    m = run["machine_per_second"]
    return f"{m['busy']:.2f} / {m['iowait']:.2f} / {m['steal']:.2f}"


def report(opts: OopOptions, data: dict[str, Any]) -> Result:
    result = Result(
        "oop",
        "oop: python -m bot and an aiogram echo bot as processes ⇄ fake Bot API over HTTP",
        {
            "claimants": ",".join(map(str, opts.sizes)),
            "warmup_s": opts.warmup,
            "window_s": opts.seconds,
            "together": opts.together,
            "upload_mb": opts.upload_mb,
            "rates": opts.rates,
            "mode": opts.mode,
        },
    )
    for size, runs in data["sizes"].items():
        bot, echo = runs["bot"], runs["echo"]
        ratio = bot["updates_per_second"] / echo["updates_per_second"] if echo["answered"] else 0
        result.row(f"[{size} claimants]", "bot | echo")
        result.row(
            "  updates/s (bot ÷ echo)",
            f"{bot['updates_per_second']:.1f} | {echo['updates_per_second']:.1f}  ({ratio:.2f})",
        )
        result.row(
            "  first reply p50 / p99",
            f"{_ms(bot['first_reply_ms'])} | {_ms(echo['first_reply_ms'])}",
        )
        cpu = [r["cpu_seconds_per_1000_updates"] for r in (bot, echo)]
        # What the updates/s ratio would be were both CPU-bound on equal cores: far steadier
        # than the rates on a machine whose other users take the cores unevenly.
        cpu_ratio = f"  (echo ÷ bot {cpu[1] / cpu[0]:.2f})" if cpu[0] and cpu[1] else ""
        result.row(
            "  bot CPU s per 1000 updates",
            " | ".join("n/a" if c is None else f"{c:.2f}" for c in cpu) + cpu_ratio,
        )
        result.row(
            "  Bot API calls per update",
            f"{bot['calls_per_update']:.2f} | {echo['calls_per_update']:.2f}"
            f"  (+ getUpdates {bot['get_updates_per_update']:.2f} | "
            f"{echo['get_updates_per_update']:.2f})",
        )
        if opts.mode == "webhook":
            result.row(
                "  + methods in webhook responses",
                f"{bot['webhook_replies_per_update']:.2f} | "
                f"{echo['webhook_replies_per_update']:.2f}  (no HTTP call of the bot's)",
            )
        result.row(
            "  updates per user in the window",
            f"{bot['answered'] / size:.1f} | {echo['answered'] / size:.1f}",
        )
        methods = ", ".join(f"{m} {n:.2f}" for m, n in bot["by_method_per_update"].items())
        result.row("    bot, by method", methods or "none")
        result.row("  CPU s/s: bot + bench (fake+users)", f"{_cpu(bot)} | {_cpu(echo)}")
        result.row("  machine: busy / iowait / steal", f"{_machine(bot)} | {_machine(echo)}")
        stalled = bot["stalled_users"] + echo["stalled_users"]
        if stalled:
            result.row(
                "  users stalled (no answer)", f"{bot['stalled_users']} | {echo['stalled_users']}"
            )
    together = data["together"]
    receipts = together["receipt_seconds"]
    n = together["claimants"]
    if receipts["n"]:
        result.row(
            f"Submit → receipt, {n} at once, p50 / p99",
            f"{receipts['median']:.2f} / {receipts['p99']:.2f} s  (max {receipts['max']:.2f})",
        )
    result.row(f"  Submit answered, {n} at once", _ms(together["submit_answered_ms"]))
    if together["reached_review"] < n:
        result.row("  stuck before the review", f"{n - together['reached_review']} of {n}")
    result.row(
        "  receipts missing", f"{together['receipts_missing']} of {together['reached_review']}"
    )
    up = data["upload"]
    result.row(
        f"RSS growth, {opts.upload_mb:g} MB upload",
        f"+{up['rss_growth_mb']:.1f} MB (VmHWM +{up['vmhwm_growth_mb']:.1f}; baseline "
        f"{up['rss_baseline_mb']:.1f} MB, {up['samples']} samples)",
    )
    result.row(
        "  upload answered",
        f"{'yes' if up['accepted'] else 'NO'} after {up['received_seconds']:.2f} s: "
        f"“{up['answer']}”",
    )
    if data["tracebacks"]:
        result.row("tracebacks in the bots' logs", str(data["tracebacks"]))
    result.notes.append(
        "updates/s = updates whose whole answer arrived inside the window ÷ window; first reply "
        "from queueing the update to the first reply (for Submit: the first effect); calls per "
        "update exclude getUpdates (shown apart) and include the staff group's"
    )
    result.notes.append(
        "CPU s/s: CPU seconds per second of the window (1.00 = one core); machine: cores' worth "
        "used by every process on the machine, ours and anyone else's, out of "
        f"{os.cpu_count()}; iowait is time with nothing to run while the disk is awaited"
    )
    result.notes.append(
        "targets (issue 6): updates/s ratio at 100 ≥ 0.5, ≤ 1.3 calls per update, Submit → "
        "receipt p99 < 1 s with 100 at once, RSS growth ≤ 5 MB, first reply p50 at 10 ≤ ~79 ms"
    )
    result.data = data
    return result
