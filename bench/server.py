"""Throwaway databases and a real gunicorn serving Parley on 127.0.0.1.

SQLite: a file in a temporary directory. PostgreSQL: a database of our own
(``parley_bench_<pid>``) on 127.0.0.1:5432, created here and dropped afterwards.
The schema comes from the real migrations (``flask db upgrade``).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.report import PROJECT_ROOT

PG_ADMIN_URL = os.environ.get("PARLEY_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
# The Redis the live-update benchmarks fan events out through; Parley namespaces its keys and
# channels by the database number, so PARLEY_BENCH_REDIS_URL should name one nothing else uses.
REDIS_URL = os.environ.get("PARLEY_BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
BIN = Path(sys.executable).parent


@contextmanager
def sqlite_database(workdir: Path) -> Iterator[str]:
    yield f"sqlite:///{workdir / 'bench.sqlite3'}"


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this run, dropped (with its connections) afterwards."""
    import psycopg

    name = f"parley_bench_{os.getpid()}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    admin = psycopg.conninfo.conninfo_to_dict(PG_ADMIN_URL)
    host, port, user = admin.get("host", "127.0.0.1"), admin.get("port", 5432), admin["user"]
    try:
        yield f"postgresql+psycopg://{user}@{host}:{port}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def server_environment(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PARLEY_DATABASE_URL=database_url,
        PARLEY_RATE_LIMITS="off",
        PARLEY_SECRET_KEY=env.get("PARLEY_BENCH_SECRET_KEY") or os.urandom(24).hex(),
        PARLEY_REDIS_URL="",
        FLASK_APP="wsgi",
    )
    return env


def migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )


@contextmanager
def migrated_database(backend: str, workdir: Path) -> Iterator[dict[str, str]]:
    """A throwaway database of ``backend`` with the schema; yields the server's environment."""
    database = sqlite_database(workdir) if backend == "sqlite" else postgres_database()
    with database as url:
        env = server_environment(url)
        migrate(env)
        yield env


@contextmanager
def seeding_app(env: dict[str, str]) -> Iterator[None]:
    """An application context on the benchmark database, to seed it through the services.

    Seeding is bulk loading, not a request: PostgreSQL's statement timeout, which bounds a
    request's wait (PARLEY_DB_STATEMENT_TIMEOUT_MS, 2.5 s), is off (0) here, so an UPDATE of
    every seeded row (which rewrites the trigram index too) or an ANALYZE may take longer."""
    from app import create_app
    from app.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": env["PARLEY_DATABASE_URL"],
            "SECRET_KEY": env["PARLEY_SECRET_KEY"],
            "RATELIMIT_ENABLED": False,
            "PARLEY_DB_STATEMENT_TIMEOUT_MS": 0,
        }
    )
    with app.app_context():
        try:
            yield
        finally:
            db.session.remove()
            db.engine.dispose()


class Served(str):
    """The base URL of a running server; ``pid`` is its gunicorn master process."""

    pid: int


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:  # field 4, the parent pid
            found.append(int(stat.parent.name))
    return found


def server_pids(served: Served) -> list[int]:
    """gunicorn's master and its workers."""
    return [served.pid, *_children(served.pid)]


def database_pids(database_url: str) -> list[int]:
    """The PostgreSQL server processes serving that database (none for SQLite)."""
    if not database_url.startswith("postgresql"):
        return []
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,))
        return [pid for (pid,) in rows]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time used so far by these processes (those that still exist)."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return ticks / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({process.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local URL
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {url} within {timeout_s} s:\n{log.read_text()}")


@contextmanager
def gunicorn(
    env: dict[str, str],
    workdir: Path,
    probe_path: str,
    workers: int = 2,
    production_config: bool = False,
) -> Iterator[Served]:
    """Serve wsgi:app with gunicorn on a free 127.0.0.1 port; yields the base URL.

    ``production_config``: with the repository's gunicorn.conf.py (gevent workers, as deployed),
    access log off; else gunicorn's defaults (sync workers)."""
    port = free_port()
    log = workdir / f"gunicorn-{port}.log"
    production = ["-c", "gunicorn.conf.py", "--access-logfile", "/dev/null"]
    command = [
        str(BIN / "gunicorn"),
        *(production if production_config else []),
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--no-control-socket",
        "--log-level",
        "warning",
        "--error-logfile",
        str(log),
        "wsgi:app",
    ]
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, start_new_session=True)
    base = Served(f"http://127.0.0.1:{port}")
    base.pid = process.pid
    try:
        wait_until_up(base + probe_path, process, log)
        yield base
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


@contextmanager
def gunicorn_with_events(env: dict[str, str], workdir: Path) -> Iterator[Served]:
    """gunicorn as deployed (the repository's gunicorn.conf.py: gevent, 2 workers), with events
    fanned out through Redis at REDIS_URL: the server of the live-update benchmarks."""
    env = {**env, "PARLEY_REDIS_URL": REDIS_URL}
    with gunicorn(env, workdir, "/healthz", production_config=True) as base:
        yield base
