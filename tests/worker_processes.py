"""Real ``flask --app wsgi worker`` processes for tests and benchmarks (each its own session)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def worker_processes(env: dict[str, str], count: int, workdir: Path) -> Iterator[list[int]]:
    """``count`` workers with ``env``, logging to ``workdir/worker-N.log``; their pids; stopped
    on exit."""
    flask = str(Path(sys.executable).parent / "flask")
    processes, logs = [], []
    for number in range(count):
        log = (workdir / f"worker-{number}.log").open("w")
        logs.append(log)
        processes.append(
            subprocess.Popen(
                [flask, "--app", "wsgi", "worker"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    try:
        yield [process.pid for process in processes]
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        for log in logs:
            log.close()
