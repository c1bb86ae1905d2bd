"""Schemathesis against the served OpenAPI document, through a real HTTP server.

Schemathesis (its command line, in a subprocess: a real HTTP client) reads
``/api/v1/openapi.json`` from a live werkzeug server and, for every operation, sends the
schema's examples, boundary and invalid values (coverage phase), generated requests (fuzzing)
and chains of calls (stateful). It runs once anonymously and once with an admin's bearer token,
on SQLite and on PostgreSQL. Every answer must be documented: no 5xx, only the listed status
codes, content types, headers and response schemas. ``EXAMPLES`` bounds the generated cases per
operation so the four runs take about a minute together.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import BACKENDS

ROOT = Path(__file__).resolve().parent.parent

EXAMPLES = 25
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)


@dataclass(frozen=True)
class LiveAPI:
    base_url: str
    token: str


@pytest.fixture(scope="module", params=BACKENDS)
def live_api(request, tmp_path_factory) -> Iterator[LiveAPI]:
    """tests/schemathesis_server.py serving a seeded database, in a process of its own."""
    folder = tmp_path_factory.mktemp("schemathesis")
    if request.param == "sqlite":
        path = folder / "parley.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_url")
    server = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-m", "tests.schemathesis_server", url, str(folder)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = server.stdout.readline() if server.stdout else ""
        assert line.startswith("READY "), f"the server did not start: {line!r}"
        _ready, port, token = line.split()
        yield LiveAPI(f"http://127.0.0.1:{port}", token)
    finally:
        server.terminate()
        server.wait(timeout=30)
        if server.stdout:
            server.stdout.close()


@pytest.mark.parametrize("caller", ["anonymous", "bearer"])
def test_every_answer_is_documented(live_api, caller, tmp_path):
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{live_api.base_url}/api/v1/openapi.json",
        "--checks",
        ",".join(CHECKS),
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        str(EXAMPLES),
        "--seed",
        "20261201",
        "--workers",
        "1",
        "--no-color",
        "--report-dir",
        str(tmp_path),
    ]
    if caller == "bearer":
        command += ["--header", f"Authorization: Bearer {live_api.token}"]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "", "NO_COLOR": "1"}
    run = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        command, capture_output=True, text=True, timeout=300, env=env, check=False, cwd=tmp_path
    )
    report = run.stdout + run.stderr
    assert run.returncode == 0, report[-20_000:]
    assert "API Operations:" in report and "Tested: 0" not in report, report[-5_000:]
