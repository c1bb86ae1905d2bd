"""Issue 7's check that restructuring cost nothing: this tree against an earlier commit.

The earlier commit (``PARLEY_BENCH_BEFORE``, default ``BEFORE``: main just before the API
payloads were declared with pydantic) is checked out into a temporary git worktree. Both
trees are measured by ``bench/side_by_side_probe.py`` with this interpreter and its packages
(``PYTHONPATH`` selects the tree: two virtualenvs differ by more than the code does), each on
its own throwaway database made by its own migrations and seeded with the API benchmark's data,
in alternating order, ``PAIRS`` times. The figure is CPU time per request in the process
(``time.process_time``, Flask's test client): unlike requests per second it hardly moves with
what else the machine runs. Each tree's figure is the lowest of its runs: what other work on
the machine does is only ever add to a run (cache misses, a busy core), so the lowest is the
closest to the code's own cost (as ``timeit`` advises); every run is shown. The Python
function calls per request are counted too: the machine cannot move that count, so it tells a
change in the work done from a change in the machine.

Target (issue 7): thread reads, counts and posting within 5 % of before.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.report import PROJECT_ROOT, Options, Section, markdown_table

TITLE = "Issue 7: before and after, side by side (CPU per request)"
BEFORE = "d06eae2"
CASES = ("first_page", "whole_thread", "counts", "post")
LABELS = {
    "first_page": "first page of a 1,000-comment thread",
    "whole_thread": "whole thread (limit=500)",
    "counts": "counts for 20 articles",
    "post": "guest post",
}
PAIRS = 3
TOLERANCE = 0.05
PROBE = PROJECT_ROOT / "bench" / "side_by_side_probe.py"


def probe(tree: Path, backend: str) -> dict[str, dict[str, float]]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, str(PROBE), backend, ",".join(CASES)],
        cwd=tree, env=env, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"probe of {tree} on {backend} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def checkout(ref: str, where: Path) -> Path:
    tree = where / "before"
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(tree), ref],
        cwd=PROJECT_ROOT, check=True, capture_output=True,
    )  # fmt: skip
    return tree


def run(options: Options) -> Section:
    ref = os.environ.get("PARLEY_BENCH_BEFORE", BEFORE)
    runs: dict[tuple[str, str, str], list[float]] = {}  # (tree, backend, case) -> ms
    calls: dict[tuple[str, str, str], list[float]] = {}  # (tree, backend, case) -> calls
    with tempfile.TemporaryDirectory(prefix="parley-side-") as tmp:
        before = checkout(ref, Path(tmp))
        try:
            for pair in range(PAIRS):
                order = [("before", before), ("after", PROJECT_ROOT)]
                for name, tree in order if pair % 2 == 0 else order[::-1]:
                    for backend in options.backends:
                        print(f"  {name} ({backend}), pair {pair + 1}", flush=True)
                        measured = probe(tree, backend)
                        for case, ms in measured["ms"].items():
                            runs.setdefault((name, backend, case), []).append(ms)
                        for case, count in measured["calls"].items():
                            calls.setdefault((name, backend, case), []).append(count)
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(before)],
                cwd=PROJECT_ROOT, check=False, capture_output=True,
            )  # fmt: skip
    rows, met = [], True
    for backend in options.backends:
        for case in CASES:
            was, now = runs[("before", backend, case)], runs[("after", backend, case)]
            change = min(now) / min(was) - 1
            ok = change <= TOLERANCE
            met = met and ok
            calls_was = min(calls[("before", backend, case)])
            calls_now = min(calls[("after", backend, case)])
            calls_change = calls_now / calls_was - 1
            rows.append([
                backend, LABELS[case],
                ", ".join(f"{ms:.2f}" for ms in was), f"{min(was):.2f}",
                ", ".join(f"{ms:.2f}" for ms in now), f"{min(now):.2f}",
                f"{change * 100:+.1f} %", "met" if ok else "**missed**",
                f"{calls_was:,.0f} -> {calls_now:,.0f} ({calls_change * 100:+.1f} %)",
            ])  # fmt: skip
    header = ["Backend", "Case", "Before (ms)", "Lowest", "After (ms)", "Lowest", "Change",
              "Within 5 %", "Function calls per request"]  # fmt: skip
    body = (
        f"Before: `{ref}`; after: this tree. {PAIRS} alternating pairs of runs, each the lowest "
        "of 7 rounds (first page 300 requests, whole thread 60, counts 600, posts 200) after a "
        "warm-up; one interpreter and one set of packages for both trees; each tree's lowest "
        "run is compared (other work on the machine only ever adds to a run). Reads are "
        "rendered, not replayed from the caches of anonymous answers; start-up objects are "
        "frozen out of the garbage collector's view, as in production workers. The last "
        "column counts Python function calls per request under cProfile (the fewest of the "
        "runs): unlike time, no other work on the machine moves it, so equal counts for the "
        "same answer mean the same work.\n\n" + markdown_table(header, rows)
    )
    return Section(TITLE, body, targets_met=met)
