"""`python -m bench [engine|service|e2e|outbox|oop|staffrate|cluster|metrics ...] [--quick]`:
measure, print, write JSON.

Never fails on a number: a benchmark that breaks is reported and the others still run.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import traceback

from bench.oop_options import OopOptions
from bench.report import Result, header, machine, write

BENCHMARKS = ("engine", "service", "e2e", "outbox", "oop", "staffrate")
ON_REQUEST = ("cluster", "calls", "metrics")  # run only when named (minutes each)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "names",
        nargs="*",
        choices=[[], *BENCHMARKS, *ON_REQUEST],
        metavar="NAME",
        help=f"which to run (default all): {', '.join(BENCHMARKS)}",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, a few seconds each")
    OopOptions.add_arguments(parser)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    info = machine()
    results: list[Result] = []
    broken: list[str] = []
    for name in args.names or BENCHMARKS:
        print(f"running {name}…", file=sys.stderr, flush=True)
        try:
            module = importlib.import_module(f"bench.{name}")
            if name == "oop":
                results.append(module.run(args.quick, OopOptions.from_args(args)))
            else:
                results.append(module.run(args.quick))
        except Exception:
            traceback.print_exc()
            broken.append(name)
    print()
    print(header(info, args.quick))
    for result in results:
        print()
        print(result.table())
    path = write(results, info, args.quick)
    print(f"\nresults: {path}")
    if broken:
        print(f"could not measure: {', '.join(broken)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
