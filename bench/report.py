"""What a benchmark hands back, the machine it ran on, and docs/benchmarks.md sections.

Each benchmark owns one section of the document, between ``<!-- bench:NAME -->`` and
``<!-- /bench:NAME -->``; rewriting a section leaves the rest of the file untouched.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DOC = PROJECT_ROOT / "docs" / "benchmarks.md"
DOC_HEADER = """# Benchmarks

Run them with `make bench` (every benchmark) or `.venv/bin/python -m bench.run NAME ...`.
Each section below is rewritten by its benchmark; text outside the sections is kept.
"""

# How each backend that ``Options.backends`` may name is written in the results.
BACKEND_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

Measured = TypeVar("Measured")


@dataclass
class Options:
    """What every benchmark is given: seconds per measured case, and the database backends."""

    duration: float = 6.0
    warmup: float = 1.0
    backends: tuple[str, ...] = ("sqlite", "postgresql")
    cases: tuple[str, ...] = ()  # only these cases (for benchmarks that have several); () = all


@dataclass
class Section:
    """A benchmark's results: Markdown for its section, and whether every target was met."""

    title: str
    body: str
    targets_met: bool = True
    notes: list[str] = field(default_factory=list)


def section_per_backend(
    title: str,
    intro: str,
    options: Options,
    run_backend: Callable[[str, Options], tuple[list[str], bool]],
    progress: str,
) -> Section:
    """A section of ``intro`` (what was measured), then, for each of ``options.backends`` in
    turn, a heading with the backend's label and the Markdown lines
    ``run_backend(backend, options)`` hands back with whether its targets were met;
    ``progress`` is printed as each backend starts. The section's targets are met when every
    backend's are."""
    body = [intro, ""]
    met = True
    for backend in options.backends:
        print(f"  {backend}: {progress}", flush=True)
        lines, ok = run_backend(backend, options)
        body += [f"### {BACKEND_LABELS[backend]}", "", *lines, ""]
        met &= ok
    return Section(title, "\n".join(body), targets_met=met)


def measure_on_postgresql(
    options: Options, progress: str, measure: Callable[[Path], Measured]
) -> Measured | None:
    """For the benchmarks that run on PostgreSQL only: ``measure(workdir)`` once, in a fresh
    temporary directory, after printing ``progress``; None, without measuring, when
    ``options.backends`` leave PostgreSQL out."""
    if "postgresql" not in options.backends:
        return None
    print(f"  postgresql: {progress}", flush=True)
    with tempfile.TemporaryDirectory(prefix="parley-bench-") as tmp:
        return measure(Path(tmp))


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _git(*args: str) -> str:
    try:
        result = subprocess.run(
            ["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def git_commit() -> str:
    """The short commit, marked when the code under test has uncommitted changes."""
    commit = _git("rev-parse", "--short", "HEAD") or "unknown"
    if _git("status", "--porcelain", "--", "app", "migrations", "wsgi.py", "bench"):
        commit += " + uncommitted changes"
    return commit


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"


def machine_lines(started: datetime, load_at_start: str) -> list[str]:
    """Where and when: date, CPUs, RAM, Python, git commit, load when the run started."""
    return [
        f"- Date: {started:%Y-%m-%d %H:%M} UTC",
        f"- Machine: {os.cpu_count()} CPUs ({_cpu_model()}), {_ram()} RAM, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}",
        f"- Commit: {_git('rev-parse', '--abbrev-ref', 'HEAD') or '?'} @ {git_commit()}",
        f"- Load average when the run started: {load_at_start}",
    ]


def now() -> datetime:
    return datetime.now(UTC)


def render_section(name: str, section: Section, started: datetime, load_at_start: str) -> str:
    lines = [
        f"<!-- bench:{name} -->",
        f"## {section.title}",
        "",
        *machine_lines(started, load_at_start),
        f"- Load average when it ended: {load_average()}",
        "",
        section.body.strip(),
        f"<!-- /bench:{name} -->",
    ]
    return "\n".join(lines)


def update_document(name: str, rendered: str, path: Path = DOC) -> None:
    """Replace the section ``name`` in the document (appending it if new)."""
    text = path.read_text() if path.exists() else DOC_HEADER
    pattern = re.compile(
        rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.DOTALL
    )
    if pattern.search(text):
        text = pattern.sub(lambda _match: rendered, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + rendered + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile of ``values`` (0.99 for p99), taken on the high side: the value
    at index floor(share * n) of the sorted values, so p99 of 100 values is the largest and no
    rounding eases a target checked against it; 0 when there are no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
