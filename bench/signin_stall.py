"""Password checks and the rest of a gevent worker: does a burst of sign-in guesses stall it?

One gunicorn worker with the repository's gunicorn.conf.py (gevent), on SQLite. A client asks
``GET /healthz`` every 5 ms throughout; after a quiet second, 16 clients at once each send a
wrong password (``DELETE /api/v1/me`` with a bearer token: one scrypt check, then 401). Each
check costs about 0.1 s of CPU and 32 MB; run on the worker's event loop it held every other
request of the worker for that long, and the probe waited for the whole burst. Run in a real
thread (app.off_the_loop) it does not. Three rounds; the worst of each is kept.

Target: while the burst is being checked, no /healthz waits longer than 0.5 s.
"""

from __future__ import annotations

import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.report import Options, Section, markdown_table, percentile
from bench.server import gunicorn, migrated_database, seeding_app

TITLE = "Sign-in guesses and a gevent worker: does a burst of password checks stall it?"
GUESSES = 16
ROUNDS = 3
PROBE_EVERY_S = 0.005
TARGET_S = 0.5


def _request(url: str, method: str = "GET", data: bytes | None = None, token: str = "") -> int:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - 127.0.0.1
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _seed() -> str:
    from app.models import Role
    from app.services import users

    user = users.create_user("reader@bench.test", "Reader", "a long enough passphrase", Role.READER)
    return users.issue_token(user)


def _round(base: str, token: str) -> dict[str, float]:
    waits: list[float] = []
    stop = threading.Event()

    def probe() -> None:
        while not stop.is_set():
            started = time.monotonic()
            _request(base + "/healthz")
            waits.append(time.monotonic() - started)
            time.sleep(PROBE_EVERY_S)

    def guess() -> None:
        status = _request(base + "/api/v1/me", "DELETE", b'{"password": "wrong guess"}', token)
        assert status == 401, status

    prober = threading.Thread(target=probe)
    prober.start()
    time.sleep(1)
    quiet = list(waits)
    waits.clear()
    started = time.monotonic()
    guessers = [threading.Thread(target=guess) for _ in range(GUESSES)]
    for guesser in guessers:
        guesser.start()
    for guesser in guessers:
        guesser.join()
    burst = time.monotonic() - started
    stop.set()
    prober.join()
    return {
        "burst_s": burst,
        "quiet_p50_ms": percentile(quiet, 0.5) * 1000,
        "burst_p50_ms": percentile(waits, 0.5) * 1000,
        "burst_max_ms": max(waits) * 1000,
        "probes": len(waits),
    }


def run(options: Options) -> Section:  # noqa: ARG001 - one fixed scenario
    with (
        tempfile.TemporaryDirectory() as workdir,
        migrated_database("sqlite", Path(workdir)) as env,
    ):
        with seeding_app(env):
            token = _seed()
        with gunicorn(env, Path(workdir), "/healthz", workers=1, production_config=True) as base:
            _request(base + "/healthz")
            rounds = [_round(base, token) for _ in range(ROUNDS)]
    worst = max(r["burst_max_ms"] for r in rounds)
    met = worst <= TARGET_S * 1000
    body = "\n".join(
        [
            f"One gunicorn worker (`gunicorn.conf.py`: gevent), SQLite. `GET /healthz` every "
            f"{PROBE_EVERY_S * 1000:g} ms; then {GUESSES} clients at once each send a wrong "
            "password (`DELETE /api/v1/me`, one scrypt check each, 401). Password checks run in "
            "a real thread (`app/off_the_loop.py`, two per worker); on the event loop each held "
            "every other request of the worker for its 0.1 s.",
            "",
            markdown_table(
                [
                    "Round",
                    "burst took",
                    "/healthz p50, quiet",
                    "/healthz p50, burst",
                    "/healthz worst, burst",
                    "probes in burst",
                ],
                [
                    [
                        str(n),
                        f"{r['burst_s']:.2f} s",
                        f"{r['quiet_p50_ms']:.0f} ms",
                        f"{r['burst_p50_ms']:.0f} ms",
                        f"{r['burst_max_ms']:.0f} ms",
                        str(r["probes"]),
                    ]
                    for n, r in enumerate(rounds, 1)
                ],
            ),
            "",
            markdown_table(
                ["Target", "Measured", "Met"],
                [
                    [
                        f"no /healthz waits over {TARGET_S:g} s during the burst",
                        f"{worst:.0f} ms",
                        "met" if met else "**missed**",
                    ],
                ],
            ),
        ]
    )
    return Section(TITLE, body, targets_met=met)
