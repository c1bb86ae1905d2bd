"""Profile the API benchmark's requests in-process with pyinstrument (not part of make bench).

    .venv/bin/pip install pyinstrument
    .venv/bin/python -m bench.profile_api first_page --repeat 200 [--backend postgresql]

Seeds the same data as bench/api.py into a throwaway database, then serves the chosen case
through Flask's test client (the full WSGI stack minus gunicorn and the socket) and prints
where the time goes.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from bench import api
from bench.server import migrated_database


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_api")
    parser.add_argument("case", choices=[case.key for case in api.CASES])
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    from pyinstrument import Profiler

    from app import create_app

    case = next(c for c in api.CASES if c.key == args.case)
    with tempfile.TemporaryDirectory(prefix="parley-profile-") as tmp:
        with migrated_database(args.backend, Path(tmp)) as env:
            api.seed_database(env)
            app = create_app(
                {
                    "SQLALCHEMY_DATABASE_URI": env["PARLEY_DATABASE_URL"],
                    "SECRET_KEY": env["PARLEY_SECRET_KEY"],
                    "RATELIMIT_ENABLED": False,
                }
            )
            client = app.test_client()
            bodies = [json.loads(body) for body in api.post_bodies()]

            def once(n: int) -> None:
                if case.method == "POST":
                    response = client.post(case.path, json=bodies[n % len(bodies)])
                else:
                    response = client.get(case.path)
                assert response.status_code < 300, response.status_code

            for n in range(10):
                once(n)
            wall, cpu = time.perf_counter(), time.process_time()
            for n in range(args.repeat):
                once(n)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            each = 1000 / args.repeat
            print(
                f"{args.repeat} x {case.label} without profiler: "
                f"{wall * each:.2f} ms wall, {cpu * each:.2f} ms CPU each"
            )
            profiler = Profiler(interval=0.0005)
            started = time.perf_counter()
            with profiler:
                for n in range(args.repeat):
                    once(n)
            elapsed = time.perf_counter() - started
            print(f"with profiler: {elapsed / args.repeat * 1000:.2f} ms each")
            print(profiler.output_text(unicode=True, color=False, show_all=False))
            with app.app_context():
                from app.extensions import db

                db.engine.dispose()


if __name__ == "__main__":
    main()
