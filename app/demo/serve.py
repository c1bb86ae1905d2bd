"""``make run`` serves the demo with gunicorn, in the terminal's foreground, and stops cleanly.

make runs a recipe in make's own process group, so Ctrl-C in the terminal reaches make as well
as the server, and make then reports the target as interrupted however the server ended (and
Flask's development server also warns, in red, that it is not for real use). So this takes
the terminal's foreground for itself, as a job-control shell does for a job, and becomes
gunicorn: Ctrl-C then reaches only gunicorn, which stops its workers and exits 0, and make
with it. SIGTERM to the server does the same. Without a terminal (CI, a service manager) it
just becomes gunicorn.

Usage: ``python -m app.demo.serve --port 5000`` (run from the project root, like make does).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

# Settings from gunicorn.conf.py, as in production: among them the number of workers, which is
# one without PARLEY_REDIS_URL (the demo's case), since live events, rate limits and the cache
# reach other processes only through Redis.
CONFIG = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def take_the_terminal() -> None:
    """Become the terminal's foreground process group, if standard input is a terminal."""
    if not os.isatty(sys.stdin.fileno()):
        return
    # A background group changing the foreground group gets SIGTTOU: ignore it for the call.
    previous = signal.signal(signal.SIGTTOU, signal.SIG_IGN)
    try:
        os.setpgid(0, 0)
        os.tcsetpgrp(sys.stdin.fileno(), os.getpgrp())
    except OSError:
        pass  # a session leader, or a terminal that is not ours: serve as we are
    finally:
        signal.signal(signal.SIGTTOU, previous)


def gunicorn_command(port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(CONFIG),
        "--bind",
        f"127.0.0.1:{port}",
        "--no-control-socket",
        "--graceful-timeout",
        "5",
        "--access-logfile",
        "-",
        "wsgi:app",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5000)
    port = parser.parse_args(argv).port
    take_the_terminal()
    command = gunicorn_command(port)
    os.execv(command[0], command)  # noqa: S606 - our own interpreter, fixed arguments


if __name__ == "__main__":
    main()
