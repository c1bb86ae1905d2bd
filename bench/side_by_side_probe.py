"""One tree's CPU time per request, for bench/side_by_side.py (run as a script, not imported).

    PYTHONPATH=/path/to/tree python bench/side_by_side_probe.py sqlite first_page,counts

Run with ``PYTHONPATH`` naming the tree to measure and that tree as the working directory, so
``app`` and ``bench`` are that tree's (an older commit's too: it uses only what bench/api.py
has had since before issue 7). Seeds the API benchmark's data into a throwaway database with
that tree's migrations, then serves each case through Flask's test client and prints, as JSON,
the lowest ``time.process_time`` per request in ms of ``ROUNDS`` rounds. The caches of
anonymous answers get no memory, so every read is rendered rather than replayed: the
rendering is what a change to the code can make slower. The start-up objects are frozen out
of the garbage collector's view first, as gunicorn.conf.py does in every production worker:
otherwise a full collection scans them (a quarter of a 1,000-comment read's CPU), and the
figure measures the size of the imported libraries rather than the code.

Beside the time, each case counts the Python function calls of ``CALLS_REQUESTS`` requests
under ``cProfile``: a count the machine cannot move, so two trees that make the same calls
for the same answer do the same work, whatever their timings say.
"""

from __future__ import annotations

import cProfile
import gc
import json
import sys
import tempfile
import time
from pathlib import Path

REQUESTS = {"first_page": 300, "whole_thread": 60, "counts": 600, "post": 200}
ROUNDS = 7
CALLS_REQUESTS = 5  # profiled after the timed rounds, so profiling slows no round


def main() -> None:
    backend, cases = sys.argv[1], sys.argv[2].split(",")
    from bench import api
    from bench.server import migrated_database

    with tempfile.TemporaryDirectory(prefix="parley-probe-") as tmp:
        with migrated_database(backend, Path(tmp)) as env:
            api.seed_database(env)
            print(json.dumps(measure(env, api, cases)))


def measure(env: dict[str, str], api, cases: list[str]) -> dict[str, dict[str, float]]:
    from app import create_app
    from app.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": env["PARLEY_DATABASE_URL"],
            "SECRET_KEY": env["PARLEY_SECRET_KEY"],
            "RATELIMIT_ENABLED": False,
            "PARLEY_CACHE_MEMORY_MB": 0,  # render every read: no answer is kept to replay
        }
    )
    # As gunicorn.conf.py's post_worker_init does in production: what start-up loaded leaves
    # the garbage collector's view, so full collections scan only what requests make.
    gc.collect()
    gc.freeze()
    client = app.test_client()
    bodies = api.post_bodies()
    by_key = {case.key: case for case in api.CASES}
    results: dict[str, dict[str, float]] = {"ms": {}, "calls": {}}
    for key in cases:
        case, count = by_key[key], REQUESTS[key]

        def request(n: int, case=case) -> None:
            if case.method == "POST":
                response = client.post(
                    case.path,
                    data=bodies[n % len(bodies)],
                    headers={"Content-Type": "application/json", "Origin": "https://news.example"},
                )
            else:
                response = client.get(case.path)
            assert response.status_code < 300, (case.key, response.status_code, response.data[:200])

        for n in range(max(10, count // 10)):  # warm-up: caches, compiled statements
            request(n)
        rounds = []
        for _ in range(ROUNDS):
            started = time.process_time()
            for n in range(count):
                request(n)
            rounds.append((time.process_time() - started) * 1000 / count)
        results["ms"][key] = min(rounds)  # other work on the machine only ever adds to a round
        results["calls"][key] = function_calls(request, count) / CALLS_REQUESTS
    with app.app_context():
        db.engine.dispose()
    return results


def function_calls(request, offset: int) -> int:
    """Python function calls (primitive and recursive) of ``CALLS_REQUESTS`` requests."""
    profile = cProfile.Profile()
    profile.enable()
    for n in range(CALLS_REQUESTS):
        request(offset + n)
    profile.disable()
    profile.create_stats()
    return sum(calls for _, calls, _, _, _ in profile.stats.values())


if __name__ == "__main__":
    main()
