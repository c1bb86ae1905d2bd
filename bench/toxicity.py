"""The toxicity benchmark: what scoring costs per comment, and posting with it on and off.

1. Scoring, in this process: the CPU time (``time.process_time``) of
   ``app.services.toxicity.assess`` (quotes, language guess, the local model) over the
   labelled set (tests/data/toxicity_labelled.csv), repeated; beside it, the package's own
   scikit-learn ``predict_prob`` called once per comment, as Parley would otherwise call it.
2. Posting, through gunicorn (2 workers, 127.0.0.1) and wrk at 8 clients: the site has the
   recommended thresholds (hold 0.9, nudge 0.7); the server runs with PARLEY_TOXICITY=on,
   then off, then on and off again (alternating, so drift in the machine's load hits both),
   and each pair's posts/s and gunicorn CPU per post are compared.
"""

from __future__ import annotations

import csv
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.api import post_bodies
from bench.load import LoadResult, post_script, run_wrk_metered
from bench.report import BACKEND_LABELS, PROJECT_ROOT, Options, Section, markdown_table
from bench.server import Served, gunicorn, migrated_database, seeding_app

TITLE = "Toxicity: scoring cost per comment, posting with scoring on and off"
SITE = "bench"
LABELLED = PROJECT_ROOT / "tests" / "data" / "toxicity_labelled.csv"
CLIENTS = 8
ROUNDS = 2
SCORE_BUDGET_MS = 2.0
# A fresh process: importing scikit-learn and reading the package's files, as a worker does.
LOAD_ONCE = (
    "import time; t = time.process_time(); "
    "from app.services.toxicity_model import load_weights; load_weights(); "
    "print(time.process_time() - t)"
)
PROBE = f"/api/v1/counts?site={SITE}&article=probe"
SLOWDOWN_BUDGET = 0.10


def labelled_texts() -> list[str]:
    with open(LABELLED, newline="") as handle:
        return [row["text"] for row in csv.DictReader(handle)]


def scoring_costs(repeat: int = 20) -> list[list[str]]:
    """CPU ms per comment: model load, Parley's scoring, and the package called directly."""
    from app.services.toxicity import assess

    texts = labelled_texts()
    load_s = float(
        subprocess.run(
            [sys.executable, "-c", LOAD_ONCE],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout
    )
    settings = {"toxicity_scorer_url": ""}
    started = time.process_time()
    for _ in range(repeat):
        for text in texts:
            assess(settings, text)
    parley_ms = (time.process_time() - started) * 1000 / (repeat * len(texts))

    from profanity_check import predict_prob

    started = time.process_time()
    for text in texts:
        predict_prob([text])
    package_ms = (time.process_time() - started) * 1000 / len(texts)
    met = "met" if parley_ms <= SCORE_BUDGET_MS else "**missed**"
    return [
        [
            "Load the packaged model (once per process, scikit-learn import included)",
            f"{load_s * 1000:.0f} ms",
            "",
        ],
        [
            "Score one comment: Parley's scorer (quotes, language, model)",
            f"{parley_ms:.4f} ms",
            f"<= {SCORE_BUDGET_MS:g} ms: {met}",
        ],
        [
            "Score one comment: the package's predict_prob (scikit-learn)",
            f"{package_ms:.3f} ms",
            "",
        ],
    ]


def seed_site(env: dict[str, str]) -> None:
    from app.services.site_settings import apply_site_settings
    from app.services.sites import create_site
    from app.services.toxicity_settings import RECOMMENDED

    with seeding_app(env):
        create_site(SITE, "Bench", ["https://news.example"])  # the Origin of post_script
        apply_site_settings(SITE, dict(RECOMMENDED), None)


def measure(base: Served, database_url: str, options: Options, workdir: Path) -> LoadResult:
    script = post_script("/api/v1/comments", post_bodies())
    url = base + "/api/v1/comments"
    return run_wrk_metered(base, database_url, url, CLIENTS, options, workdir, script)


def posting(backend: str, options: Options) -> dict[str, list[LoadResult]]:
    results: dict[str, list[LoadResult]] = {"on": [], "off": []}
    with (
        tempfile.TemporaryDirectory(prefix="parley-bench-") as tmp,
        migrated_database(backend, Path(tmp)) as env,
    ):
        seed_site(env)
        for round_ in range(ROUNDS):
            for scoring in ("on", "off"):
                print(f"  {backend}: posting, scoring {scoring}, round {round_ + 1}", flush=True)
                served_env = {**env, "PARLEY_TOXICITY": scoring}
                with gunicorn(served_env, Path(tmp), PROBE) as base:
                    results[scoring].append(
                        measure(base, env["PARLEY_DATABASE_URL"], options, Path(tmp))
                    )
    return results


def posting_rows(backend: str, results: dict[str, list[LoadResult]]) -> tuple[list[str], bool]:
    on = statistics.mean(r.per_second for r in results["on"])
    off = statistics.mean(r.per_second for r in results["off"])
    cpu_on = statistics.mean(r.server_cpu_ms or 0 for r in results["on"])
    cpu_off = statistics.mean(r.server_cpu_ms or 0 for r in results["off"])
    errors = sum(r.errors for runs in results.values() for r in runs)
    slowdown = 1 - on / off if off else 1.0
    met = slowdown <= SLOWDOWN_BUDGET and errors == 0
    row = [
        BACKEND_LABELS[backend],
        " / ".join(f"{r.per_second:,.0f}" for r in results["on"]),
        " / ".join(f"{r.per_second:,.0f}" for r in results["off"]),
        f"{slowdown * 100:+.1f}%",
        f"{cpu_on:.2f} / {cpu_off:.2f}",
        f"{results['on'][0].p99_ms:.1f} / {results['off'][0].p99_ms:.1f}",
        str(errors),
        "met" if met else "**missed**",
    ]
    return row, met


def run(options: Options) -> Section:
    print("toxicity benchmark: scoring cost", flush=True)
    cost_rows = scoring_costs()
    rows, all_met = [], True
    for backend in options.backends:
        results = posting(backend, options)
        row, met = posting_rows(backend, results)
        rows.append(row)
        all_met &= met
    all_met &= "met" in cost_rows[1][2]
    body = "\n".join(
        [
            f"Scoring: CPU time in one process over the {len(labelled_texts())} comments of "
            "tests/data/toxicity_labelled.csv (Parley's scorer 20 times over).",
            "",
            markdown_table(["What", "CPU per comment", "Target"], cost_rows),
            "",
            f"Posting: guest posts of 200-600 characters through gunicorn (2 workers), wrk with "
            f"{CLIENTS} clients, {options.duration:g} s per run after {options.warmup:g} s of "
            f"warm-up, {ROUNDS} rounds alternating PARLEY_TOXICITY=on and off; the site has "
            "toxicity_hold 0.9 and toxicity_nudge 0.7. Target: posting with scoring on at most "
            f"{SLOWDOWN_BUDGET:.0%} slower than off.",
            "",
            markdown_table(
                [
                    "Backend",
                    "posts/s, scoring on (each round)",
                    "posts/s, scoring off (each round)",
                    "slowdown (means)",
                    "gunicorn CPU ms/post on / off",
                    "p99 ms on / off (round 1)",
                    "errors",
                    "target",
                ],
                rows,
            ),
        ]
    )
    return Section(TITLE, body, all_met)
