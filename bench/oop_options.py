"""Sizes and durations of the out-of-process bench, as command-line options of `python -m bench`.

Kept apart from bench/oop.py so that parsing the command line imports nothing of the bot.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass


@dataclass(frozen=True)
class OopOptions:
    sizes: tuple[int, ...] = (10, 100, 1000)  # simulated users, one run of each bot per size
    warmup: float = 5.0  # seconds of load before the window opens
    seconds: float = 20.0  # the steady-state window measured
    together: int = 100  # claimants pressing Submit at once
    upload_mb: float = 20.0  # the document whose reception is watched (MB = 10**6 bytes)
    receipt_timeout: float = 120.0
    rates: str = "lifted"  # the bot's outbox rates: "lifted" (as the echo's) or "telegram"
    mode: str = "polling"  # how both bots get updates: "polling" or "webhook"

    @classmethod
    def quick(cls) -> OopOptions:
        return cls(sizes=(2, 10), warmup=1.0, seconds=3.0, together=5, receipt_timeout=60.0)

    @staticmethod
    def add_arguments(parser: argparse.ArgumentParser) -> None:
        group = parser.add_argument_group("oop (out-of-process) options")
        group.add_argument("--claimants", help="sizes, comma-separated (default 10,100,1000)")
        group.add_argument("--warmup", type=float, help="seconds before measuring (default 5)")
        group.add_argument("--seconds", type=float, help="seconds measured per size (default 20)")
        group.add_argument("--together", type=int, help="claimants submitting at once (100)")
        group.add_argument("--upload-mb", type=float, help="size of the watched upload (20)")
        group.add_argument(
            "--rates",
            choices=("lifted", "telegram"),
            help="the bot's outbox rates: lifted like the echo's (default) or Telegram's",
        )
        group.add_argument(
            "--mode",
            choices=("polling", "webhook"),
            help="both bots long-poll (default) or are sent updates by webhook",
        )

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> OopOptions:
        base = cls.quick() if args.quick else cls()
        given = {
            "sizes": tuple(int(n) for n in args.claimants.split(",")) if args.claimants else None,
            "warmup": args.warmup,
            "seconds": args.seconds,
            "together": args.together,
            "upload_mb": args.upload_mb,
            "rates": args.rates,
            "mode": args.mode,
        }
        return cls(**{**base.__dict__, **{k: v for k, v in given.items() if v is not None}})
