"""Summaries, machine facts, the printed tables and bench/results/latest.json."""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results" / "latest.json"


def summary(samples: list[float], scale: float = 1.0) -> dict[str, Any]:
    """Median, p95 and p99 (nearest rank), max and count of `samples`, multiplied by `scale`."""
    if not samples:
        return {"n": 0, "median": None, "p95": None, "p99": None, "max": None}
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "median": statistics.median(ordered) * scale,
        "p95": _nearest_rank(ordered, 0.95) * scale,
        "p99": _nearest_rank(ordered, 0.99) * scale,
        "max": ordered[-1] * scale,
    }


def _nearest_rank(ordered: list[float], q: float) -> float:
    return ordered[max(0, min(len(ordered) - 1, round(q * len(ordered) + 0.5) - 1))]


def machine() -> dict[str, Any]:
    return {
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }


@dataclass
class Result:
    """One benchmark's outcome: `rows` print as a table, everything goes to the JSON."""

    name: str
    title: str
    sizes: dict[str, Any]
    rows: list[tuple[str, str]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def row(self, label: str, value: str) -> None:
        self.rows.append((label, value))

    def latency(self, label: str, stats: dict[str, Any], unit: str, digits: int = 1) -> None:
        """A row `median / p95 / max` of a summary (already in `unit`)."""
        if not stats["n"]:
            self.row(label, "no samples")
            return
        parts = [f"{stats[k]:.{digits}f}" for k in ("median", "p95", "max")]
        self.row(label, f"{' / '.join(parts)} {unit}  (n={stats['n']})")

    def table(self) -> str:
        width = max((len(label) for label, _ in self.rows), default=10)
        sizes = ", ".join(f"{k}={v}" for k, v in self.sizes.items())
        lines = [f"== {self.title} ==", f"   sizes: {sizes}"]
        lines += [f"   {label.ljust(width)}  {value}" for label, value in self.rows]
        lines += [f"   note: {n}" for n in self.notes]
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "sizes": self.sizes,
            "table": [{"label": label, "value": value} for label, value in self.rows],
            "data": self.data,
            "notes": self.notes,
        }


def header(info: dict[str, Any], quick: bool) -> str:
    mode = "quick" if quick else "full"
    return (
        f"bench ({mode}) {info['date']} · {info['cpu_count']} CPU · "
        f"{info['implementation']} {info['python']} · {info['platform']}"
    )


def write(results: list[Result], info: dict[str, Any], quick: bool) -> Path:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    body = {
        "machine": info,
        "quick": quick,
        "benchmarks": {r.name: r.as_json() for r in results},
    }
    RESULTS.write_text(json.dumps(body, indent=2, ensure_ascii=False, default=str) + "\n")
    return RESULTS
