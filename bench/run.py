"""Run Parley's benchmarks and record their figures in docs/benchmarks.md.

    .venv/bin/python -m bench.run                 # every benchmark in BENCHMARKS (make bench)
    .venv/bin/python -m bench.run api             # only the ones named
    .venv/bin/python -m bench.run api --backends sqlite --duration 3 --no-write

Adding a benchmark is one line: write ``bench/<name>.py`` with a ``TITLE`` and a function
``run(options: bench.report.Options) -> bench.report.Section`` (it measures and returns its
Markdown), then add ``"<name>"`` to BENCHMARKS below. Its figures go between
``<!-- bench:<name> -->`` and ``<!-- /bench:<name> -->`` in docs/benchmarks.md, with the
date, machine and commit; rerunning one benchmark rewrites only its own section.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback

from bench.report import (
    DOC,
    Options,
    Section,
    load_average,
    now,
    render_section,
    update_document,
)

BENCHMARKS = [
    "api",
    "widget",
    "dashboard",
    "portability",
    "toxicity",
    "cached_reads",
    "streams",
    "readers",
    "posting",
    "notifications_mail",
    "webhooks",
    "payload_encoding",
    "signin_stall",
    "side_by_side",
]


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"any of {', '.join(BENCHMARKS)}")
    parser.add_argument("--duration", type=float, default=6.0, help="seconds per measured case")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of warm-up per case")
    parser.add_argument(
        "--backends",
        default="sqlite,postgresql",
        help="comma-separated database backends for benchmarks that use one",
    )
    parser.add_argument(
        "--cases",
        default="",
        help="comma-separated cases to run (e.g. first_page,post); all if empty",
    )
    parser.add_argument("--no-write", action="store_true", help=f"print only; leave {DOC.name}")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    backends = tuple(b.strip() for b in args.backends.split(",") if b.strip())
    if not backends or set(backends) - {"sqlite", "postgresql"}:
        parser.error("--backends takes sqlite and/or postgresql")
    if not 1 <= args.duration <= 60 or not 0 <= args.warmup <= 10:
        parser.error("--duration must be 1-60 s and --warmup 0-10 s")
    args.backends = backends
    args.cases = tuple(c.strip() for c in args.cases.split(",") if c.strip())
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    options = Options(
        duration=args.duration, warmup=args.warmup, backends=args.backends, cases=args.cases
    )
    failed = []
    for name in args.names or BENCHMARKS:
        started, load_at_start = now(), load_average()
        print(f"== benchmark {name}", flush=True)
        module = importlib.import_module(f"bench.{name}")
        try:
            section: Section = module.run(options)
        except Exception as error:  # noqa: BLE001 - one broken benchmark must not hide others
            traceback.print_exc()
            section = Section(module.TITLE, f"Not measured: {type(error).__name__}: {error}")
            failed.append(name)
        rendered = render_section(name, section, started, load_at_start)
        print(rendered, flush=True)
        if not section.targets_met:
            print(f"!! {name}: some targets were missed (see above)", flush=True)
        if not args.no_write:
            update_document(name, rendered)
            print(f"-> {DOC}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
