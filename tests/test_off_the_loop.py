"""Password checks in a gevent worker run in a real thread, so the worker's other requests go
on meanwhile (app.off_the_loop). Run in a process of its own: gevent patches the whole
process, which this test run must not be."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from app.services.passwords import hash_password, password_matches

CHECKS = 8

# As in a gunicorn gevent worker: patched first, then the app's code. A greenlet ticks every
# 5 ms while CHECKS wrong-password checks run in greenlets of their own; on the event loop each
# check held it for its whole 0.1 s, so the ticker moved at most once between two checks.
IN_A_GEVENT_WORKER = f"""
from gevent import monkey
monkey.patch_all()
import json
import gevent
from app.services.passwords import hash_password, password_matches

stored = hash_password("correct horse battery")
ticks = []

def tick():
    while True:
        ticks.append(1)
        gevent.sleep(0.005)

ticker = gevent.spawn(tick)
gevent.sleep(0.02)
before = len(ticks)
checks = [gevent.spawn(password_matches, stored, "wrong guess") for _ in range({CHECKS})]
gevent.joinall(checks, raise_error=True)
during = len(ticks) - before
ticker.kill()
print(json.dumps({{
    "ticks": during,
    "wrong": [check.value for check in checks],
    "right": password_matches(stored, "correct horse battery"),
}}))
"""


def test_password_checks_leave_a_gevent_workers_loop_free():
    done = subprocess.run(
        [sys.executable, "-c", IN_A_GEVENT_WORKER],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parent.parent,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["wrong"] == [False] * CHECKS and seen["right"] is True
    assert seen["ticks"] > 3 * CHECKS, seen


def test_without_gevent_a_check_runs_where_it_is_called():
    stored = hash_password("correct horse battery")
    assert password_matches(stored, "correct horse battery")
    assert not password_matches(stored, "correct horse batterY")
