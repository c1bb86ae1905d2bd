"""Cached anonymous reads of a 1,000-comment thread against a minimal WSGI app serving the
same bytes, both under gunicorn with the same settings (gunicorn.conf.py, 2 workers)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.load import run_wrk
from bench.report import PROJECT_ROOT, Options, Section, markdown_table
from bench.seed import seed
from bench.server import (
    BIN,
    REDIS_URL,
    free_port,
    migrated_database,
    seeding_app,
    wait_until_up,
)

TITLE = "Cached anonymous reads: a 1,000-comment thread vs a minimal WSGI app"
PATH = "/api/v1/threads?site=bench&article=big&limit=500"
GZIP_LUA = 'wrk.headers["Accept-Encoding"] = "gzip"\n'
TARGET_RATIO = 0.5
SENT_HEADERS = ("Content-Type", "Content-Encoding", "ETag", "Cache-Control", "Vary")


@contextmanager
def served(env: dict[str, str], app_spec: str, workdir: Path, probe: str) -> Iterator[str]:
    port = free_port()
    log = workdir / f"gunicorn-{port}.log"
    command = [
        str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
        "--workers", "2", "--access-logfile", "/dev/null", "--error-logfile", str(log), app_spec,
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + probe, process, log)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def capture(url: str) -> tuple[bytes, list[tuple[str, str]]]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})  # noqa: S310 - local URL
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - local URL
        headers = [(k, v) for k, v in response.headers.items() if k in SENT_HEADERS]
        return response.read(), headers


def run(options: Options) -> Section:
    rows, ratios = [], []
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        with migrated_database("sqlite", workdir) as env:
            with seeding_app(env):
                seed("bench", "big", [], comments=1000)
            for label, redis_url in (
                ("in-process cache", ""),
                ("Redis cache", REDIS_URL),
            ):
                if redis_url and not os.environ.get("PARLEY_BENCH_REDIS", "1") == "1":
                    continue
                parley_env = {**env, "PARLEY_REDIS_URL": redis_url}
                with served(parley_env, "wsgi:app", workdir, "/healthz") as parley:
                    body, headers = capture(parley + PATH)
                    run_wrk(parley + PATH, 8, options.warmup, workdir, GZIP_LUA)
                    cached = run_wrk(parley + PATH, 8, options.duration, workdir, GZIP_LUA)
                (workdir / "body").write_bytes(body)
                minimal_env = {
                    **os.environ,
                    "PARLEY_BENCH_BODY": str(workdir / "body"),
                    "PARLEY_BENCH_HEADERS": json.dumps(headers),
                }
                with served(minimal_env, "bench.minimal_app:app", workdir, "/") as minimal:
                    run_wrk(minimal + "/", 8, options.warmup, workdir, GZIP_LUA)
                    floor = run_wrk(minimal + "/", 8, options.duration, workdir, GZIP_LUA)
                ratio = cached.per_second / floor.per_second if floor.per_second else 0.0
                ratios.append(ratio)
                for name, result in ((f"Parley, {label}", cached), ("minimal WSGI app", floor)):
                    rows.append([
                        name, f"{result.per_second:,.0f}", f"{result.p50_ms:.1f}",
                        f"{result.p99_ms:.1f}", str(result.errors),
                    ])  # fmt: skip
                rows.append([f"ratio ({label})", f"**{ratio:.2f}**", "", "", ""])
    met = bool(ratios) and all(r >= TARGET_RATIO for r in ratios)
    body = "\n".join([
        f"`GET {PATH}` (all 1,000 comments) with `Accept-Encoding: gzip`: "
        f"{len(body):,} bytes gzipped. Both servers: `gunicorn -c gunicorn.conf.py --workers 2` "
        f"(gevent), wrk with 8 connections, {options.duration:g} s after a {options.warmup:g} s "
        "warm-up. Target: Parley at least 0.5 of the minimal app's rate.",
        "",
        markdown_table(["Server", "req/s", "p50 ms", "p99 ms", "errors"], rows),
    ])  # fmt: skip
    return Section(TITLE, body, targets_met=met)
