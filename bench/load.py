"""HTTP load through wrk (Debian's ``wrk`` package), with a Lua script that reports as JSON.

wrk is written in C and uses a few percent of a core at these rates, so it is not the
bottleneck; a Python load generator on the same two cores would be.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.report import Options
from bench.server import Served, cpu_seconds, database_pids, server_pids

MARKER = "BENCH-JSON "

# wrk calls done() once at the end, with the latency histogram of every completed request.
DONE_LUA = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH-JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, ' ..
    '"read": %d, "write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, ' ..
    '"p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
"""


class LoadGeneratorMissing(RuntimeError):
    pass


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise LoadGeneratorMissing(
            "wrk is not installed: run `apt-get install -y wrk` (make bench does this as root)"
        )
    return path


@dataclass
class LoadResult:
    requests: int
    seconds: float
    bytes: int
    errors: int  # socket errors and non-2xx/3xx answers
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    # Filled in by run_wrk_metered: CPU per answered request, in ms (db: PostgreSQL only).
    server_cpu_ms: float | None = None
    db_cpu_ms: float | None = None

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def lua_long_string(text: str) -> str:
    level = "=" * 4
    while f"]{level}]" in text:
        level += "="
    return f"[{level}[{text}]{level}]"


def post_script(path: str, bodies: list[str]) -> str:
    """A wrk script that POSTs the JSON documents in ``bodies`` in turn."""
    items = ",\n".join(lua_long_string(body) for body in bodies)
    return f"""
local bodies = {{
{items}
}}
local headers = {{["Content-Type"] = "application/json", ["Origin"] = "https://news.example"}}
local i = 0
request = function()
  i = i + 1
  return wrk.format("POST", {lua_long_string(path)}, headers, bodies[(i % #bodies) + 1])
end
"""


def run_wrk(
    url: str,
    clients: int,
    seconds: float,
    workdir: Path,
    script: str = "",
    timeout_s: int = 10,
) -> LoadResult:
    """Drive ``url`` with ``clients`` concurrent connections for ``seconds`` (one wrk thread)."""
    wrk = require_wrk()
    script_path = workdir / f"wrk-{abs(hash((url, script))) % 10**8}.lua"
    script_path.write_text(script + DONE_LUA)
    command = [
        wrk,
        "-t1",
        f"-c{clients}",
        f"-d{max(1, round(seconds))}s",
        f"--timeout={timeout_s}s",
        "-s",
        str(script_path),
        url,
    ]
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + timeout_s + 30
    )
    if completed.returncode != 0:
        raise RuntimeError(f"wrk failed ({completed.returncode}): {completed.stderr.strip()}")
    for line in completed.stdout.splitlines():
        if line.startswith(MARKER):
            data = json.loads(line[len(MARKER) :])
            break
    else:
        raise RuntimeError(f"wrk printed no summary:\n{completed.stdout}")
    return LoadResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        bytes=data["bytes"],
        errors=sum(data[k] for k in ("connect", "read", "write", "status", "timeout")),
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
    )


def run_wrk_metered(
    served: Served,
    database_url: str,
    url: str,
    clients: int,
    options: Options,
    workdir: Path,
    script: str = "",
) -> LoadResult:
    """``options.warmup`` s of wrk on ``url``, then the measured ``options.duration`` s, metering
    the CPU per answered request of the server's processes (gunicorn's, and PostgreSQL's backends
    for ``database_url``; none for SQLite) into ``server_cpu_ms`` and ``db_cpu_ms``.

    The CPU per request hardly depends on what else the machine runs, unlike requests per second.
    """
    if options.warmup > 0:
        run_wrk(url, clients, options.warmup, workdir, script)
    pids, db_pids = server_pids(served), database_pids(database_url)
    server_before, db_before = cpu_seconds(pids), cpu_seconds(db_pids)
    result = run_wrk(url, clients, options.duration, workdir, script)
    answered = max(1, result.requests)
    result.server_cpu_ms = (cpu_seconds(pids) - server_before) * 1000 / answered
    if db_pids:
        result.db_cpu_ms = (cpu_seconds(db_pids) - db_before) * 1000 / answered
    return result
